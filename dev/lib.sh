# Shared helpers for the dev scripts (sourced).
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CEPHFLOW_STATE=${CEPHFLOW_STATE:-$repo/.state}
mkdir -p "$CEPHFLOW_STATE"

# alive PIDFILE: the process named in PIDFILE runs (zombies have an empty cmdline)
alive() {
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && pid_alive "$pid"
}

# pid_alive PID: running and not a zombie (/proc files report size 0, so read it)
pid_alive() {
  [ -n "$( { tr -d '\0' < "/proc/$1/cmdline"; } 2>/dev/null)" ]
}

# stop_pidfile PIDFILE: TERM, wait up to 20 s, then KILL; only the pid we started
stop_pidfile() {
  local f=$1 pid
  alive "$f" || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    pid_alive "$pid" || break
    sleep 0.5
  done
  if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$f"
}

# spawn PIDFILE LOG COMMAND...: run COMMAND in its own session, in the background;
# the pid file holds the daemon's own pid (setsid may fork, so the shell that
# execs the daemon writes it)
spawn() {
  local pidf=$1 log=$2; shift 2
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pidf" "$@" >>"$log" 2>&1 < /dev/null &
  for _ in $(seq 1 50); do [ -s "$pidf" ] && break; sleep 0.1; done
}
