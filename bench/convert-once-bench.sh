#!/usr/bin/env bash
# Convert once, then clone (issue 16, part 4): the boot flow (REST POST to COMPLETED) from a raw
# image against the second boot from a qcow2 image of the same disk (a clone of the image's raw
# copy images/<id>_raw@snap, made by the first boot), median of ROUNDS rounds, ratio printed.
# The first qcow2 boot (the conversion, what every boot cost before) is printed too.
# Runs io.cephflow.e2e.ConvertOnceBench (worker test scope) through failsafe against the dev Ceph
# cluster and libvirtd, with an embedded Temporal (or CEPHFLOW_E2E_TEMPORAL=host:port, or
# BENCH_TEMPORAL_PORT=PORT: a Temporal dev server of this script's own on PORT, UI on PORT+1000).
# Usage: eval "$(dev/ceph.sh env)"; eval "$(dev/libvirt.sh env)"; bench/convert-once-bench.sh [MiB=1024] [ROUNDS=3]
# The disk is made in the JVM's heap (MiB up to 2047) and in /tmp twice (raw and qcow2).
# Every image, disk and domain it makes is removed at the end (also when it fails).
set -euo pipefail
MIB=${1:-1024}
ROUNDS=${2:-3}
: "${CEPHFLOW_CEPH_CONF:?run eval \"\$(dev/ceph.sh env)\" first}"
: "${CEPHFLOW_LIBVIRT_URI:?run eval \"\$(dev/libvirt.sh env)\" first}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. bench/lib.sh
log=$(mktemp /tmp/cephflow-convert-once-bench.XXXXXX)
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -f "$log"
  rm -rf "${tdb:-}"
}
trap cleanup EXIT
if [[ -n ${BENCH_TEMPORAL_PORT:-} ]]; then
  tdb=$(mktemp -d /tmp/cephflow-convert-once-temporal.XXXXXX)
  bench_temporal "$BENCH_TEMPORAL_PORT" "$tdb" --search-attribute CephflowResources=KeywordList || exit 1
  pid=$bench_temporal_pid
  export CEPHFLOW_E2E_TEMPORAL=127.0.0.1:$BENCH_TEMPORAL_PORT
fi
echo "bench: start $(date -u +%FT%TZ), Temporal ${CEPHFLOW_E2E_TEMPORAL:-embedded test server}, $(nproc) cores," \
  "load $(cut -d' ' -f1-3 /proc/loadavg)"
mvn -B -o -pl worker -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ConvertOnceBench -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dbench.mib="$MIB" -Dbench.rounds="$ROUNDS" >"$log" 2>&1 || { tail -60 "$log"; exit 1; }
out=$(find worker/target/failsafe-reports -name 'io.cephflow.e2e.ConvertOnceBench-output.txt' 2>/dev/null | head -1)
grep -h '^bench' "${out:-$log}" 2>/dev/null || grep -h '^bench' "$log"
echo "bench: end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
