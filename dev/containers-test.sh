#!/usr/bin/env bash
# A step of dev/test, also run alone: the RBD layer, intake and upload end-to-end ITs (and the
# fixture's own cleanup test) once more with the Testcontainers provider (-Pcontainers): Ceph and
# Temporal in containers of their own, on podman with locally built images (dev/containers.sh).
# The host's ip_forward and iptables are recorded before anything starts and must be the same
# at the end (no bridge network). Prints how long it took. Needs the modules built once (dev/test
# runs mvn verify before it; alone, mvn -o resolves from ~/.m2 and builds the reactor itself).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cd "$repo"
t0=$SECONDS
echo "== the RBD layer, intake and upload ITs with Ceph and Temporal in containers (podman, Testcontainers)"
"$here/containers.sh" net-record
"$here/containers.sh" up
rc=0
(
  eval "$("$here/containers.sh" env)"
  # the dev cluster's and dev Temporal's settings must not leak in: the containers provider ignores them
  unset CEPHFLOW_E2E_TEMPORAL CEPHFLOW_E2E_NAMESPACE
  mvn -B -o -Pcontainers -pl worker -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='RbdLayerIT,FixtureCleanupIT,UploadImageEndToEndIT,IntakeEndToEndIT' -Dfailsafe.failIfNoSpecifiedTests=false
) || rc=$?
"$here/containers.sh" down
left=$(CONTAINERS_CONF="$CEPHFLOW_STATE/containers/containers.conf" \
  CONTAINERS_STORAGE_CONF="$CEPHFLOW_STATE/containers/storage.conf" \
  podman ps -a -q --filter label=io.cephflow.fixture | wc -l)
if [ "$left" != 0 ]; then
  echo "containers: $left fixture container(s) left behind" >&2; rc=1
fi
"$here/containers.sh" net-check || rc=1
echo "containers step: $((SECONDS - t0)) s (exit $rc)"
exit "$rc"
