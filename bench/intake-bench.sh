#!/usr/bin/env bash
# Decoding a qcow2 that holds random data into RBD, three ways, median of ROUNDS rounds:
#   cephflow  vet + raw view + RBD writer (16 aio in flight), JVM at -Xmx256m; cold (a fresh JVM)
#             and warm (after an untimed vet + decode of a 128 MiB qcow2 into a scratch image in
#             the same JVM, as in the long-lived worker). Raw view "map" (the production path:
#             qemu-img map, stored clusters read from the file, the rest through qemu-nbd) or
#             "nbd" (everything through qemu-nbd and the Java NBD client, the path before)
#   qemu-img  qemu-img convert -f qcow2 -O raw -W -m 16 straight to rbd:pool/img
#   H path    qemu-img convert to a local raw file, then rbd import
#   ceiling   (context, not a reference) rbd bench writing the same number of bytes, 2 MiB
#             sequential writes, 16 in flight, into a fresh image: what the OSD can take
# Usage: eval "$(dev/ceph.sh env)"; bench/intake-bench.sh [MiB=1024] [ROUNDS=2] [POOL=vms]
#        PATHS="map nbd" (env): raw views for the cephflow path, one cold + one warm run each per round
# Every image it makes (the target, the warm-up scratch image) is removed at the end.
set -euo pipefail
MIB=${1:-1024}
ROUNDS=${2:-2}
POOL=${3:-vms}
PATHS=${PATHS:-map nbd}
: "${CEPHFLOW_CEPH_CONF:?run eval \"\$(dev/ceph.sh env)\" first}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /var/tmp/cephflow-intake-bench.XXXXXX)
IMG=intake-bench-target
RBD=(rbd -c "$CEPHFLOW_CEPH_CONF" --id "${CEPHFLOW_CEPH_CLIENT:-cephflow}" ${CEPHFLOW_CEPH_KEYRING:+--keyring "$CEPHFLOW_CEPH_KEYRING"})
cleanup() {
  "${RBD[@]}" rm --no-progress "$POOL/$IMG" >/dev/null 2>&1 || true
  "${RBD[@]}" rm --no-progress "$POOL/$IMG-warmup" >/dev/null 2>&1 || true # IntakeBenchMain's, if killed
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$ROOT"
# one reactor run: the last module written to the file is activities (its test classpath)
mvn -B -q -o -pl activities -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$WORK/cp" -Dmdep.includeScope=test >/dev/null
CP="$ROOT/activities/target/test-classes:$ROOT/activities/target/classes:$ROOT/workflows/target/classes:$(cat "$WORK/cp")"

head -c "${MIB}M" /dev/urandom > "$WORK/data.raw"
qemu-img convert -f raw -O qcow2 "$WORK/data.raw" "$WORK/data.qcow2"
rm "$WORK/data.raw"
head -c 128M /dev/urandom > "$WORK/warm.raw"
qemu-img convert -f raw -O qcow2 "$WORK/warm.raw" "$WORK/warm.qcow2"
rm "$WORK/warm.raw"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "source: $(du -h "$WORK/data.qcow2" | cut -f1) qcow2 holding $MIB MiB of random data; target $POOL/$IMG"

fresh() { "${RBD[@]}" rm --no-progress "$POOL/$IMG" >/dev/null 2>&1 || true; "${RBD[@]}" create --size "${MIB}M" "$POOL/$IMG" 2>/dev/null; }
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }

declare -a Q H B
declare -A C VET HEAP
for r in $(seq 1 "$ROUNDS"); do
  line="round $r:"
  for n in $PATHS; do
    for mode in cold warm; do
      k="x$n-$mode"
      fresh
      out=$(java -Xmx256m -cp "$CP" io.cephflow.intake.IntakeBenchMain "$WORK/data.qcow2" qcow2 "$POOL/$IMG" "$n" \
        $([[ $mode == warm ]] && echo "$WORK/warm.qcow2"))
      C[$k]="${C[$k]:-} $(echo "$out" | awk '{print $1}')"
      VET[$k]="${VET[$k]:-} $(echo "$out" | awk '{print $2}')"
      h=$(echo "$out" | awk '{print $4}'); HEAP[$k]=$(( h > ${HEAP[$k]:-0} ? h : ${HEAP[$k]:-0} ))
      line+=" cephflow $k $(echo "$out" | awk '{print $1}') s (vet $(echo "$out" | awk '{print $2}') s, heap $h MiB),"
    done
  done
  fresh
  Q+=("$(secs qemu-img convert -f qcow2 -O raw -W -m 16 -n "$WORK/data.qcow2" \
      "rbd:$POOL/$IMG:id=${CEPHFLOW_CEPH_CLIENT:-cephflow}:conf=$CEPHFLOW_CEPH_CONF")")
  "${RBD[@]}" rm --no-progress "$POOL/$IMG" >/dev/null 2>&1
  H+=("$(secs sh -c "qemu-img convert -f qcow2 -O raw '$WORK/data.qcow2' '$WORK/out.raw' \
      && ${RBD[*]} import --no-progress '$WORK/out.raw' '$POOL/$IMG' && rm '$WORK/out.raw'")")
  fresh
  B+=("$(secs "${RBD[@]}" bench --io-type write --io-size 2M --io-threads 16 --io-total "${MIB}M" \
      --io-pattern seq "$POOL/$IMG")")
  echo "$line qemu-img->rbd ${Q[-1]} s, H path ${H[-1]} s, rbd bench ceiling ${B[-1]} s"
done
q=$(printf '%s\n' "${Q[@]}" | median); h=$(printf '%s\n' "${H[@]}" | median); b=$(printf '%s\n' "${B[@]}" | median)
echo "median of $ROUNDS: qemu-img->rbd $q s, H path $h s, rbd bench ceiling $b s (qemu-img/ceiling $(echo "$q / $b" | bc -l | cut -c1-4))"
for n in $PATHS; do
  for mode in cold warm; do
    k="x$n-$mode"
    c=$(printf '%s\n' ${C[$k]} | median); v=$(printf '%s\n' ${VET[$k]} | median)
    echo "cephflow $n, $mode JVM: $c s (vet $v s); cephflow/qemu-img $(echo "$c / $q" | bc -l | cut -c1-4)," \
      "cephflow/H $(echo "$c / $h" | bc -l | cut -c1-4), cephflow/ceiling $(echo "$c / $b" | bc -l | cut -c1-4); peak JVM heap ${HEAP[$k]} MiB (-Xmx256m)"
  done
done
echo "load average: $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(nproc) cores"
