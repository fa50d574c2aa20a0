# Shared helpers for the bench scripts (sourced).

# bench_temporal PORT DIR [ARGS...]: a Temporal dev server of the bench's own on 127.0.0.1:PORT
# (web UI on PORT+1000, SQLite in DIR/temporal.db, log in DIR/temporal.log, extra server ARGS),
# in the background; waits up to 30 s for its default namespace. Sets bench_temporal_pid: the
# caller's cleanup kills it.
bench_temporal() {
  local port=$1 dir=$2
  shift 2
  temporal server start-dev --ip 127.0.0.1 --port "$port" --ui-port $((port + 1000)) --headless \
    --db-filename "$dir/temporal.db" --log-level error "$@" >"$dir/temporal.log" 2>&1 &
  bench_temporal_pid=$!
  for _ in $(seq 1 60); do
    temporal operator namespace describe --address "127.0.0.1:$port" --namespace default >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "bench: the Temporal dev server on port $port did not come up (log: $dir/temporal.log)" >&2
  return 1
}
