#!/usr/bin/env bash
# Checks that nothing the dev stack started listens beyond loopback: every TCP/UDP socket
# held by a process named in a pid file under $CEPHFLOW_STATE (Ceph daemons, libvirtd and
# its guests, Temporal, the apps' supervisors) or by one of their descendants (the JVMs)
# must be bound to 127.0.0.0/8 or ::1. Lists the offenders and exits 1 if there are any.
#
#   dev/check-binds.sh        (needs root for ss -p to name other processes' sockets)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
command -v ss >/dev/null || { echo "check-binds: ss (iproute2) is missing" >&2; exit 2; }

# the pids we started
declare -A ours=()
while IFS= read -r f; do
  pid=$(tr -dc 0-9 < "$f" 2>/dev/null || true)
  [ -n "$pid" ] && pid_alive "$pid" && ours[$pid]=1
done < <(find "$CEPHFLOW_STATE" -name '*.pid' -type f 2>/dev/null)

# ... and their descendants (ppid is the 4th field of /proc/PID/stat, after "(comm)")
declare -A parent=()
for s in /proc/[0-9]*/stat; do
  line=$(cat "$s" 2>/dev/null) || continue
  pid=${s#/proc/}; pid=${pid%/stat}
  rest=${line##*) }
  read -r _ ppid _ <<<"$rest"
  parent[$pid]=$ppid
done
changed=true
while $changed; do
  changed=false
  for pid in "${!parent[@]}"; do
    if [ -z "${ours[$pid]:-}" ] && [ -n "${ours[${parent[$pid]}]:-}" ]; then
      ours[$pid]=1; changed=true
    fi
  done
done

loopback() { # ADDRESS (no port): 127.0.0.0/8, ::1, ::ffff:127.x
  local a=${1#[}; a=${a%]}; a=${a%%%*}
  [[ $a == 127.* || $a == ::1 || $a == ::ffff:127.* ]]
}

offenders=0 checked=0
while read -r proto _ _ _ local _ users; do
  addr=${local%:*}
  [[ $users =~ pid=([0-9]+) ]] || continue
  # one socket may be shared by several processes: any of ours counts
  mine=false
  for pid in $(grep -o 'pid=[0-9]*' <<<"$users" | cut -d= -f2); do
    [ -n "${ours[$pid]:-}" ] && mine=true
  done
  $mine || continue
  checked=$((checked + 1))
  if ! loopback "$addr"; then
    echo "check-binds: $proto $local $users" >&2
    offenders=$((offenders + 1))
  fi
done < <(ss -Hltunp)

if ((offenders > 0)); then
  echo "check-binds: $offenders socket(s) of the dev stack listen beyond loopback" >&2
  exit 1
fi
echo "check-binds: OK ($checked listening sockets of ${#ours[@]} dev-stack processes, all on loopback)"
