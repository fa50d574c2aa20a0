#!/usr/bin/env bash
# The fault tests at the Ceph, libvirt and disk level (issue #17), on daemons of their own so
# that stopping them never touches the dev stack: a private Ceph cluster (dev/ceph.sh under
# its own state, monitor on other ports), a private libvirtd (dev/libvirt.sh with its own
# directory) and a 64 MiB tmpfs as a scratch area to fill. Then the three ITs:
#   OsdOutageFaultIT       the OSD SIGKILLed for 60 s during an import and a flatten
#   LibvirtRestartFaultIT  libvirtd SIGKILLed and restarted during a boot and during a delete
#   ScratchFullFaultIT     the scratch file system filled during a staged upload
# Everything it started is stopped at the end (by pid file), the tmpfs unmounted; the private
# cluster's state is removed unless CEPHFLOW_FAULTS_KEEP=1. ~3.5 min on 2 cores (~20 s of it the
# new cluster, 60 s the outage). Needs root (mount) and the packages dev/setup.sh installs.
#   CEPHFLOW_FAULTS_STATE      state directory (default /tmp/cephflow-faults)
#   CEPHFLOW_FAULTS_MON_PORTS  the private monitor's ports (default "3320 6798")
#   CEPHFLOW_FAULTS_TESTS      the ITs to run (default all three, comma-separated)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
state=${CEPHFLOW_FAULTS_STATE:-/tmp/cephflow-faults}
ports=${CEPHFLOW_FAULTS_MON_PORTS:-3320 6798}
tests=${CEPHFLOW_FAULTS_TESTS:-OsdOutageFaultIT,LibvirtRestartFaultIT,ScratchFullFaultIT}
small="$state/small-fs"
started=$SECONDS

for p in $ports; do
  if ss -Hltn "sport = :$p" | grep -q .; then
    # our own cluster from an interrupted run may still hold them: it is restarted below
    [ -f "$state/ceph/run/mon.a.pid" ] || { echo "faults: port $p is taken; set CEPHFLOW_FAULTS_MON_PORTS" >&2; exit 1; }
  fi
done

cleanup() {
  local rc=$?
  set +e
  mountpoint -q "$small" && umount "$small"
  CEPHFLOW_STATE="$state" CEPHFLOW_LIBVIRT_DIR="$state/libvirt" "$here/libvirt.sh" down >/dev/null
  CEPHFLOW_STATE="$state" CEPHFLOW_CEPH_MON_PORTS="$ports" "$here/ceph.sh" down >/dev/null
  [ "${CEPHFLOW_FAULTS_KEEP:-0}" = 1 ] || rm -rf "$state"
  echo "faults: done in $((SECONDS - started)) s (status $rc)"
  exit $rc
}
trap cleanup EXIT

mkdir -p "$state" "$small"
export CEPHFLOW_STATE="$state" CEPHFLOW_CEPH_MON_PORTS="$ports"
CEPHFLOW_OSD_GB=${CEPHFLOW_FAULTS_OSD_GB:-8} "$here/ceph.sh" up
CEPHFLOW_LIBVIRT_DIR="$state/libvirt" "$here/libvirt.sh" up
mountpoint -q "$small" || mount -t tmpfs -o size=64m,mode=0700 cephflow-faults "$small"

eval "$("$here/ceph.sh" env)"
eval "$(CEPHFLOW_LIBVIRT_DIR="$state/libvirt" "$here/libvirt.sh" env)"
export CEPHFLOW_FAULTS_STATE="$state" CEPHFLOW_FAULTS_SMALL_FS="$small"
# the embedded Temporal: these faults are Ceph's, libvirt's and the disk's (faults-a restarts Temporal)
unset CEPHFLOW_E2E_TEMPORAL CEPHFLOW_E2E_NAMESPACE
cd "$repo"
# failsafe's verify reads a module's summary even when this run ran none of its ITs: an earlier
# run's failure there must not fail this one
rm -f "$repo"/*/target/failsafe-reports/failsafe-summary.xml
echo "== fault tests ($tests) against the private cluster in $state"
mvn -B -o -pl worker -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test="$tests" -Dfailsafe.failIfNoSpecifiedTests=false
