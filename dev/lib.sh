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

# supervise NAME CHILD_PIDFILE COMMAND...: run COMMAND and start it again whenever it exits,
# after a back-off (1 s, doubling to 60 s; back to 1 s once a run lasted 5 min), each restart
# logged on stdout (the app's log); TERM or INT stops the child (TERM, KILL after 15 s) and
# then the loop. Run it in its own session (spawn): its pid file is the supervisor's, the
# child's pid is in CHILD_PIDFILE, and CHILD_PIDFILE.restarts counts the restarts.
supervise() {
  local name=$1 childf=$2; shift 2
  local child="" sleeper="" stopping=false delay=1 restarts=0 started rc
  trap 'stopping=true; [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT
  echo 0 > "$childf.restarts"
  while :; do
    started=$SECONDS
    "$@" &
    child=$!
    echo "$child" > "$childf"
    while :; do # a trapped signal ends `wait` early: wait again until the child is gone
      rc=0; wait "$child" || rc=$?
      pid_alive "$child" || break
      if $stopping; then
        for _ in $(seq 1 30); do pid_alive "$child" || break; sleep 0.5; done
        pid_alive "$child" && kill -KILL "$child" 2>/dev/null
      fi
    done
    child=""; rm -f "$childf"
    $stopping && { echo "$(date '+%F %T') supervisor: $name stopped"; return 0; }
    ((SECONDS - started >= 300)) && delay=1
    restarts=$((restarts + 1)); echo "$restarts" > "$childf.restarts"
    echo "$(date '+%F %T') supervisor: $name exited (status $rc) after $((SECONDS - started)) s; restart $restarts in $delay s"
    sleep "$delay" & sleeper=$!
    wait "$sleeper" 2>/dev/null || true
    sleeper=""
    $stopping && { echo "$(date '+%F %T') supervisor: $name stopped"; return 0; }
    delay=$((delay * 2)); ((delay > 60)) && delay=60
  done
}

# stop_supervised PIDFILE CHILD_PIDFILE: the supervisor first (it stops its child), then the
# child by its own pid in case the supervisor was gone or had to be killed
stop_supervised() {
  stop_pidfile "$1"
  stop_pidfile "$2"
  rm -f "$2.restarts"
}

# healthy PORT: liveness stays open when the API asks for a token; before that endpoint exists
# (404), the plain health endpoint
healthy() {
  curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$1/actuator/health/liveness" 2>/dev/null \
    || curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$1/actuator/health" 2>/dev/null
}

# start_jvm DIR NAME JAR PORT [VAR=value...]: the JVM under a supervisor (supervise above) that
# starts it again when it exits, e.g. on an OutOfMemoryError; DIR/NAME.pid is the supervisor's,
# DIR/NAME.java.pid the JVM's, DIR/NAME.log its log; the extra environment is this app's only.
# Returns once it answers on PORT; fails (and stops it) when it exits first. CEPHFLOW_JVM_HEAP
# (default 512m) is its -Xmx.
start_jvm() {
  local dir=$1 name=$2 jar=$3 port=$4; shift 4
  local pidf="$dir/$name.pid" childf="$dir/$name.java.pid"
  mkdir -p "$dir"
  if alive "$pidf"; then echo "$name: already running (supervisor pid $(cat "$pidf"))"; return 0; fi
  stop_pidfile "$childf" # a JVM whose supervisor was killed
  spawn "$pidf" "$dir/$name.log" env "$@" bash -c '. "$0"; supervise "$@"' "$repo/dev/lib.sh" "$name" "$childf" \
    java "-Xmx${CEPHFLOW_JVM_HEAP:-512m}" -XX:+ExitOnOutOfMemoryError -jar "$jar"
  for _ in $(seq 1 240); do
    healthy "$port" && { echo "$name: up on 127.0.0.1:$port"; return 0; }
    # it exited before it was up: fail now (as without a supervisor), no restart loop
    if ! alive "$pidf" || [ "$(cat "$childf.restarts" 2>/dev/null || echo 0)" != 0 ]; then
      echo "$name: exited; last lines of $dir/$name.log:" >&2; tail -30 "$dir/$name.log" >&2
      stop_supervised "$pidf" "$childf"; return 1
    fi
    sleep 0.5
  done
  echo "$name: not healthy after 120 s (log: $dir/$name.log)" >&2; return 1
}

# api_token DIR: the API's bearer token, made once, kept in DIR/token; the API reads only its
# hash, from DIR/tokens (lines "<name> <role> sha256:<hex>", # comments)
api_token() {
  local api=$1
  ( umask 077
    mkdir -p "$api"
    if [ ! -s "$api/token" ]; then
      head -c 32 /dev/urandom | basenc --base64url | tr -d '=\n' > "$api/token.new"
      mv "$api/token.new" "$api/token"
      rm -f "$api/tokens" # it names the hash of the token it replaces
    fi
    if [ ! -s "$api/tokens" ]; then
      { echo "# cephflow API tokens (written by dev/lib.sh api_token): <name> <role> sha256:<hex of SHA-256 of the token>"
        echo "dev admin sha256:$(tr -d '\n' < "$api/token" | sha256sum | cut -d' ' -f1)"; } > "$api/tokens.new"
      mv "$api/tokens.new" "$api/tokens"
    fi )
  chmod 0700 "$api"; chmod 0600 "$api/token" "$api/tokens"
}

# native_crash_report: a test JVM that died in native code (librados/librbd abort, SIGSEGV) leaves
# a core file in its module's directory when core dumps are on (dev/test turns them on); print the
# backtrace of the thread that died and every thread with Ceph frames, then remove the core
native_crash_report() {
  local core java
  java=$(readlink -f "$(command -v java)")
  for core in "$repo"/*/core "$repo"/*/core.[0-9]*; do
    [ -f "$core" ] || continue
    echo "== native crash: $core; the thread that died (every frame, with the libraries' load"
    echo "== addresses to place the unnamed ones), then the other threads with Ceph frames"
    gdb -batch -q -ex 'bt 60' -ex 'info sharedlibrary' "$java" "$core" 2>/dev/null \
      | grep -E '^#|^Program|^Core|^0x.*(rados|rbd|ceph|stdc\+\+|jnidispatch|virt|libc\.so)' | head -120
    gdb -batch -q -ex 'thread apply all bt 30' "$java" "$core" 2>/dev/null \
      | awk '/^Thread [0-9]+ /{flush(); blk=$0 "\n"; next}
             /^#/{blk=blk $0 "\n"; if ($0 ~ /rados|rbd|ceph|abort|raise|terminate/) keep=1; next}
             function flush(){ if (keep) printf "%s", blk; keep=0; blk="" }
             END{flush()}' | grep -v ' in ?? ()' | head -500
    rm -f "$core"
  done
}
