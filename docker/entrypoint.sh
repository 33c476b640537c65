#!/bin/sh
# Container entry point of bedrock-usage-exporter.
#
# Given a command (serve, demo, emulator, backfill, check-config), runs it as is. Given none (or only
# flags), reads the real AWS account when the container has AWS credentials and runs the demo (the
# built-in Cost Explorer emulator, no AWS calls) when it has none. Instance profiles (EC2) leave no
# trace in the environment: run the `serve` command explicitly there.
set -eu

cli=/app/dist/cli.js

has_aws_credentials() {
  [ -n "${AWS_ACCESS_KEY_ID:-}" ] && return 0
  [ -n "${AWS_PROFILE:-}" ] && return 0
  [ -n "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ] && return 0
  [ -n "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" ] && return 0
  [ -n "${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}" ] && return 0
  [ -s "${AWS_SHARED_CREDENTIALS_FILE:-${HOME:-/nonexistent}/.aws/credentials}" ] && return 0
  [ -s "${AWS_CONFIG_FILE:-${HOME:-/nonexistent}/.aws/config}" ] && return 0
  return 1
}

case "${1:-}" in
  serve | demo | emulator | backfill | check-config)
    exec node "$cli" "$@"
    ;;
esac

if has_aws_credentials; then
  echo "bedrock-usage-exporter: AWS credentials found: reading the real account from Cost Explorer" >&2
  exec node "$cli" serve --web.listen-address=:9180 "$@"
fi
echo "bedrock-usage-exporter: no AWS credentials: starting the demo on the built-in Cost Explorer emulator" >&2
exec node "$cli" demo --web.listen-address=:9180 "$@"
