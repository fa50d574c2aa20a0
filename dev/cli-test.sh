#!/usr/bin/env bash
# The CLI against the running stack (after `dev/up --detach`; dev/test runs it after the smoke
# step): every command, each output format parsed back, every exit code (usage, unknown and
# misspelled options, not found, conflict, auth, a failed flow, canceled, timed out, detached
# with Ctrl-C in a real terminal), the progress bar in tmux, the config file, and that the CLI
# loads no Spring or Temporal class. Removes what it made. Ends with `cli-test: N passed, N failed`
# and exits non-zero on any mismatch.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cd "$repo"
cf="$repo/bin/cephflow"
tmp=$(mktemp -d)
incoming="$CEPHFLOW_STATE/incoming"
tag="cli-test-$$"
pass=0 fail=0
slow_pid=""
made_images=() made_volumes=() made_servers=()
# the dev stack's token (bin/cephflow finds it in $CEPHFLOW_STATE), no config file of the caller's
unset CEPHFLOW_TOKEN CEPHFLOW_TOKEN_FILE CEPHFLOW_CONFIG CEPHFLOW_API
export XDG_CONFIG_HOME="$tmp/no-config"

cleanup() {
  [ -n "$slow_pid" ] && kill "$slow_pid" 2>/dev/null
  tmux kill-session -t "$tag" 2>/dev/null
  for s in "${made_servers[@]}"; do "$cf" server delete "$s" --shutdown-timeout 1 --wait >/dev/null 2>&1; done
  if [ -n "${vol:-}" ] && [ -n "${snap:-}" ]; then "$cf" snapshot delete "$vol" "$snap" --wait >/dev/null 2>&1; fi
  for v in "${made_volumes[@]}"; do "$cf" volume delete "$v" --wait >/dev/null 2>&1; done
  for i in "${made_images[@]}"; do "$cf" image delete "$i" --flatten-dependents --wait >/dev/null 2>&1; done
  rm -f "$incoming/$tag".*
  rm -rf "$tmp"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); echo "  ok   $1"; }
bad() {
  fail=$((fail + 1)); echo "  FAIL $1"
  [ -s "$tmp/out" ] && sed 's/^/       out: /' "$tmp/out" | head -8
  [ -s "$tmp/err" ] && sed 's/^/       err: /' "$tmp/err" | head -8
  return 0
}

# run CODE DESCRIPTION ARGS...: bin/cephflow ARGS (stdout in $tmp/out, stderr in $tmp/err) must exit CODE
run() {
  local want=$1 what=$2 got; shift 2
  "$cf" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; got=$?
  if [ "$got" = "$want" ]; then ok "$what (exit $got)"; else bad "$what: exit $got, expected $want"; fi
}
# has FILE TEXT DESCRIPTION: FILE contains TEXT
has() { if grep -qF -- "$2" "$tmp/$1"; then ok "$3"; else bad "$3: no '$2' in $1"; fi; }
# json EXPR DESCRIPTION: the Python expression EXPR over d = stdout parsed as JSON is true
json() {
  if python3 - "$tmp/out" "$1" <<'PY' 2>"$tmp/py"; then ok "$2"; else cat "$tmp/py" >>"$tmp/err"; bad "$2"; fi
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}
yaml() {
  if python3 - "$tmp/out" "$1" <<'PY' 2>"$tmp/py"; then ok "$2"; else cat "$tmp/py" >>"$tmp/err"; bad "$2"; fi
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}
value() { cat "$tmp/out"; }
uuid() { cat /proc/sys/kernel/random/uuid; }

echo "== cli-test: bin/cephflow against $(${cf} --version 2>/dev/null | head -1) at ${CEPHFLOW_API:-http://127.0.0.1:8080}"
ghost=$(uuid)

echo "-- help, version, completion"
run 0 "--version" --version; has out "cephflow " "--version names the CLI"
run 0 "--help" --help; has out "Exit codes:" "the help lists the exit codes"
run 0 "help image upload" help image upload; has out "--disk-format" "help <cmd> shows the command's options"
run 2 "no command is a usage error" ; has err "Usage: cephflow" "no command prints the usage"
run 2 "a group without its command" image
for c in "image upload" "image list" "image show" "image delete" "volume create" "volume list" "volume show" \
  "volume snapshot" "volume delete" "snapshot list" "snapshot show" "snapshot delete" "server boot" "server list" \
  "server show" "server snapshot" "server delete" "hypervisor list" "operation list" "operation show" "operation wait" \
  "operation cancel" "audit" "audit show" "completion"; do
  # shellcheck disable=SC2086
  run 0 "$c --help" $c --help
  if ! grep -q "Usage: cephflow $c" "$tmp/out"; then bad "$c --help shows its usage"; fi
  # shellcheck disable=SC2086
  run 0 "$c -h" $c -h
done
run 0 "completion bash" completion bash
if bash -c "source '$tmp/out' && complete -p cephflow" >/dev/null 2>&1; then ok "the bash completion script loads"; else bad "the bash completion script loads"; fi
run 0 "completion zsh" completion zsh
if command -v zsh >/dev/null; then
  if zsh -n "$tmp/out"; then ok "the zsh script parses"; else bad "the zsh script parses"; fi
fi
# in a real zsh line editor: it loads, and TAB completes commands, options and values (~2 s)
if "$here/cli-completion-test.sh" >"$tmp/completion" 2>&1; then ok "zsh completes cephflow (dev/cli-completion-test.sh)"
else cat "$tmp/completion" >"$tmp/err"; : >"$tmp/out"; bad "zsh completes cephflow (dev/cli-completion-test.sh)"; fi

echo "-- strict parsing: nothing is sent"
volumes_before=$("$cf" volume list -f value -c id | wc -l)
images_before=$("$cf" image list -f value -c id | wc -l)
run 2 "an unknown option" image upload --name "$tag" --source "$incoming/sample.raw" --frobnicate 1
has err "'--frobnicate'" "the error names it"
run 2 "an unknown option on volume create" volume create --image "$ghost" --bogus-flag 1
run 2 "a misspelled option" image upload --name "$tag" --source "$incoming/sample.raw" --wiat
has err "Did you mean: --wait?" "a near miss gets a suggestion"
run 2 "a misspelled required option" image upload --nam "$tag" --source "$incoming/sample.raw"
has err "Did you mean: --name?" "it is named, not 'missing --name'"
run 2 "a misspelled command" image uplaod
has err "upload" "a near-miss command is suggested"
run 2 "a bad number" volume create --image "$ghost" --size-gb abc
has err "--size-gb" "the error names the option"
run 2 "a bad id" image show not-a-uuid
run 2 "a bad format" image list -f xml
run 2 "a bad column" image list -c nmae
has err "did you mean 'name'" "a near-miss column is suggested"
run 2 "an unknown state" volume list --state gone
run 2 "--format is not the disk format" image upload --name "$tag" --source "$incoming/sample.raw" --format qcow2
has err "--disk-format" "it points at --disk-format"
run 2 "two sources" server boot --image "$ghost" --volume "$ghost"
run 2 "--timeout without --wait" image delete "$ghost" --timeout 3
[ "$("$cf" volume list -f value -c id | wc -l)" = "$volumes_before" ] && ok "no volume was created" || bad "a refused command created a volume"
[ "$("$cf" image list -f value -c id | wc -l)" = "$images_before" ] && ok "no image was created" || bad "a refused command created an image"

echo "-- auth, unreachable, config"
CEPHFLOW_TOKEN=wrong run 3 "a wrong token" image list
has err "Unauthorized" "the problem's code is shown"
if grep -q '"type"' "$tmp/err"; then bad "stderr holds raw JSON"; else ok "stderr holds no raw JSON"; fi
CEPHFLOW_TOKEN_FILE=/nonexistent run 3 "an unreadable token file" image list
mkdir -p "$tmp/empty-state"
CEPHFLOW_STATE="$tmp/empty-state" run 3 "no token at all" image list
has err "no token is configured" "it says how to give one"
run 7 "an unreachable API" image list --api http://127.0.0.1:1
has err "cannot reach the API" "it says so"
mkdir -p "$tmp/xdg/cephflow"
printf '# test\napi = http://127.0.0.1:%s\ntoken-file = %s\n' "${CEPHFLOW_API_PORT:-8080}" "$CEPHFLOW_STATE/api/token" \
  > "$tmp/xdg/cephflow/config"
XDG_CONFIG_HOME="$tmp/xdg" CEPHFLOW_STATE="$tmp/empty-state" run 0 "api and token-file from the config file" image list
printf 'api = http://127.0.0.1:1\n' > "$tmp/xdg/cephflow/config"
XDG_CONFIG_HOME="$tmp/xdg" run 7 "the config file's api is used" image list
CEPHFLOW_API="http://127.0.0.1:${CEPHFLOW_API_PORT:-8080}" XDG_CONFIG_HOME="$tmp/xdg" run 0 "the environment beats the config file" image list
printf 'apu = x\n' > "$tmp/xdg/cephflow/config"
XDG_CONFIG_HOME="$tmp/xdg" run 2 "an unknown config key" image list
has err ":1: unknown key 'apu'" "the error names the line"

echo "-- image upload, show and list in every format"
name="$tag-sample"
run 0 "image upload --wait" image upload --name "$name" --source "$incoming/sample.raw" --wait -f json
json 'd["status"] == "COMPLETED" and d["imageId"] and d["operationId"].startswith("image-upload-")' "it ends COMPLETED, ids in the JSON"
has err "COMPLETED" "the wait reports the end on stderr"
img=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["imageId"])' "$tmp/out"); made_images+=("$img")
run 0 "image show (piped: JSON)" image show "$img"
json "d['id'] == '$img' and d['state'] == 'available' and d['sizeBytes'] == 67108864" "the default when piped is JSON, numbers as numbers"
run 0 "image show -f yaml" image show "$img" -f yaml
yaml "d['id'] == '$img' and d['name'] == '$name' and d['snapshotProtected'] is True and isinstance(d['createdAt'], str)" "YAML parses back (a timestamp stays a string)"
run 0 "image show -f value -c state" image show "$img" -f value -c state
[ "$(value)" = available ] && ok "value prints the bare value" || bad "value: '$(value)'"
run 0 "image show -f table" image show "$img" -f table
has out "| name " "the table has a name row"; has out "$name" "and the name"
run 0 "image list -f json" image list -f json
json "any(i['id'] == '$img' for i in d)" "the listing holds it"
run 0 "image list --name -f value -c id" image list --name "$name" -f value -c id
[ "$(value)" = "$img" ] && ok "--name finds it" || bad "--name: '$(value)'"
run 0 "image list --long -f yaml" image list --long --name "$name" -f yaml
yaml "d[0]['createdBy'].startswith('image-upload-')" "--long shows every column"
run 0 "image list --limit 1" image list --limit 1 -f json
json "len(d) == 1" "one page of one"
run 0 "image list -f table" image list -f table -c id -c name
has out "| id " "a table of the listing"
run 0 "operation show" operation show "image-upload-$img" -f json
json "d['status'] == 'COMPLETED' and d['type'] and d['progress']['bytesTotal'] == 67108864" "the operation as JSON"
run 0 "operation wait (ended)" operation wait "image-upload-$img" -f value -c status
run 0 "operation list --resource" operation list --resource "image:$img" -f json
json "any(o['id'] == 'image-upload-$img' for o in d)" "the image's operations"
run 0 "operation list -f table" operation list --resource "image:$img" -f table
has out "UploadImage" "the table names the flow"

echo "-- the leak auditor (scoped to this test's image: the cluster may be shared)"
run 0 "audit --wait (a dry run)" audit --resource "$img" --wait -f json
json "d == []" "the uploaded image is no leak"
has err ", dry run" "the counts say it was a dry run"
run 0 "audit (accepted)" audit --resource "$img" -f value -c auditId
audit_id=$(head -1 "$tmp/out")
run 0 "audit show" audit show "$audit_id" --all -f json
run 4 "audit show of nothing" audit show "audit-$ghost"
run 2 "audit --timeout without --wait" audit --timeout 5
run 0 "audit --reap of nothing" audit --reap --resource "$ghost" --wait -f json
json "d == []" "nothing to reap"

echo "-- volumes and snapshots"
run 0 "volume create --wait" volume create --image "$img" --size-gb 1 --wait -f json
json "d['status'] == 'COMPLETED'" "the volume is created"
vol=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["volumeId"])' "$tmp/out"); made_volumes+=("$vol")
run 0 "volume show" volume show "$vol" -f json
json "d['sizeBytes'] == 1 << 30 and d['parent'].endswith('@snap')" "a 1 GiB clone of the image"
run 0 "volume show -f yaml" volume show "$vol" -f yaml
yaml "d['id'] == '$vol'" "YAML parses back"
run 0 "volume list -f value" volume list -f value -c id
has out "$vol" "the listing holds it"
run 0 "volume snapshot --wait" volume snapshot "$vol" --wait -f json
json "d['status'] == 'COMPLETED'" "the snapshot is made"
snap=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["snapshotId"])' "$tmp/out")
run 0 "snapshot list VOLUME" snapshot list "$vol" -f json
json "[s['id'] for s in d] == ['$snap']" "the volume's snapshot"
run 0 "snapshot list (every volume)" snapshot list -f value -c id
has out "$snap" "it is among all snapshots"
run 0 "snapshot show" snapshot show "$vol" "$snap" -f yaml
yaml "d['volumeId'] == '$vol'" "YAML parses back"
run 0 "snapshot show -f table" snapshot show "$vol" "$snap" -f table
has out "| volumeId " "a table of it"

echo "-- not found and conflict"
run 4 "image show of nothing" image show "$ghost"
has err "NotFound" "the problem's code"
run 4 "volume show of nothing" volume show "$ghost"
run 4 "server show of nothing" server show "$ghost"
run 4 "snapshot show of nothing" snapshot show "$vol" "$ghost"
run 4 "operation show of nothing" operation show "image-upload-$ghost"
run 4 "operation wait of nothing" operation wait "image-upload-$ghost"
run 4 "image delete of nothing" image delete "$ghost"
run 4 "a hypervisor nobody serves" server boot --image "$img" --hypervisor "nosuchhost"
run 5 "an id taken by another request" image upload --id "$img" --name "$tag-other" --source "$incoming/sample.raw"
has err "Conflict" "the problem's code"
run 5 "an image with clones" image delete "$img"
has err "InUse" "InUse, naming the clones"

echo "-- servers"
run 0 "server boot --wait" server boot --image "$img" --memory-mib 256 --wait -f json
json "d['status'] == 'COMPLETED'" "the server boots"
srv=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["serverId"])' "$tmp/out"); made_servers+=("$srv")
run 0 "server show" server show "$srv" -f json
json "d['madeFrom'] == 'image:$img'" "made from the image"
run 0 "server list -f yaml" server list -f yaml
yaml "any(s['id'] == '$srv' for s in d)" "the listing holds it"
run 0 "hypervisor list" hypervisor list -f json
json "any(h['host'] == 'local' and h['alive'] and h['capacityDomains'] > 0 for h in d)" "the local host reports, alive"
run 0 "server snapshot --wait" server snapshot "$srv" --name "$tag-from-vm" --wait -f json
json "d['status'] == 'COMPLETED'" "an image of the server"
made_images=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["imageId"])' "$tmp/out")" "${made_images[@]}")
start=$SECONDS
run 0 "server delete --shutdown-timeout 1 --wait" server delete "$srv" --shutdown-timeout 1 --wait -f value -c status
((SECONDS - start < 25)) && ok "deleted in $((SECONDS - start)) s (the guest ignores ACPI)" || bad "delete took $((SECONDS - start)) s"
made_servers=()
run 4 "server show after delete" server show "$srv"

echo "-- a failed flow"
printf 'this is not a qcow2 image\n%.0s' $(seq 1 2000) > "$incoming/$tag.qcow2"
run 1 "upload of a file that is not the qcow2 it claims" image upload --name "$tag-bad" --source "$incoming/$tag.qcow2" \
  --disk-format qcow2 --wait -f json
json "d['status'] == 'FAILED' and d['failure']['type'] in ('UnsafeImage', 'UnsupportedFormat')" "FAILED with a typed reason"
if grep -qE "FAILED: (UnsafeImage|UnsupportedFormat)" "$tmp/err"; then ok "the reason is on stderr"; else bad "the reason is on stderr"; fi
bad_op=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["operationId"])' "$tmp/out")
run 1 "operation show of it" operation show "$bad_op"
run 1 "operation wait of it" operation wait "$bad_op"

echo "-- canceled, timed out, detached (a slow HTTP source)"
head -c 96M /dev/urandom > "$tmp/slow.raw"
python3 "$here/slow-http.py" "$tmp/slow.raw" --rate $((2 << 20)) --lifetime 600 > "$tmp/port" &
slow_pid=$!
for _ in $(seq 1 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
src="http://127.0.0.1:$(cat "$tmp/port")/slow.raw"
run 0 "a slow upload starts" image upload --name "$tag-slow" --source "$src" -f value -c operationId
op=$(value)
run 8 "operation wait --timeout" operation wait "$op" --timeout 2
has err "cephflow operation cancel $op" "it says how to cancel"
run 0 "show of a running operation" operation show "$op" -f value -c status
if command -v tmux >/dev/null; then
  tmux new-session -d -s "$tag" -x 150 -y 12 "'$cf' operation wait '$op'; echo EXIT=\$? > '$tmp/tmux-exit'; sleep 60"
  sleep 4
  tmux capture-pane -p -t "$tag" > "$tmp/out"
  if grep -qE '\[[#. <=>]+\].*(MiB|B) / .*(B/s).*ETA' "$tmp/out"; then ok "a live bar in a terminal: $(grep -oE '[a-z-]+ \[.*' "$tmp/out" | head -1 | cut -c1-90)"
  else bad "no progress bar in the terminal"; fi
  # the bar advances: the bytes it shows 5 s later are more (2 MiB/s arrive in 4 MiB writes; the
  # server's progress is what is durable, refreshed every second)
  sleep 5
  tmux capture-pane -p -t "$tag" > "$tmp/out2"
  a=$(grep -oE '[0-9.]+ [KMGT]?i?B / ' "$tmp/out" | head -1); b=$(grep -oE '[0-9.]+ [KMGT]?i?B / ' "$tmp/out2" | head -1)
  if python3 - "$a" "$b" <<'PY'
import sys
u = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
def v(s):
    n, unit = s.split()[:2]
    return float(n) * u.get(unit, 1)
sys.exit(0 if sys.argv[1] and sys.argv[2] and v(sys.argv[2]) > v(sys.argv[1]) else 1)
PY
  then ok "the bar advances: ${a}-> ${b}"; else bad "the bar did not advance: '${a}' then '${b}'"; fi
  tmux send-keys -t "$tag" C-c
  for _ in $(seq 1 50); do [ -s "$tmp/tmux-exit" ] && break; sleep 0.2; done
  tmux capture-pane -p -t "$tag" > "$tmp/out"
  [ "$(cat "$tmp/tmux-exit" 2>/dev/null)" = "EXIT=130" ] && ok "Ctrl-C detaches (exit 130)" || bad "Ctrl-C: $(cat "$tmp/tmux-exit" 2>/dev/null)"
  has out "cephflow operation wait $op" "it says how to watch"
  has out "cephflow operation cancel $op" "and how to cancel"
  tmux kill-session -t "$tag" 2>/dev/null
else
  ( set -m; "$cf" operation wait "$op" >"$tmp/out" 2>"$tmp/err" & p=$!; sleep 3; kill -INT "$p"; wait "$p"; echo $? > "$tmp/int-exit" )
  [ "$(cat "$tmp/int-exit")" = 130 ] && ok "SIGINT detaches (exit 130)" || bad "SIGINT: exit $(cat "$tmp/int-exit")"
  has err "cephflow operation cancel $op" "it says how to cancel"
fi
run 0 "operation show after detaching: still running" operation show "$op" -f value -c status
[ "$(value)" = RUNNING ] && ok "the operation went on" || bad "after detaching: $(value)"
run 0 "operation cancel --wait" operation cancel "$op" --wait -f value -c status
[ "$(value)" = CANCELED ] && ok "it ends CANCELED" || bad "cancel: $(value)"
run 6 "operation show of a canceled one" operation show "$op"
run 6 "operation wait of a canceled one" operation wait "$op"
run 5 "cancel of an ended operation" operation cancel "$op"
has err "NotCancelable" "the problem's code"
run 0 "a second slow upload" image upload --name "$tag-slow2" --source "$src" -f value -c operationId
op2=$(value)
run 0 "operation cancel (no wait)" operation cancel "$op2" -f json
json "d['id'] == '$op2'" "the cancel answers with the operation"
run 6 "--wait on it ends canceled" operation wait "$op2" --timeout 120

echo "-- deletes"
run 0 "snapshot delete --wait" snapshot delete "$vol" "$snap" --wait -f value -c status
snap=""
run 0 "volume delete --wait" volume delete "$vol" --wait -f value -c status
made_volumes=()
run 4 "volume show after delete" volume show "$vol"
for i in "${made_images[@]}"; do run 0 "image delete --wait" image delete "$i" --wait -f value -c status; done
made_images=()
run 0 "image list --state deleted" image list --state deleted -f value -c id
has out "$img" "the deleted image is a tombstone"

echo "-- start-up: the CLI's own classpath"
JAVA_TOOL_OPTIONS="-Xlog:class+load:file=$tmp/classes.log" "$cf" image list >/dev/null 2>&1
if [ -s "$tmp/classes.log" ] && ! grep -qE 'org\.springframework|io\.temporal' "$tmp/classes.log"; then
  ok "no Spring or Temporal class loaded ($(grep -c 'shared objects file (top)' "$tmp/classes.log") of $(wc -l < "$tmp/classes.log") classes from the CLI's archive)"
else
  bad "the CLI loaded Spring or Temporal classes"
fi

echo "cli-test: $pass passed, $fail failed"
[ "$fail" = 0 ]
