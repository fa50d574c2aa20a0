#!/usr/bin/env bash
# Memory-safety stress of the librbd/librados binding under glibc's heap checks (not in CI).
#
#   eval "$(dev/ceph.sh env)" && bench/jna-stress.sh [SECONDS] [THREADS] [POOL] [close|churn]
#
# Runs io.cephflow.bench.NativeStressMain (see its javadoc) with MALLOC_CHECK_=3 and
# MALLOC_PERTURB_=165, so a double free or a write to a freed block aborts the JVM and a read
# of freed memory reads 0x5a garbage instead of stale data. Images are named jn-* and removed
# at the end, with the records (namespace jn-stress of POOL). Exit 0 and "ops=N ... failures=0"
# on a clean run; a crash leaves hs_err_pid*.log in the working directory (printed), and its
# jn-* images behind. STRESS_CASES=9,10 runs only those step kinds (see NativeStressMain).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_=${1:-60}
THREADS=${2:-6}
POOL=${3:-volumes}
MODE=${4:-}
: "${CEPHFLOW_CEPH_CONF:?not set: eval \"\$(dev/ceph.sh env)\" first}"
tmp=$(mktemp -d /tmp/jna-stress.XXXXXX)
(cd "$repo" && mvn -B -o -q -pl activities -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$tmp/cp.txt" -Dmdep.includeScope=test >"$tmp/mvn.log" 2>&1) || {
  tail -40 "$tmp/mvn.log" >&2; exit 1; }
CP="$repo/activities/target/test-classes:$repo/activities/target/classes:$(cat "$tmp/cp.txt")"
cd "$tmp"
rc=0
# glibc >= 2.34 honours MALLOC_CHECK_ only with its debug malloc preloaded; HEAP_CHECKS=off runs
# the plain allocator (the crash seen in CI came without checks, and checks change the timing)
checks=(LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libc_malloc_debug.so.0 MALLOC_CHECK_=3 MALLOC_PERTURB_=165)
[[ ${HEAP_CHECKS:-on} == off ]] && checks=(MALLOC_PERTURB_=165)
env "${checks[@]}" java -Xmx512m -cp "$CP" io.cephflow.bench.NativeStressMain \
  "$POOL" "$SECONDS_" "$THREADS" $MODE || rc=$?
for f in "$tmp"/hs_err_pid*.log; do [[ -e $f ]] && { echo "JVM crashed: $f" >&2; sed -n '1,20p' "$f" >&2; }; done
echo "exit=$rc (dir $tmp)"
exit $rc
