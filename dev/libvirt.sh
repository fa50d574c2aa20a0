#!/usr/bin/env bash
# A private libvirtd (qemu driver, TCG guests) for dev and CI, run by hand (no
# systemd) with its own copy of the config, so the host's /etc/libvirt and
# /run/libvirt stay untouched.
#
#   dev/libvirt.sh up     install the packages if missing, start libvirtd; idempotent
#   dev/libvirt.sh down   destroy this daemon's guests, stop the daemon (its pid file only)
#   dev/libvirt.sh env    print CEPHFLOW_LIBVIRT_URI for clients
#   dev/libvirt.sh virsh ARGS...   virsh against this daemon
#
# How it stays private: libvirtd runs inside `unshare -m` where the state dir's
# etc/ run/ lib/ cache/ log/ are bind-mounted over /etc/libvirt, /run/libvirt,
# /var/lib/libvirt, /var/cache/libvirt and /var/log/libvirt. Its socket is
# therefore reachable from outside at $CEPHFLOW_STATE/libvirt/run/libvirt-sock.
# Guests (qemu) inherit the namespace; the paths they open outside those five
# directories (ceph.conf, serial logs) are the host's own.
#
# State lives in $CEPHFLOW_LIBVIRT_DIR (default: $CEPHFLOW_STATE/libvirt, i.e.
# <repo>/.state/libvirt); dev/fleet runs one daemon per host, each with its own directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# the daemon's config copy, its secrets (etc/secrets: Ceph keys) and sockets: root only
umask 077

dir="${CEPHFLOW_LIBVIRT_DIR:-$CEPHFLOW_STATE/libvirt}"
pidf="$dir/libvirtd.pid"
sock="$dir/run/libvirt-sock"
uri="qemu+unix:///system?socket=$sock"
PACKAGES=(libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-block-extra qemu-utils)

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "libvirt: installing ${missing[*]}"
  apt-get update -qq
  # the packages' postinst may try to start services; without systemd that is a no-op
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A private copy of /etc/libvirt, rewritten for a daemon without systemd, cgroups,
# virtlogd or a security driver (facts verified on Debian 12 / libvirt 9.0).
write_config() {
  mkdir -p "$dir"/{etc,run,lib,cache,log}
  if [ ! -f "$dir/etc/.copied" ]; then
    cp -a /etc/libvirt/. "$dir/etc/"
    # a default network would create a bridge and firewall rules on the host
    rm -f "$dir/etc/qemu/networks/autostart/"*.xml
    chmod -R go-rwx "$dir/etc" # cp -a kept the host's modes
    touch "$dir/etc/.copied"
  fi
  cat > "$dir/etc/qemu.conf" <<'EOF'
# cephflow dev daemon: written by dev/libvirt.sh, rewritten on every `up`
user = "root"
group = "root"
remember_owner = 0
dynamic_ownership = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
# no virtlogd: qemu's stdout/stderr go straight to /var/log/libvirt/qemu/*.log
stdio_handler = "file"
EOF
  cat > "$dir/etc/libvirtd.conf" <<'EOF'
# cephflow dev daemon: written by dev/libvirt.sh; unix sockets only, root (user and group) only
listen_tls = 0
listen_tcp = 0
unix_sock_group = "root"
unix_sock_ro_perms = "0770"
unix_sock_rw_perms = "0770"
unix_sock_admin_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:stderr"
EOF
}

# The daemon answers on its socket (not just: the process exists).
responding() {
  [ -S "$sock" ] && timeout 10 virsh -q -c "$uri" version >/dev/null 2>&1
}

up() {
  install_packages
  # a tree from an earlier run may predate the umask (sockets keep the modes libvirtd gives them)
  mkdir -p "$dir"
  find "$dir" ! -type s -exec chmod go-rwx {} +
  if alive "$pidf"; then
    if responding; then echo "libvirt: already up, $uri"; return 0; fi
  fi
  stop_pidfile "$pidf"
  write_config
  # mount points for the private binds; empty dirs, nothing of the host's changes
  mkdir -p /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt
  rm -f "$sock" "$dir/run/libvirt-sock-ro" "$dir/run/libvirt-admin-sock" "$dir/run/libvirtd.pid"
  spawn "$pidf" "$dir/libvirtd.log" unshare -m --propagation private bash -c '
    set -e
    d=$0
    mount --bind "$d/etc" /etc/libvirt
    mount --bind "$d/run" /run/libvirt
    mount --bind "$d/lib" /var/lib/libvirt
    mount --bind "$d/cache" /var/cache/libvirt
    mount --bind "$d/log" /var/log/libvirt
    # its own pid file: /run/libvirtd.pid would clash with another dev stack on this host
    exec libvirtd --pid-file "$d/run/libvirtd.pid"' "$dir"
  local deadline=$((SECONDS + 60))
  until responding; do
    if ! alive "$pidf"; then
      echo "libvirt: libvirtd exited; last lines of $dir/libvirtd.log:" >&2
      tail -n 20 "$dir/libvirtd.log" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      echo "libvirt: no answer on $sock after 60 s (log $dir/libvirtd.log)" >&2
      return 1
    fi
    sleep 0.3
  done
  echo "libvirt: up (pid $(cat "$pidf")), $uri"
}

down() {
  if alive "$pidf" && responding; then
    # guests outlive libvirtd; they are this daemon's, so stop them first
    local name
    for name in $(virsh -q -c "$uri" list --name 2>/dev/null); do
      virsh -q -c "$uri" destroy "$name" >/dev/null 2>&1 || true
    done
  fi
  stop_pidfile "$pidf"
  # guests of a daemon that had already died: libvirt left their pid files here
  local f
  # (driver.pid there is libvirtd's own lock; a pid reused by something else is left alone)
  for f in "$dir"/run/qemu/*.pid; do
    [ -f "$f" ] && [ "${f##*/}" != driver.pid ] || continue
    if tr '\0' ' ' < "/proc/$(cat "$f")/cmdline" 2>/dev/null | grep -q qemu-system; then
      stop_pidfile "$f"
    fi
  done
  echo "libvirt: stopped"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  env) echo "export CEPHFLOW_LIBVIRT_URI='$uri'" ;;
  virsh) shift; exec virsh -c "$uri" "$@" ;;
  *) echo "usage: $0 up|down|env|virsh ARGS..." >&2; exit 2 ;;
esac
