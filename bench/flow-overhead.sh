#!/usr/bin/env bash
# Flow overhead (issue 18, part 3): each flow ROUNDS times through REST on the dev stack (worker and
# API in one JVM, the dev Ceph cluster and libvirtd, a Temporal dev server of this script's own),
# and per flow the wall time from the POST to the API's COMPLETED less the time its activities
# worked, split event by event from the workflow history (io.cephflow.e2e.FlowOverheadBench).
#
#   eval "$(dev/ceph.sh env)"; eval "$(dev/libvirt.sh env)"; bench/flow-overhead.sh [ROUNDS=3]
#
#   BENCH_TEMPORAL_PORT=17700   its Temporal dev server (UI on +1000), started and stopped here
#   BENCH_EAGER=false           true: the server dispatches activities eagerly
#                               (system.enableActivityEagerExecution), as the SDK asks by default
#   BENCH_WORKER_ARGS=""        worker settings under test, e.g. --cephflow.worker.sticky-schedule=5s
#   BENCH_POLL_MS=20            how often the bench reads GET /api/v1/operations/{id} (1000: as the CLI did)
#   BENCH_WAIT_SECONDS=0        N: read with the API's long poll ?waitSeconds=N instead (as the CLI does now)
#   BENCH_TIMELINE=""           a flow's name (or its start, e.g. CreateImageFromServer): print its
#                               history event by event, ms after the POST, with each step's type
# Every image, disk and domain it makes is removed at the end (also when it fails).
set -euo pipefail
ROUNDS=${1:-3}
PORT=${BENCH_TEMPORAL_PORT:-17700}
: "${CEPHFLOW_CEPH_CONF:?run eval \"\$(dev/ceph.sh env)\" first}"
: "${CEPHFLOW_LIBVIRT_URI:?run eval \"\$(dev/libvirt.sh env)\" first}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. bench/lib.sh
work=$(mktemp -d /tmp/cephflow-flow-overhead.XXXXXX)
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
dyn=()
[[ ${BENCH_EAGER:-false} == true ]] && dyn=(--dynamic-config-value system.enableActivityEagerExecution=true)
bench_temporal "$PORT" "$work" "${dyn[@]}" || exit 1
pid=$bench_temporal_pid
echo "bench: Temporal dev server on 127.0.0.1:$PORT (eager activities: ${BENCH_EAGER:-false}), $(nproc) cores," \
  "load $(cut -d' ' -f1-3 /proc/loadavg)"
CEPHFLOW_E2E_TEMPORAL=127.0.0.1:$PORT mvn -B -o -pl worker -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=FlowOverheadBench -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.rounds="$ROUNDS" \
  -Dbench.poll-ms="${BENCH_POLL_MS:-20}" -Dbench.wait-seconds="${BENCH_WAIT_SECONDS:-0}" -Dbench.worker-args="${BENCH_WORKER_ARGS:-}" \
  -Dbench.timeline="${BENCH_TIMELINE:-}" >"$work/mvn.log" 2>&1 \
  || { tail -60 "$work/mvn.log"; exit 1; }
out=$(find worker/target/failsafe-reports -name 'io.cephflow.e2e.FlowOverheadBench-output.txt' 2>/dev/null | head -1)
grep -h '^bench' "${out:-$work/mvn.log}" 2>/dev/null || grep -h '^bench' "$work/mvn.log"
