#!/bin/sh
# Container entry point of bedrock-usage-exporter.
#
# Given a command (serve, demo, emulator, backfill, check-config), runs it as is; backfill-once is the
# stack's one-time history backfill. Given none (or only flags), reads the real AWS account when the
# container has AWS credentials and runs the demo (the built-in Cost Explorer emulator, no AWS calls)
# when it has none. Instance profiles (EC2) leave no
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

# The stack's history, once, before Prometheus starts: Cost Explorer's (or, without credentials, the
# demo organization's) history into Prometheus' data volume, then a marker so a restart skips it. A
# history that cannot be loaded must not keep Prometheus from starting: it says so, leaves no marker
# (the next start tries again) and ends well.
backfill_once() {
  tsdb=${BACKFILL_TSDB:-/prometheus}
  marker="$tsdb/.bedrock-backfill-done"
  if [ -e "$marker" ]; then
    echo "bedrock-usage-exporter: history already backfilled ($(cat "$marker")); nothing to do" >&2
    return 0
  fi
  if ! load_history "$tsdb" "$@"; then
    echo "bedrock-usage-exporter: the history was not loaded (the line above says why); Prometheus starts without it, and the next 'docker compose up' tries again" >&2
    return 0
  fi
  date -u +%Y-%m-%dT%H:%M:%SZ >"$marker"
}

load_history() {
  tsdb=$1
  shift
  rules=${BACKFILL_RULES:-/etc/prometheus/rules/recording.yml}
  if has_aws_credentials; then
    # 13 months of history; the recording rules over the last weeks only (the growth alerts need three),
    # as a large organization's rules take Prometheus minutes per day.
    rules_days=${BACKFILL_RULES_DAYS:-35}
    echo "bedrock-usage-exporter: backfilling Cost Explorer's history (13 months, rules over the last $rules_days days) into $tsdb" >&2
    node "$cli" backfill --tsdb="$tsdb" --rules="$rules" --rules-from="$(date -u -d "-$rules_days days" +%F)" "$@"
    return
  fi
  # The same organization as the exporter's demo (seed 42, size demo), so history and live data agree.
  days=${BACKFILL_DEMO_DAYS:-35}
  echo "bedrock-usage-exporter: no AWS credentials: backfilling $days days of the demo organization into $tsdb" >&2
  node "$cli" emulator --listen=127.0.0.1:4510 --size=demo --seed=42 --log.level=warn &
  until node -e "fetch('http://127.0.0.1:4510/__emulator/stats').then(() => process.exit(0), () => process.exit(1))"; do sleep 1; done
  AWS_ENDPOINT_URL_COST_EXPLORER=http://127.0.0.1:4510 AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1 \
    node "$cli" backfill --tsdb="$tsdb" --rules="$rules" --from="$(date -u -d "-$days days" +%F)" "$@"
}

case "${1:-}" in
  backfill-once)
    shift
    backfill_once "$@"
    exit 0
    ;;
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
