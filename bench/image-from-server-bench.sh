#!/usr/bin/env bash
# Image from server in constant time (issue 16, part 3): CreateImageFromServer through REST of a
# running server whose disk holds 1 GiB and 8 GiB of data (rbd bench writes it into
# vms/<sid>_disk, so a flatten costs in proportion), against the same disk with the rbd CLI:
# `snap create` + `snap protect` + `clone` (the goal's reference: the dev cluster's
# min-compat-client is luminous, so a clone needs the protect), and Nova's direct-snapshot sequence
# (snap create, protect, clone, flatten, snap + protect of the new image, remove the disk's
# snapshot). Medians of ROUNDS rounds, the order rotated every round; ratios printed:
# ours / CLI per size (goal <= 1.5) and ours 8 GiB / ours 1 GiB (goal <= 1.2). Ours is timed from
# the POST to the first GET /api/v1/images/{id} listing it available; the operation's COMPLETED
# and the end of its background flatten are printed too.
# Runs io.cephflow.e2e.ImageFromServerBench (worker test scope) through failsafe: worker and API in
# one JVM, the dev Ceph cluster and libvirtd, a Temporal dev server of this script's own.
#
#   eval "$(dev/ceph.sh env)"; eval "$(dev/libvirt.sh env)"; bench/image-from-server-bench.sh [SIZES=1,8] [ROUNDS=3]
#
#   BENCH_TEMPORAL_PORT=17700   its Temporal dev server (UI on +1000), started and stopped here
# Needs 2 x the largest size + 3 GiB free in the cluster (the disk and one flattened copy at a
# time); refuses to start otherwise. Every image, snapshot and domain it makes is removed at the
# end (also when it fails or is interrupted).
set -euo pipefail
SIZES=${1:-1,8}
ROUNDS=${2:-3}
PORT=${BENCH_TEMPORAL_PORT:-17700}
: "${CEPHFLOW_CEPH_CONF:?run eval \"\$(dev/ceph.sh env)\" first}"
: "${CEPHFLOW_LIBVIRT_URI:?run eval \"\$(dev/libvirt.sh env)\" first}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. bench/lib.sh
ADMIN=(-c "$CEPHFLOW_CEPH_CONF" -n client.admin ${CEPHFLOW_CEPH_ADMIN_KEYRING:+-k "$CEPHFLOW_CEPH_ADMIN_KEYRING"})
largest=$(tr ',' '\n' <<<"$SIZES" | sort -n | tail -1)
avail=$(ceph "${ADMIN[@]}" df -f json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["total_avail_bytes"] >> 30)')
need=$((2 * largest + 3))
if ((avail < need)); then
  echo "bench: the cluster has $avail GiB free, $need GiB needed for a $largest GiB disk: not started" >&2
  exit 1
fi
work=$(mktemp -d /tmp/cephflow-image-from-server.XXXXXX)
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  # leftovers of a JVM that died before its own cleanup: images and disks by the ids it recorded,
  # and the CLI's images by prefix (purging a disk removes its snapshots' clones first)
  if [[ -s $work/ids ]]; then
    for name in $(rbd "${ADMIN[@]}" ls images 2>/dev/null | grep '^bench-ifs-' || true); do
      rbd "${ADMIN[@]}" snap unprotect "images/$name@snap" >/dev/null 2>&1 || true
      rbd "${ADMIN[@]}" snap purge --no-progress "images/$name" >/dev/null 2>&1 || true
      rbd "${ADMIN[@]}" rm --no-progress "images/$name" >/dev/null 2>&1 || true
    done
    while read -r id; do
      virsh -c "$CEPHFLOW_LIBVIRT_URI" destroy "instance-$id" >/dev/null 2>&1 || true
      virsh -c "$CEPHFLOW_LIBVIRT_URI" undefine "instance-$id" >/dev/null 2>&1 || true
      for img in "images/$id" "vms/${id}_disk"; do
        rbd "${ADMIN[@]}" info "$img" >/dev/null 2>&1 || continue
        for s in $(rbd "${ADMIN[@]}" snap ls "$img" --format json | python3 -c 'import json,sys; print(" ".join(s["name"] for s in json.load(sys.stdin)))'); do
          rbd "${ADMIN[@]}" snap unprotect "$img@$s" >/dev/null 2>&1 || true
        done
        rbd "${ADMIN[@]}" snap purge --no-progress "$img" >/dev/null 2>&1 || true
        rbd "${ADMIN[@]}" rm --no-progress "$img" >/dev/null 2>&1 || echo "bench: could not remove $img" >&2
      done
    done <"$work/ids"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bench_temporal "$PORT" "$work" --search-attribute CephflowResources=KeywordList || exit 1
pid=$bench_temporal_pid
echo "bench: $(date -u +%FT%TZ), Temporal dev server on 127.0.0.1:$PORT, $(nproc) cores, cluster $avail GiB free," \
  "load $(cut -d' ' -f1-3 /proc/loadavg)"
CEPHFLOW_E2E_TEMPORAL=127.0.0.1:$PORT mvn -B -o -pl worker -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ImageFromServerBench -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.sizes="$SIZES" \
  -Dbench.rounds="$ROUNDS" -Dbench.ids-file="$work/ids" >"$work/mvn.log" 2>&1 \
  || { tail -80 "$work/mvn.log"; exit 1; }
out=$(find worker/target/failsafe-reports -name 'io.cephflow.e2e.ImageFromServerBench-output.txt' 2>/dev/null | head -1)
grep -h '^bench' "${out:-$work/mvn.log}" 2>/dev/null || grep -h '^bench' "$work/mvn.log"
echo "bench: end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
