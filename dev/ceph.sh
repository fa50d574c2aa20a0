#!/usr/bin/env bash
# A single-node dev Ceph cluster (1 mon, 1 mgr, 1 bluestore OSD on a sparse file)
# from Debian's packages, as plain processes bound to 127.0.0.1, cephx on.
#
#   dev/ceph.sh up       create (first time) or restart; idempotent
#   dev/ceph.sh down     stop only the daemons this script started (pid files)
#   dev/ceph.sh status   ceph -s
#   dev/ceph.sh env      print the CEPHFLOW_CEPH_* variables clients need
#
# State lives in $CEPHFLOW_STATE/ceph (default: <repo>/.state/ceph). The monitor listens on
# 127.0.0.1:3300 (msgr2) and :6789 (v1); CEPHFLOW_CEPH_MON_PORTS="V2 V1" picks others, so a second
# cluster (another checkout's tests) can run beside one already up. Fixed at the cluster's creation.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# keyrings, the monitor's store (every key) and ceph.conf: root only, from creation on
umask 077

dir="$CEPHFLOW_STATE/ceph"
conf="$dir/ceph.conf"
run="$dir/run"
admin=(ceph -c "$conf" -n client.admin -k "$dir/keyring.client.admin" --connect-timeout 15)
POOLS=(images vms volumes)
read -r mon_v2 mon_v1 <<< "${CEPHFLOW_CEPH_MON_PORTS:-3300 6789}"

write_conf() {
  local fsid=$1 block_size
  # The block file is sparse and never gives space back: size it to the disk.
  local free_kb; free_kb=$(df -Pk "$dir" | awk 'NR==2 {print $4}')
  block_size=$(( free_kb * 1024 / 2 ))
  local max=$(( ${CEPHFLOW_OSD_GB:-24} * 1024 * 1024 * 1024 ))
  (( block_size > max )) && block_size=$max
  cat > "$conf" <<EOF
[global]
fsid = $fsid
mon_host = [v2:127.0.0.1:$mon_v2,v1:127.0.0.1:$mon_v1]
# every daemon binds loopback only: without cluster_addr the OSD's cluster and back
# heartbeat messengers bind 0.0.0.0
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
public_network = 127.0.0.1/32
cluster_network = 127.0.0.1/32
ms_bind_ipv4 = true
ms_bind_ipv6 = false
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
mon_allow_pool_size_one = true
mon_allow_pool_delete = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_data_avail_warn = 2
mon_data_avail_crit = 1
# the monitor batches map updates; the default 1 s dominates snapshot latency
paxos_propose_interval = 0.05
# without it every client waits 300 s when the monitor is down
client_mount_timeout = 15
rados_mon_op_timeout = 30
rados_osd_op_timeout = 60
run_dir = $run
log_file = $dir/log/\$name.log
admin_socket = $run/\$name.asok
crash_dir = $dir/crash
auth_allow_insecure_global_id_reclaim = false
mon_warn_on_insecure_global_id_reclaim_allowed = false

[client]
keyring = $dir/keyring.\$name
# one socket per process: the worker and an rbd command of the same client id side by side
admin_socket = $run/\$name.\$pid.\$cctid.asok

[mon]
mon_data = $dir/mon/\$cluster-\$id
keyring = $dir/mon/\$cluster-\$id/keyring

[mgr]
mgr_data = $dir/mgr/\$cluster-\$id
keyring = $dir/mgr/\$cluster-\$id/keyring
mgr_initial_modules =

[osd]
osd_data = $dir/osd/\$cluster-\$id
keyring = $dir/osd/\$cluster-\$id/keyring
osd_objectstore = bluestore
bluestore_block_create = true
bluestore_block_size = $block_size
osd_memory_target = 1073741824
osd_max_object_name_len = 256
osd_max_object_namespace_len = 64
EOF
}

start() { # name, pidfile, command...
  local name=$1 pidf=$2; shift 2
  if alive "$pidf"; then return 0; fi
  spawn "$pidf" "$dir/log/$name.out" "$@"
}

bootstrap() {
  mkdir -p "$dir"/{mon,mgr,osd,log,run,crash}
  uuidgen > "$dir/fsid"
  write_conf "$(cat "$dir/fsid")"
  ceph-authtool --create-keyring "$dir/keyring.mon" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool --create-keyring "$dir/keyring.client.admin" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool "$dir/keyring.mon" --import-keyring "$dir/keyring.client.admin" >/dev/null
  monmaptool --create --fsid "$(cat "$dir/fsid")" --enable-all-features --set-min-mon-release pacific \
    --addv a "[v2:127.0.0.1:$mon_v2,v1:127.0.0.1:$mon_v1]" "$dir/monmap" >/dev/null
  mkdir -p "$dir/mon/ceph-a"
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring.mon"
  cp "$dir/keyring.mon" "$dir/mon/ceph-a/keyring"
}

bootstrap_mgr_osd() {
  mkdir -p "$dir/mgr/ceph-x"
  "${admin[@]}" auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
    -o "$dir/mgr/ceph-x/keyring"
  local uuid secret id
  uuid=$(uuidgen); secret=$(ceph-authtool --gen-print-key)
  id=$(echo "{\"cephx_secret\": \"$secret\"}" | "${admin[@]}" osd new "$uuid" -i -)
  mkdir -p "$dir/osd/ceph-$id"
  ceph-authtool --create-keyring "$dir/osd/ceph-$id/keyring" --name "osd.$id" --add-key "$secret" >/dev/null
  ceph-osd -c "$conf" -i "$id" --mkfs --osd-uuid "$uuid" >>"$dir/log/osd-mkfs.out" 2>&1
}

# State from an earlier run may predate the umask: the whole tree root only, keyrings 0600.
fix_modes() {
  chmod -R go-rwx "$dir"
  find "$dir" -name 'keyring*' -type f -exec chmod 0600 {} +
}

wait_for() { # seconds, description, command...
  local t=$1 what=$2; shift 2
  local deadline=$((SECONDS + t))
  while ((SECONDS < deadline)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "ceph: timed out after ${t}s waiting for $what (logs in $dir/log)" >&2
  return 1
}

pgs_clean() {
  local stat; stat=$("${admin[@]}" pg stat 2>/dev/null) || return 1
  # "33 pgs: 33 active+clean; ..." -- every pg, and nothing else
  [[ $stat =~ ^([0-9]+)\ pgs:\ ([0-9]+)\ active\+clean\; ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
}

pools_ready() {
  for p in "${POOLS[@]}"; do
    "${admin[@]}" osd pool application get "$p" rbd >/dev/null 2>&1 || return 1
  done
}

init_pools_and_client() {
  for p in "${POOLS[@]}"; do
    "${admin[@]}" osd pool ls | grep -qx "$p" || "${admin[@]}" osd pool create "$p" 8 8 >/dev/null 2>&1
    "${admin[@]}" osd pool application get "$p" rbd >/dev/null 2>&1 || \
      rbd -c "$conf" -n client.admin -k "$dir/keyring.client.admin" pool init "$p"
  done
  # the least-privilege identity cephflow runs as
  "${admin[@]}" auth get-or-create client.cephflow mon 'profile rbd' mgr 'profile rbd' \
    osd 'profile rbd pool=images, profile rbd pool=vms, profile rbd pool=volumes' \
    -o "$dir/keyring.client.cephflow"
}

up() {
  if [ ! -f "$dir/mon/ceph-a/store.db/CURRENT" ] && [ ! -d "$dir/mon/ceph-a/store.db" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    echo "ceph: creating a new dev cluster in $dir"
    bootstrap
  else
    write_conf "$(cat "$dir/fsid")"  # config changes apply on restart
  fi
  fix_modes
  start mon "$run/mon.a.pid" ceph-mon -f -c "$conf" -i a
  wait_for 60 "the monitor" "${admin[@]}" mon stat
  [ -f "$dir/mgr/ceph-x/keyring" ] || bootstrap_mgr_osd
  start mgr "$run/mgr.x.pid" ceph-mgr -f -c "$conf" -i x
  local osd
  for osd in "$dir"/osd/ceph-*; do
    local id=${osd##*-}
    start "osd.$id" "$run/osd.$id.pid" ceph-osd -f -c "$conf" -i "$id"
  done
  wait_for 120 "the OSD to come up" bash -c "\"\$@\" osd stat -f json | grep -q '\"num_up_osds\":1'" _ "${admin[@]}"
  pools_ready || init_pools_and_client
  [ -f "$dir/keyring.client.cephflow" ] || init_pools_and_client
  # all placement groups active+clean is what clients need; a stray HEALTH_WARN (a crashed
  # mgr module, a clock note) must not fail CI, so it is printed, not waited for
  wait_for 180 "all placement groups active+clean" pgs_clean
  fix_modes
  echo "ceph: up ($("${admin[@]}" health 2>/dev/null)), conf $conf, client.cephflow keyring $dir/keyring.client.cephflow"
}

down() {
  local f
  for f in "$run"/osd.*.pid "$run"/mgr.*.pid "$run"/mon.*.pid; do
    [ -f "$f" ] && stop_pidfile "$f"
  done
  echo "ceph: stopped"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) "${admin[@]}" -s ;;
  env)
    echo "export CEPHFLOW_CEPH_CONF=$conf"
    echo "export CEPHFLOW_CEPH_CLIENT=cephflow"
    echo "export CEPHFLOW_CEPH_KEYRING=$dir/keyring.client.cephflow"
    echo "export CEPHFLOW_CEPH_ADMIN_KEYRING=$dir/keyring.client.admin" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
