#!/usr/bin/env bash
# Convert once, then clone (issue 16, part 4): the boot flow (REST POST to COMPLETED) from a raw
# image against the second boot from a qcow2 image of the same disk (a clone of the image's raw
# copy images/<id>_raw@snap, made by the first boot), median of ROUNDS rounds, ratio printed.
# The first qcow2 boot (the conversion, what every boot cost before) is printed too.
# Runs io.cephflow.e2e.ConvertOnceBench (worker test scope) through failsafe against the dev Ceph
# cluster and libvirtd, with an embedded Temporal (or CEPHFLOW_E2E_TEMPORAL=host:port).
# Usage: eval "$(dev/ceph.sh env)"; eval "$(dev/libvirt.sh env)"; bench/convert-once-bench.sh [MiB=1024] [ROUNDS=3]
# Every image, disk and domain it makes is removed at the end (also when it fails).
set -euo pipefail
MIB=${1:-1024}
ROUNDS=${2:-3}
: "${CEPHFLOW_CEPH_CONF:?run eval \"\$(dev/ceph.sh env)\" first}"
: "${CEPHFLOW_LIBVIRT_URI:?run eval \"\$(dev/libvirt.sh env)\" first}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
log=$(mktemp /tmp/cephflow-convert-once-bench.XXXXXX)
trap 'rm -f "$log"' EXIT
mvn -B -o -pl worker -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ConvertOnceBench -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dbench.mib="$MIB" -Dbench.rounds="$ROUNDS" >"$log" 2>&1 || { tail -60 "$log"; exit 1; }
out=$(find worker/target/failsafe-reports -name 'io.cephflow.e2e.ConvertOnceBench-output.txt' 2>/dev/null | head -1)
grep -h '^bench' "${out:-$log}" 2>/dev/null || grep -h '^bench' "$log"
