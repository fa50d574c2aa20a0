#!/bin/bash
# Bootstraps and runs a throwaway single-node Ceph cluster (what dev/ceph.sh does with the
# dev cluster's processes), bound to 127.0.0.1 on ports of its own so that, on the host
# network, it never meets another cluster: the mon on MON_V2_PORT (v2) and MON_V1_PORT (v1),
# the mgr and the OSD in PORT_MIN..PORT_MAX. The keyrings clients need are written to /out;
# "CEPHFLOW-CEPH-READY" is printed once the pools exist and every placement group is
# active+clean. Any daemon exiting ends the container.
set -euo pipefail
: "${MON_V2_PORT:?}" "${MON_V1_PORT:?}" "${PORT_MIN:?}" "${PORT_MAX:?}"
BLOCK_GB=${BLOCK_GB:-16}
dir=/var/lib/cephflow-ceph
conf=$dir/ceph.conf
mkdir -p "$dir"/{mon/ceph-a,mgr/ceph-x,log,run} /out
fsid=$(uuidgen)
mon_host="[v2:127.0.0.1:$MON_V2_PORT,v1:127.0.0.1:$MON_V1_PORT]"
cat > "$conf" <<CONF
[global]
fsid = $fsid
mon_host = $mon_host
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
public_network = 127.0.0.1/32
cluster_network = 127.0.0.1/32
ms_bind_ipv4 = true
ms_bind_ipv6 = false
ms_bind_port_min = $PORT_MIN
ms_bind_port_max = $PORT_MAX
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
paxos_propose_interval = 0.05
client_mount_timeout = 15
run_dir = $dir/run
log_file = $dir/log/\$name.log
admin_socket = $dir/run/\$name.asok
auth_allow_insecure_global_id_reclaim = false
mon_warn_on_insecure_global_id_reclaim_allowed = false
[client]
keyring = /out/keyring.\$name
admin_socket = $dir/run/\$name.\$pid.\$cctid.asok
[mon]
mon_data = $dir/mon/\$cluster-\$id
[mgr]
mgr_data = $dir/mgr/\$cluster-\$id
mgr_initial_modules =
[osd]
osd_data = $dir/osd/\$cluster-\$id
osd_objectstore = bluestore
bluestore_block_create = true
bluestore_block_size = $((BLOCK_GB * 1024 * 1024 * 1024))
osd_memory_target = 1073741824
osd_max_object_name_len = 256
osd_max_object_namespace_len = 64
CONF
admin=(ceph -c "$conf" -n client.admin --connect-timeout 15)

ceph-authtool --create-keyring "$dir/keyring.mon" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool --create-keyring /out/keyring.client.admin --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
ceph-authtool "$dir/keyring.mon" --import-keyring /out/keyring.client.admin >/dev/null
monmaptool --create --fsid "$fsid" --enable-all-features --set-min-mon-release pacific \
  --addv a "$mon_host" "$dir/monmap" >/dev/null
ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring.mon"
cp "$dir/keyring.mon" "$dir/mon/ceph-a/keyring"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' TERM INT
ceph-mon -f -c "$conf" -i a & pids+=($!)
until "${admin[@]}" mon stat >/dev/null 2>&1; do sleep 0.2; done
"${admin[@]}" auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' -o "$dir/mgr/ceph-x/keyring"
ceph-mgr -f -c "$conf" -i x & pids+=($!)
uuid=$(uuidgen); secret=$(ceph-authtool --gen-print-key)
id=$(echo "{\"cephx_secret\": \"$secret\"}" | "${admin[@]}" osd new "$uuid" -i -)
mkdir -p "$dir/osd/ceph-$id"
ceph-authtool --create-keyring "$dir/osd/ceph-$id/keyring" --name "osd.$id" --add-key "$secret" >/dev/null
ceph-osd -c "$conf" -i "$id" --mkfs --osd-uuid "$uuid" >"$dir/log/osd-mkfs.out" 2>&1
ceph-osd -f -c "$conf" -i "$id" & pids+=($!)
until "${admin[@]}" osd stat -f json 2>/dev/null | grep -q '"num_up_osds":1'; do sleep 0.2; done
for p in images vms volumes; do
  "${admin[@]}" osd pool create "$p" 8 8 >/dev/null 2>&1
  rbd -c "$conf" -n client.admin pool init "$p"
done
"${admin[@]}" auth get-or-create client.cephflow mon 'profile rbd' mgr 'profile rbd' \
  osd 'profile rbd pool=images, profile rbd pool=vms, profile rbd pool=volumes' -o /out/keyring.client.cephflow
until [[ $("${admin[@]}" pg stat 2>/dev/null) =~ ^([0-9]+)\ pgs:\ ([0-9]+)\ active\+clean\; ]] \
  && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; do sleep 0.2; done
chmod 0644 /out/keyring.*
echo "CEPHFLOW-CEPH-READY fsid=$fsid mon_host=$mon_host"
# the first daemon to exit ends the container (a cluster without it is no cluster)
wait -n "${pids[@]}"
echo "a ceph daemon exited; logs:" >&2
tail -n 20 "$dir"/log/*.log >&2 || true
exit 1
