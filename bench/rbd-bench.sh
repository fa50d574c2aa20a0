#!/usr/bin/env bash
# RBD layer benchmark: cephflow's librbd code vs the reference tools, same cluster, same run.
#
#   eval "$(dev/ceph.sh env)" && bench/rbd-bench.sh
#
#   ROUNDS=3        rounds per measurement (order of the tools rotates each round)
#   BENCH_XMX=256m  heap limit of our JVM (the import must fit in it)
#   BENCH_DEPTH=16  aio writes in flight for our import
#   BENCH_TMP=...   where the inputs go (1 GiB + a 4 GiB sparse file; default: mktemp under /var/tmp)
#   BENCH_PREFIX=bench-  name prefix of its images: give each person on a shared cluster their own
#   SECTIONS="ceiling import clone flatten"  what to run (ceiling and import share their rounds)
#   INPUTS="import-1g-random import-4g-sparse"  the import inputs
#   TOOLS="ours-sparse ours-sparse-warm ours-upload ours-upload-warm rbd-import qemu-img"  the import
#                   tools (also: ours-upload-sha256, ours-upload-sha256-warm: the full SHA-256 too)
#
# The ceiling rows (needs CEPHFLOW_CEPH_ADMIN_KEYRING, as dev/ceph.sh env sets it), every round:
# `ceph tell osd.0 bench` (1 GiB in 4 MiB writes inside the OSD: no client, no messenger),
# `dd oflag=direct` of the 1 GiB input onto the filesystem that holds the OSD's block file, and
# `rbd bench` with qemu-img's request shape (the size and count of its writes as the OSD's op_w /
# op_w_in_bytes counters saw them during its import in the same round; 16 in flight).
#
# Inputs: 1 GiB from /dev/urandom; a 4 GiB sparse file with 50 object-aligned 4 MiB extents
# of random data; a 128 MiB random file for the warm-up. Images are named $BENCH_PREFIX* in the pools
# images/vms and removed at the end, on failure and on interrupt. Figures are medians of
# in-process seconds for ours (the op alone, image create included) and wall seconds of the
# whole process for the CLI tools; ours' process wall time (JVM start + connect) is printed too.
# Ours runs each import twice per round: cold (the first import of a fresh JVM) and warm
# (-warm rows: after an untimed 128 MiB import of the same kind into a scratch image, as in the
# long-lived worker). Two paths of ours: sparse (the RBD layer's import alone: holes skipped)
# and upload (the upload activity's path for a local raw file: the same, plus the chunked
# SHA-256 for provenance, its zero chunks a constant; -sha256: plus the full SHA-256, holes
# hashed as zeros, as when the caller asks for it).
set -euo pipefail
shopt -s inherit_errexit
repo=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
XMX=${BENCH_XMX:-256m}
DEPTH=${BENCH_DEPTH:-16}
STEP_TIMEOUT=${BENCH_STEP_TIMEOUT:-180}
: "${CEPHFLOW_CEPH_CONF:?not set: eval \"\$(dev/ceph.sh env)\" first}"
CONF=$CEPHFLOW_CEPH_CONF
ID=${CEPHFLOW_CEPH_CLIENT:-cephflow}
RBD=(rbd -c "$CONF" --id "$ID")
CLI_ERR=/dev/null # set below: stderr of the reference tools (asok warnings when other clients run)
MiB=$((1 << 20))
PREFIX=${BENCH_PREFIX:-bench-} # every image this run makes, and removes (leftovers of earlier runs too)

tmp=${BENCH_TMP:-$(mktemp -d /var/tmp/rbd-bench.XXXXXX)}
mkdir -p "$tmp"
CLI_ERR=$tmp/cli.err
results=$tmp/results.tsv
: > "$results"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- cleanup: every bench-* image in our pools, clones first --------------------------------
purge_bench_images() {
  local pool img snap
  for pool in images vms volumes; do # clones (they pin their parents' snapshots)
    for img in $("${RBD[@]}" ls "$pool" 2>/dev/null | grep "^$PREFIX" || true); do
      if "${RBD[@]}" info "$pool/$img" 2>/dev/null | grep -q '^\s*parent:'; then
        "${RBD[@]}" rm --no-progress "$pool/$img" >/dev/null 2>&1 || true
      fi
    done
  done
  for pool in images vms volumes; do
    for img in $("${RBD[@]}" ls "$pool" 2>/dev/null | grep "^$PREFIX" || true); do
      for snap in $("${RBD[@]}" snap ls --format json "$pool/$img" 2>/dev/null | jq -r '.[].name' || true); do
        "${RBD[@]}" snap unprotect "$pool/$img@$snap" >/dev/null 2>&1 || true
      done
      "${RBD[@]}" snap purge --no-progress "$pool/$img" >/dev/null 2>&1 || true
      "${RBD[@]}" rm --no-progress "$pool/$img" >/dev/null 2>&1 || log "WARNING: could not remove $pool/$img"
    done
  done
}
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  log "cleaning up $PREFIX* images"
  purge_bench_images
  [[ -z ${BENCH_TMP:-} ]] && rm -rf "$tmp"
  exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# --- helpers ----------------------------------------------------------------------------------
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
load1() { cut -d' ' -f1 /proc/loadavg; }
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(load1)" >> "$results"; } # test tool seconds load
t() { timeout "$STEP_TIMEOUT" "$@" 2>>"$CLI_ERR" || { local rc=$?; tail -5 "$CLI_ERR" >&2; return $rc; }; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $2"; }

CP=""
ours() { # ours OP ARGS... -> prints RbdBench's line, appends wall=
  local t0 t1 line
  t0=$(now)
  line=$(t java -Xmx"$XMX" -cp "$CP" io.cephflow.bench.RbdBench --depth="$DEPTH" "$@" 2>"$tmp/java.err") || {
    cat "$tmp/java.err" >&2; return 1; }
  t1=$(now)
  echo "$line wall=$(elapsed "$t0" "$t1")"
}
ours_simple() { # same, for ops that take no --depth
  local t0 t1 line
  t0=$(now)
  line=$(t java -Xmx"$XMX" -cp "$CP" io.cephflow.bench.RbdBench "$@" 2>"$tmp/java.err") || {
    cat "$tmp/java.err" >&2; return 1; }
  t1=$(now)
  echo "$line wall=$(elapsed "$t0" "$t1")"
}
timed() { # timed CMD... -> prints wall seconds
  local t0 t1
  t0=$(now)
  t "$@" >/dev/null
  t1=$(now)
  elapsed "$t0" "$t1"
}
rotate() { # rotate N ITEMS... -> items rotated left by N
  local n=$1; shift
  local a=("$@") k=${#a[@]} i
  for ((i = 0; i < k; i++)); do echo "${a[(i + n) % k]}"; done
}
median() { printf '%s\n' "$@" | awk NF | sort -g | awk '{ a[NR] = $1 } END {
  if (NR == 0) print "-"; else if (NR % 2) printf "%.3f", a[(NR + 1) / 2]; else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
values() { awk -F'\t' -v t="$1" -v o="$2" '$1 == t && $2 == o { print $3 }' "$results"; }
loads() { awk -F'\t' -v t="$1" -v o="$2" '$1 == t && $2 == o { print $4 }' "$results"; }
SECTIONS=${SECTIONS:-ceiling import clone flatten}
section() { [[ " $SECTIONS " == *" $1 "* ]]; }
ADMIN=(ceph -c "$CONF" -n client.admin ${CEPHFLOW_CEPH_ADMIN_KEYRING:+-k "$CEPHFLOW_CEPH_ADMIN_KEYRING"})
osd_w() { # the OSD's write counters: "op_w op_w_in_bytes"
  "${ADMIN[@]}" tell osd.0 perf dump osd 2>/dev/null | jq -r '.osd | "\(.op_w) \(.op_w_in_bytes)"'; }
shape_ops=0; shape_bytes=0 # qemu-img's writes in the last round: count, bytes
sha_of_image() { t "${RBD[@]}" export --no-progress "$1" - 2>/dev/null | sha256sum | cut -d' ' -f1; }

# --- build -------------------------------------------------------------------------------------
log "building the test classpath (mvn test-compile + dependency:build-classpath)"
(cd "$repo" && mvn -B -q -pl activities -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$tmp/cp.txt" -Dmdep.includeScope=test >"$tmp/mvn.log" 2>&1) || {
  tail -40 "$tmp/mvn.log" >&2; exit 1; }
CP="$repo/activities/target/test-classes:$repo/activities/target/classes:$(cat "$tmp/cp.txt")"

purge_bench_images # leftovers of an interrupted earlier run
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# --- inputs ------------------------------------------------------------------------------------
log "generating inputs in $tmp"
random=$tmp/random-1g.raw
sparse=$tmp/sparse-4g.raw
warmup=$tmp/warmup-128m.raw
head -c $((128 * MiB)) /dev/urandom > "$warmup"
head -c $((1024 * MiB)) /dev/urandom > "$random"
truncate -s $((4096 * MiB)) "$sparse"
for obj in $(shuf -i 0-1023 -n 50 --random-source=<(yes)); do
  dd if=/dev/urandom of="$sparse" bs=4M count=1 seek="$obj" conv=notrunc iflag=fullblock status=none
done
sha_random=$(sha256sum "$random" | cut -d' ' -f1)
sha_sparse=$(sha256sum "$sparse" | cut -d' ' -f1) # also warms the page cache for everyone
# the chunked SHA-256 as docs/intake.md tells users to verify it
chunked() { split -b 4194304 --filter='sha256sum | cut -c1-64 | xxd -r -p' "$1" | sha256sum | cut -d' ' -f1; }
INPUTS=${INPUTS:-import-1g-random import-4g-sparse}
[[ $INPUTS == *random* ]] && chunked_random=$(chunked "$random")
[[ $INPUTS == *sparse* ]] && chunked_sparse=$(chunked "$sparse")
log "sparse input: $(du -m "$sparse" | cut -f1) MiB allocated of 4096"

# --- imports -----------------------------------------------------------------------------------
peak_heap=0
peak_rss=0
import_one() { # import_one TEST FILE TOOL ROUND
  local test=$1 file=$2 tool=$3 r=$4 img="images/$PREFIX$1-$3-$4" line s
  case $tool in
    ours-sparse | ours-upload | ours-sparse-warm | ours-upload-warm | ours-upload-sha256 | ours-upload-sha256-warm)
      local kind=${tool#ours-}; kind=${kind%-warm}
      if [[ $tool == *-warm ]]; then
        line=$(ours --warmup="$warmup" "import-$kind" "$file" "$img")
      else
        line=$(ours "import-$kind" "$file" "$img")
        record "$test" "$tool-wall" "$(field wall "$line")" # a warm run's process also did the warm-up
      fi
      s=$(field seconds "$line")
      record "$test" "$tool" "$s"
      # qemu-img writes into an image created (untimed) beforehand: compare like with like too
      record "$test" "$tool-nocreate" "$(awk -v a="$s" -v c="$(field create_seconds "$line")" 'BEGIN { printf "%.3f", a - c }')"
      peak_heap=$(awk -v a="$peak_heap" -v b="$(field peak_heap_mib "$line")" 'BEGIN { print (b > a ? b : a) }')
      peak_rss=$(awk -v a="$peak_rss" -v b="$(field peak_rss_mib "$line")" 'BEGIN { print (b > a ? b : a) }')
      log "  $test $tool round $r: ${s}s (process $(field wall "$line")s, written $(field bytes_written "$line"), peak heap $(field peak_heap_mib "$line") MiB)"
      local want; want=$([[ $file == "$random" ]] && echo "$sha_random" || echo "$sha_sparse")
      # correctness, in round 1: the upload path's digest always; rbd export of the image for the
      # sparse path on both inputs and the upload path on 1 GiB (exporting 4 GiB takes ~30 s)
      if [[ $r == 1 ]]; then
        if [[ $tool == ours-upload-sha256* && $(field sha256 "$line") != "$want" ]]; then
          log "FAIL: $tool digest of $file differs from sha256sum"; exit 1
        fi
        local want_chunked; want_chunked=$([[ $file == "$random" ]] && echo "$chunked_random" || echo "$chunked_sparse")
        if [[ $tool == ours-upload* && $(field chunked_sha256 "$line") != "$want_chunked" ]]; then
          log "FAIL: $tool chunked digest of $file differs from split | sha256sum | xxd"; exit 1
        fi
      fi
      if [[ $r == 1 && $tool != *-warm && ( $tool == ours-sparse || $file == "$random" ) ]]; then
        if [[ $(sha_of_image "$img") != "$want" ]]; then
          log "FAIL: rbd export of $img differs from $file"; exit 1
        fi
        log "  verified: rbd export of $img has the source's sha256"
        echo "$test $tool" >> "$tmp/verified"
      fi ;;
    rbd-import)
      s=$(timed "${RBD[@]}" import --no-progress "$file" "$img")
      record "$test" "$tool" "$s"; log "  $test $tool round $r: ${s}s" ;;
    ceiling) # rbd bench writing the same bytes in qemu-img's request size (2 MiB before it ran), 16 in flight
      local io=$((2 * MiB))
      ((shape_ops > 0)) && io=$(( (shape_bytes / shape_ops + 4095) / 4096 * 4096 ))
      t "${RBD[@]}" create --size "$(stat -c %s "$file")B" "$img" >/dev/null
      s=$(timed "${RBD[@]}" bench --io-type write --io-size "$io" --io-threads 16 \
        --io-total "$(stat -c %s "$file")" --io-pattern seq "$img")
      record "$test" "$tool" "$s"; log "  $test $tool round $r: ${s}s ($io-byte writes)"
      echo "$io" >> "$tmp/ceiling-io" ;;
    osd-bench) # inside the OSD: 1 GiB of 4 MiB writes straight into its object store
      s=$(t "${ADMIN[@]}" tell osd.0 bench $((1024 * MiB)) $((4 * MiB)) | jq -r .elapsed_sec)
      s=$(printf '%.3f' "$s"); record "$test" "$tool" "$s"; log "  $test $tool round $r: ${s}s"
      return 0 ;;
    dd-direct) # the disk under the OSD: the same 1 GiB with O_DIRECT onto the filesystem of its block file
      s=$(timed dd if="$file" of="$ddfile" bs=4M oflag=direct status=none)
      rm -f "$ddfile"; record "$test" "$tool" "$s"; log "  $test $tool round $r: ${s}s"
      return 0 ;;
    qemu-img)
      t "${RBD[@]}" create --size "$(stat -c %s "$file")B" "$img" >/dev/null
      local w0 w1; section ceiling && w0=$(osd_w)
      s=$(timed qemu-img convert -f raw -O raw -n -W -m 16 "$file" "rbd:$img:id=$ID:conf=$CONF")
      record "$test" "$tool" "$s"; log "  $test $tool round $r: ${s}s"
      if section ceiling; then
        w1=$(osd_w)
        read -r shape_ops shape_bytes < <(awk -v a="$w0" -v b="$w1" 'BEGIN { split(a, x, " "); split(b, y, " ");
          print y[1] - x[1], y[2] - x[2] }')
        echo "$test qemu-img $shape_ops $shape_bytes" >> "$tmp/shapes"
        log "  $test qemu-img round $r: the OSD saw $shape_ops writes, $shape_bytes bytes (other clients' writes included)"
      fi ;;
  esac
  t "${RBD[@]}" rm --no-progress "$img" >/dev/null
}
read -r -a IMPORT_TOOLS <<< "${TOOLS:-ours-sparse ours-sparse-warm ours-upload ours-upload-warm rbd-import qemu-img}"
section import || IMPORT_TOOLS=(qemu-img) # the ceiling needs qemu-img's request shape
if section ceiling; then
  "${ADMIN[@]}" tell osd.0 version >/dev/null 2>&1 || {
    log "the ceiling needs the admin key (CEPHFLOW_CEPH_ADMIN_KEYRING): not reachable"; exit 1; }
  osd_data=$("${ADMIN[@]}" osd metadata 0 | jq -r .osd_data)
  if [[ ! -e $osd_data || $(stat -c %d "$osd_data") != $(stat -c %d "$tmp") ]]; then
    log "the OSD's data ($osd_data) is not on the filesystem of $tmp: set BENCH_TMP to a directory on it"; exit 1
  fi
  ddfile=$tmp/dd-direct.out
  osd_fs=$(df --output=source,fstype "$osd_data" | tail -1 | tr -s ' ')
fi
for ((r = 1; r <= ROUNDS; r++)); do
  if section ceiling; then # qemu-img first: the ceiling takes its request shape
    import_one import-1g-random "$random" qemu-img "$r"
    for tool in $(rotate $((r - 1)) ceiling osd-bench dd-direct); do import_one import-1g-random "$random" "$tool" "$r"; done
  fi
  section import || continue
  for input in $INPUTS; do
    file=$([[ $input == import-1g-random ]] && echo "$random" || echo "$sparse")
    for tool in $(rotate $((r - 1)) "${IMPORT_TOOLS[@]}"); do
      [[ $tool == qemu-img && $input == import-1g-random ]] && section ceiling && continue # ran above
      import_one "$input" "$file" "$tool" "$r"
    done
  done
done

# --- snapshot + protect + clone ---------------------------------------------------------------
if section clone || section flatten; then
log "preparing parents: 1 GiB of random data, 4 GiB fully written (rbd bench)"
t "${RBD[@]}" import --no-progress "$random" images/$PREFIXparent-1g >/dev/null
t "${RBD[@]}" create --size 4G images/$PREFIXparent-4g >/dev/null
t "${RBD[@]}" bench --io-type write --io-size 4M --io-threads 16 --io-total 4G --io-pattern seq \
  images/$PREFIXparent-4g >/dev/null
fi
section clone && for ((r = 1; r <= ROUNDS; r++)); do
  for size in 1g 4g; do
    parent=images/$PREFIXparent-$size
    for tool in $(rotate $((r - 1)) ours rbd-cli); do
      child=vms/$PREFIXclone-$size-$tool-$r
      if [[ $tool == ours ]]; then
        line=$(ours_simple snap-protect-clone "$parent" "s-ours-$r" "$child")
        s=$(field seconds "$line")
        record "clone-$size" ours "$s"
        record "clone-$size" ours-wall "$(field wall "$line")"
        log "  clone-$size ours round $r: ${s}s (process $(field wall "$line")s)"
      else
        t0=$(now)
        t "${RBD[@]}" snap create --no-progress "$parent@s-cli-$r" >/dev/null
        t "${RBD[@]}" snap protect "$parent@s-cli-$r" >/dev/null
        t "${RBD[@]}" clone "$parent@s-cli-$r" "$child" >/dev/null
        s=$(elapsed "$t0" "$(now)")
        record "clone-$size" rbd-cli "$s"
        log "  clone-$size rbd-cli round $r: ${s}s"
      fi
      t "${RBD[@]}" rm --no-progress "$child" >/dev/null
    done
  done
done

# --- flatten -----------------------------------------------------------------------------------
if section flatten; then
t "${RBD[@]}" snap create --no-progress images/$PREFIXparent-1g@flat >/dev/null
t "${RBD[@]}" snap protect images/$PREFIXparent-1g@flat >/dev/null
for ((r = 1; r <= ROUNDS; r++)); do
  for tool in $(rotate $((r - 1)) ours rbd-cli); do
    child=vms/$PREFIXflat-$tool-$r
    t "${RBD[@]}" clone images/$PREFIXparent-1g@flat "$child" >/dev/null
    if [[ $tool == ours ]]; then
      line=$(ours_simple flatten "$child")
      s=$(field seconds "$line")
      record flatten-1g ours "$s"
      record flatten-1g ours-wall "$(field wall "$line")"
      log "  flatten-1g ours round $r: ${s}s (process $(field wall "$line")s)"
    else
      s=$(timed "${RBD[@]}" flatten --no-progress "$child")
      record flatten-1g rbd-cli "$s"
      log "  flatten-1g rbd-cli round $r: ${s}s"
    fi
    if [[ $r == 1 ]] && "${RBD[@]}" info "$child" | grep -q '^\s*parent:'; then
      log "FAIL: $child still has a parent after $tool flatten"; exit 1
    fi
    t "${RBD[@]}" rm --no-progress "$child" >/dev/null
  done
done
fi

# --- report ------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
row() { # row TEST TOOL
  local v; mapfile -t v < <(values "$1" "$2")
  ((${#v[@]})) || return 0
  local l; mapfile -t l < <(loads "$1" "$2")
  printf '| %-16s | %-26s | %8s | %-22s | %s |\n' "$1" "$2" "$(median "${v[@]}")" "${v[*]}" \
    "$(printf '%s\n' "${l[@]}" | sort -g | sed -n '1p;$p' | paste -sd- -)"
}
echo
echo "rbd-bench: $(date -u +%Y-%m-%dT%H:%MZ), $ROUNDS rounds, ours with -Xmx$XMX, aio depth $DEPTH," \
  "load average at the start: $load_start"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
  "$(. /etc/os-release; echo "$PRETTY_NAME"), $(rbd --version | cut -d' ' -f1-3), $(qemu-img --version | head -1)," \
  "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| test             | tool                       | median s | runs (s)               | load (1 min) |"
echo "|------------------|----------------------------|---------:|------------------------|--------------|"
for test in import-1g-random import-4g-sparse; do
  for tool in osd-bench dd-direct ceiling ours-sparse ours-sparse-nocreate ours-sparse-wall ours-sparse-warm ours-sparse-warm-nocreate \
      ours-upload ours-upload-nocreate ours-upload-wall ours-upload-warm ours-upload-warm-nocreate \
      ours-upload-sha256 ours-upload-sha256-nocreate ours-upload-sha256-warm ours-upload-sha256-warm-nocreate \
      rbd-import qemu-img; do row "$test" "$tool"; done
done
for test in clone-1g clone-4g flatten-1g; do
  for tool in ours ours-wall rbd-cli; do row "$test" "$tool"; done
done
echo
echo "ratio = best reference median / ours median (>= 1.0: ours is faster)"
if section ceiling; then
  mapfile -t a < <(values import-1g-random osd-bench); ob=$(median "${a[@]}")
  mapfile -t a < <(values import-1g-random dd-direct); dd=$(median "${a[@]}")
  mapfile -t a < <(values import-1g-random ceiling); cb=$(median "${a[@]}")
  mapfile -t a < <(values import-1g-random qemu-img); qi=$(median "${a[@]}")
  echo
  echo "ceiling (1 GiB, medians): ceph tell osd.0 bench $ob s ($(ratio 1024 "$ob") MiB/s, 4 MiB writes inside the OSD);" \
    "dd oflag=direct onto $osd_fs $dd s ($(ratio 1024 "$dd") MiB/s); rbd bench in qemu-img's shape" \
    "($(sort -u "$tmp/ceiling-io" | paste -sd/ -) bytes x 16 in flight) $cb s; qemu-img $qi s"
  echo "qemu-img's writes as the OSD counted them (test ops bytes per round; other clients' writes included):" \
    "$(paste -sd';' "$tmp/shapes")"
fi
echo
echo "| test             | best reference      | ours (in-process)          | ours (process wall)      |"
echo "|------------------|---------------------|----------------------------|--------------------------|"
for test in import-1g-random import-4g-sparse; do
  mapfile -t a < <(values "$test" rbd-import); ri=$(median "${a[@]}")
  mapfile -t a < <(values "$test" qemu-img); qi=$(median "${a[@]}")
  if [[ $ri != - ]] && { [[ $qi == - ]] || awk -v a="$ri" -v b="$qi" 'BEGIN { exit !(a <= b) }'; }; then
    best=$ri; bname=rbd-import
  else
    best=$qi; bname=qemu-img
  fi
  for path in sparse sparse-nocreate sparse-warm sparse-warm-nocreate upload upload-nocreate upload-warm \
      upload-warm-nocreate upload-sha256 upload-sha256-nocreate upload-sha256-warm upload-sha256-warm-nocreate; do
    mapfile -t a < <(values "$test" "ours-$path"); o=$(median "${a[@]}")
    [[ $o == - ]] && continue
    mapfile -t a < <(values "$test" "ours-${path%-nocreate}-wall"); w=$(median "${a[@]}")
    printf '| %-16s | %-19s | %-26s | %-24s |\n' "$test" "$bname $best s" \
      "$path: $(ratio "$best" "$o")" "$([[ $path == *warm* ]] && echo "-" || echo "$path: $(ratio "$best" "$w")")"
  done
done
for test in clone-1g clone-4g flatten-1g; do
  [[ -n $(values "$test" rbd-cli) ]] || continue
  mapfile -t a < <(values "$test" rbd-cli); b=$(median "${a[@]}")
  mapfile -t a < <(values "$test" ours); o=$(median "${a[@]}")
  mapfile -t a < <(values "$test" ours-wall); w=$(median "${a[@]}")
  printf '| %-16s | %-19s | %-26s | %-24s |\n' "$test" "rbd-cli $b s" "$(ratio "$b" "$o")" "$(ratio "$b" "$w")"
done
echo
echo "peak JVM heap over all our imports (sum of heap pools' peaks, -Xmx$XMX): $peak_heap MiB; peak RSS: $peak_rss MiB"
echo "verified by rbd export + sha256: $(cat "$tmp/verified" 2>/dev/null | paste -sd, - | sed "s/,/, /g")"
