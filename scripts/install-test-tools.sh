#!/bin/sh
# Installs the programs the tests run that npm does not bring: Prometheus' promtool and server,
# Alertmanager's amtool, docker-compose (to check the compose file), Chromium (the landing page
# test), kubectl (renders the Kubernetes manifests with kustomize, offline) and jsonnet (renders the
# monitoring mixin). Debian or Ubuntu, with apt-get; sudo when not root. What is already there is left alone.
set -u

missing=""
command -v promtool >/dev/null 2>&1 || missing="$missing prometheus"
command -v amtool >/dev/null 2>&1 || missing="$missing prometheus-alertmanager"
command -v docker-compose >/dev/null 2>&1 || missing="$missing docker-compose"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v kubectl >/dev/null 2>&1 || missing="$missing kubectl"
command -v jsonnet >/dev/null 2>&1 || missing="$missing jsonnet"
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install these first (they come with Prometheus, Alertmanager, Docker Compose, Chromium, kubectl and jsonnet):$missing" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "as root: apt-get install$missing" >&2
    exit 1
  fi
  sudo="sudo"
fi
echo "installing$missing"
export DEBIAN_FRONTEND=noninteractive
timeout 600 $sudo apt-get update -qq || true
# shellcheck disable=SC2086
timeout 600 $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
  echo "apt-get install$missing failed" >&2
  exit 1
}
