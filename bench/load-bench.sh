#!/usr/bin/env bash
# Load benchmark over a fleet (dev/fleet up N): concurrent boots from one raw image (the clone
# path), each sent to a host named in the request (round robin over the fleet's hosts), then
# concurrent deletes of those servers, then concurrent qcow2 uploads; and, in the same run, the
# same underlying steps driven directly without cephflow as the ceiling: `rbd clone` +
# `virsh define` + `virsh start` in parallel on the same hosts' libvirtds (the domain XML is
# the one cephflow defined on that host, renamed), `virsh destroy` + `undefine` + `rbd rm`, and
# `qemu-img convert` into RBD + `rbd snap create` + `snap protect`. Prints per phase: flows,
# failures, throughput (flows/s), p50/p95/max latency (submit to the operation's end, followed
# with the API's long poll as the CLI does), cephflow/ceiling, the CPU seconds each phase spent
# per flow by process group (workers, API, Temporal, guests, libvirtd, Ceph, the ceiling's
# tools), and each worker's peak heap used and peak RSS.
# Never in CI: it prints figures, it asserts nothing but "0 failures" (exit 1 otherwise).
#
#   dev/fleet up 3 && bench/load-bench.sh
#
#   BOOTS=20        concurrent boots (and deletes)
#   UPLOADS=6       concurrent qcow2 uploads
#   MEMORY_MIB=32   each guest's memory
#   BENCH_TIMEOUT=600  seconds a phase may take
#   WARMUP=0        boots + deletes run first and not counted (the workers' JIT warm-up; a
#                   worker of a cloud has long run its first flows)
#   BENCH_WAIT_SECONDS=5  the long poll of each read of an operation (?waitSeconds)
#   BENCH_SAMPLE_SECONDS=3  how often the workers' heap, RSS and slot gauges are read
#
# Resources it makes (and removes at the end, on failure too): the image fl-bench-base, servers
# (warm-up ones too) and images whose ids start with f1ee, RBD images fl-direct-* in vms and images, domains
# instance-fl-direct-*. Ceph through $CEPHFLOW_STATE (dev/ceph.sh env), the fleet through
# dev/fleet env (CEPHFLOW_FLEET_STATE, CEPHFLOW_FLEET_PORT as for dev/fleet).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
export CEPHFLOW_STATE=${CEPHFLOW_STATE:-$repo/.state}
eval "$("$repo/dev/ceph.sh" env)"
eval "$("$repo/dev/fleet" env)"
[ -n "$CEPHFLOW_FLEET_HOSTS" ] || { echo "load-bench: no fleet (dev/fleet up N)" >&2; exit 2; }
export BOOTS=${BOOTS:-20} UPLOADS=${UPLOADS:-6} MEMORY_MIB=${MEMORY_MIB:-32} BENCH_TIMEOUT=${BENCH_TIMEOUT:-600} \
  WARMUP=${WARMUP:-0} BENCH_WAIT_SECONDS=${BENCH_WAIT_SECONDS:-5}
export FLEET_STATE=${CEPHFLOW_FLEET_STATE:-$CEPHFLOW_STATE/fleet} FLEET_PORT=${CEPHFLOW_FLEET_PORT:-8180}
work="$CEPHFLOW_FLEET_INCOMING/bench"
mkdir -p "$work"
"$repo/dev/sample-image.sh" "$work/base.raw" >/dev/null
[ -f "$work/up.qcow2" ] || qemu-img convert -f raw -O qcow2 "$work/base.raw" "$work/up.qcow2"
export WORK=$work LIBVIRT_SH="$repo/dev/libvirt.sh"
exec python3 "$here/load_bench.py"
