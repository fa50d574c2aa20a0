#!/usr/bin/env bash
# HTTP uploads: an image served over loopback HTTP into RBD, cephflow's upload path vs the tools.
#
#   eval "$(dev/ceph.sh env)" && bench/http-bench.sh
#
#   ROUNDS=3           rounds (the order of the tools rotates each round)
#   BENCH_PORT=17303   the HTTP server's port (127.0.0.1)
#   BENCH_PREFIX=bench-http-  name prefix of the images it makes (removed at the end, also on failure)
#   INPUTS="raw-1g qcow2-1g sparse-4g"
#   TOOLS="ours curl-rbd qemu-img"
#   BENCH_STEP_TIMEOUT=180  seconds per step; a step that takes longer is logged and left out
#   BENCH_SHA256=false  true: ours computes the full SHA-256 too (as for "checksum": "sha256"); its
#                      chunked SHA-256 (the provenance digest) is checked against split|sha256sum always
#   BENCH_JFR=/path/prefix  record a JFR profile of each of ours' runs (PREFIX-INPUT-ROUND.jfr)
#
# Server: bench/range-http.py (python's http.server with HEAD, Range and keep-alive, body by
# sendfile), serving from a temporary directory under /var/tmp. Per input:
#   ours      io.cephflow.activities.HttpUploadBench, the upload flow's activity steps in one warm
#             JVM (-Xmx256m): raw = probe + format check + create + stream with SHA-256; qcow2 =
#             fetch to scratch with SHA-256 + vet (qemu-img info, the inspector) + create + write.
#             Timed in process, from the first request to the last write, image create included.
#   curl|rbd  curl -s URL | rbd import - POOL/IMG (wall; rbd import creates the image)
#   qemu-img  qemu-img convert --image-opts driver=raw,file.driver=http,file.url=URL -O raw -n -W -m 16
#             into an image created beforehand (untimed); wall
# All three store the file's bytes as they are (a qcow2 stays a qcow2, as the upload flow keeps it).
# Correctness: in round 1, rbd export | sha256sum of every tool's image equals sha256sum of the file
# (of the sparse 4 GiB file: ours' digest only; exporting 4 GiB three times takes minutes here).
set -euo pipefail
shopt -s inherit_errexit
repo=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
PORT=${BENCH_PORT:-17303}
PREFIX=${BENCH_PREFIX:-bench-http-}
INPUTS=${INPUTS:-raw-1g qcow2-1g sparse-4g}
TOOLS=${TOOLS:-ours curl-rbd qemu-img}
STEP_TIMEOUT=${BENCH_STEP_TIMEOUT:-180}
POOL=images
: "${CEPHFLOW_CEPH_CONF:?not set: eval \"\$(dev/ceph.sh env)\" first}"
CONF=$CEPHFLOW_CEPH_CONF
ID=${CEPHFLOW_CEPH_CLIENT:-cephflow}
RBD=(rbd -c "$CONF" --id "$ID" ${CEPHFLOW_CEPH_KEYRING:+--keyring "$CEPHFLOW_CEPH_KEYRING"})
MiB=$((1 << 20))
tmp=$(mktemp -d /var/tmp/http-bench.XXXXXX)
results=$tmp/results.tsv
: > "$results"
server=

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
purge() {
  local img
  for img in $("${RBD[@]}" ls "$POOL" 2>/dev/null | grep "^$PREFIX" || true); do
    "${RBD[@]}" rm --no-progress "$POOL/$img" >/dev/null 2>&1 || log "WARNING: could not remove $POOL/$img"
  done
}
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $server ]] && kill "$server" 2>/dev/null
  purge
  rm -rf "$tmp"
  exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT TERM

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
load1() { cut -d' ' -f1 /proc/loadavg; }
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(load1)" >> "$results"; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $2"; }
median() { printf '%s\n' "$@" | awk NF | sort -g | awk '{ a[NR] = $1 } END {
  if (NR == 0) print "-"; else if (NR % 2) printf "%.3f", a[(NR + 1) / 2]; else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
values() { awk -F'\t' -v t="$1" -v o="$2" -v c="${3:-3}" '$1 == t && $2 == o { print $c }' "$results"; }
rotate() { local n=$1; shift; local a=("$@") k=$# i; for ((i = 0; i < k; i++)); do echo "${a[(i + n) % k]}"; done; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

log "building the test classpath"
(cd "$repo" && mvn -B -q -o -pl activities -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$tmp/cp.txt" -Dmdep.includeScope=test >"$tmp/mvn.log" 2>&1) || { tail -40 "$tmp/mvn.log" >&2; exit 1; }
CP="$repo/activities/target/test-classes:$repo/activities/target/classes:$repo/workflows/target/classes:$(cat "$tmp/cp.txt")"
purge

log "generating inputs in $tmp"
mkdir -p "$tmp/www" "$tmp/scratch"
head -c $((1024 * MiB)) /dev/urandom > "$tmp/www/raw-1g"
qemu-img convert -f raw -O qcow2 "$tmp/www/raw-1g" "$tmp/www/qcow2-1g"
truncate -s $((4096 * MiB)) "$tmp/www/sparse-4g"
for obj in $(shuf -i 0-1023 -n 50 --random-source=<(yes)); do
  dd if=/dev/urandom of="$tmp/www/sparse-4g" bs=4M count=1 seek="$obj" conv=notrunc iflag=fullblock status=none
done
head -c $((128 * MiB)) /dev/urandom > "$tmp/www/warm-raw"
qemu-img convert -f raw -O qcow2 "$tmp/www/warm-raw" "$tmp/www/warm-qcow2"
declare -A SHA
for f in $INPUTS; do SHA[$f]=$(sha256sum "$tmp/www/$f" | cut -d' ' -f1); done
declare -A CHUNKED # the provenance digest, as docs/intake.md tells users to verify it
for f in $INPUTS; do
  CHUNKED[$f]=$(split -b 4194304 --filter='sha256sum | cut -c1-64 | xxd -r -p' "$tmp/www/$f" | sha256sum | cut -d' ' -f1)
done
FULL=${BENCH_SHA256:-false} # true: ours computes the full SHA-256 too (a caller's "checksum": "sha256")

python3 "$repo/bench/range-http.py" "$tmp/www" "$PORT" & server=$!
for _ in $(seq 50); do curl -sfI "http://127.0.0.1:$PORT/warm-raw" >/dev/null && break; sleep 0.1; done
URL=http://127.0.0.1:$PORT
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

one() { # one INPUT TOOL ROUND
  local in=$1 tool=$2 r=$3 img="$POOL/$PREFIX$1-$2-$3" s line t0
  local size; size=$(stat -c %s "$tmp/www/$in")
  case $tool in
    ours)
      local kind=raw warm=warm-raw
      [[ $in == qcow2-* ]] && { kind=staged; warm=warm-qcow2; }
      local extra=(); [[ $kind == staged ]] && extra=(qcow2 "$tmp/scratch")
      line=$(java -Xmx256m -Dbench.sha256="$FULL" ${BENCH_JFR:+-XX:StartFlightRecording=filename=$BENCH_JFR-$in-$r.jfr,settings=profile} -cp "$CP" io.cephflow.activities.HttpUploadBench --warmup="$URL/$warm" $kind \
        "$URL/$in" "$img" "${extra[@]}" | grep '^seconds=')
      s=$(field seconds "$line")
      if [[ $FULL == true && $(field sha256 "$line") != "${SHA[$in]}" ]]; then log "FAIL: ours' SHA-256 of $in differs"; exit 1; fi
      if [[ $(field chunked "$line") != "${CHUNKED[$in]}" ]]; then log "FAIL: ours' chunked SHA-256 of $in differs"; exit 1; fi ;;
    curl-rbd)
      t0=$(now)
      curl -sf "$URL/$in" | "${RBD[@]}" import --no-progress - "$img" >/dev/null
      s=$(elapsed "$t0" "$(now)") ;;
    qemu-img)
      "${RBD[@]}" create --size "${size}B" "$img"
      t0=$(now)
      if ! timeout "$STEP_TIMEOUT" qemu-img convert --image-opts "driver=raw,file.driver=http,file.url=$URL/$in" \
          -O raw -n -W -m 16 "rbd:$img:id=$ID:conf=$CONF"; then
        log "  $in $tool round $r: failed or did not finish in ${STEP_TIMEOUT}s: left out"
        echo "$in $tool round $r" >> "$tmp/left-out"
        "${RBD[@]}" rm --no-progress "$img" >/dev/null 2>&1
        return 0
      fi
      s=$(elapsed "$t0" "$(now)") ;;
  esac
  record "$in" "$tool" "$s"
  log "  $in $tool round $r: ${s}s (load $(load1))"
  if [[ $r == 1 && $in != sparse-* ]]; then
    local got; got=$("${RBD[@]}" export --no-progress "$img" - 2>/dev/null | head -c "$size" | sha256sum | cut -d' ' -f1)
    [[ $got == "${SHA[$in]}" ]] || { log "FAIL: rbd export of $img ($tool) differs from $in"; exit 1; }
    echo "$in $tool" >> "$tmp/verified"
  fi
  "${RBD[@]}" rm --no-progress "$img" >/dev/null 2>&1
}
for ((r = 1; r <= ROUNDS; r++)); do
  for in in $INPUTS; do
    for tool in $(rotate $((r - 1)) $TOOLS); do one "$in" "$tool" "$r"; done
  done
done

echo
echo "http-bench: $(date -u +%Y-%m-%dT%H:%MZ), $ROUNDS rounds, loopback HTTP (bench/range-http.py, sendfile)," \
  "$(nproc) cores, load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
echo "| input     | tool      | median s | runs (s)             | load (1 min) | best tool / ours |"
echo "|-----------|-----------|---------:|----------------------|--------------|-----------------:|"
for in in $INPUTS; do
  mapfile -t a < <(values "$in" curl-rbd); c=$(median "${a[@]}")
  mapfile -t a < <(values "$in" qemu-img); q=$(median "${a[@]}")
  best=$(awk -v a="$c" -v b="$q" 'BEGIN { if (a == "-") print b; else if (b == "-") print a; else print (a < b ? a : b) }')
  for tool in $TOOLS; do
    mapfile -t v < <(values "$in" "$tool"); mapfile -t l < <(values "$in" "$tool" 4)
    m=$(median "${v[@]}")
    printf '| %-9s | %-9s | %8s | %-20s | %-12s | %16s |\n' "$in" "$tool" "$m" "${v[*]}" \
      "$(printf '%s\n' "${l[@]}" | sort -g | sed -n '1p;$p' | paste -sd- -)" \
      "$([[ $tool == ours ]] && ratio "$best" "$m" || echo)"
  done
done
echo
[[ -s $tmp/left-out ]] && echo "left out (failed or over ${STEP_TIMEOUT}s): $(paste -sd, "$tmp/left-out")"
echo "verified by rbd export | sha256sum: $(paste -sd, "$tmp/verified" | sed 's/,/, /g'); ours' chunked SHA-256 equals split|sha256sum|xxd of every input"
