#!/usr/bin/env bash
# `cephflow completion zsh` in a real zsh line editor (zsh -f: no user rc files): the script
# loads with compinit and bashcompinit without a word on stderr, and TAB turns `cephflow im`
# into `cephflow image `, `cephflow image up` into `... upload `, `--disk-f` into
# `--disk-format ` and its value `q` into `qcow2 `. Needs the CLI built (mvn -q -DskipTests
# package), no stack. Installs zsh when missing. ~2 s (dev/cli-test.sh runs it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cd "$repo"
if ! command -v zsh >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends zsh >/dev/null \
    || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends zsh >/dev/null; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$repo/bin/cephflow" completion zsh >"$tmp/cephflow.zsh"

# what a TAB does in a real zsh line editor: an interactive `zsh -f -i` in a pseudo-terminal
# (zsh/zpty) sources the script (its stderr kept apart), then for each line typed it presses
# TAB and a key bound to a widget that writes the edited line to a file, and clears the line
cat >"$tmp/drive.zsh" <<'ZSH'
tmp=$1; shift
zmodload zsh/zpty || exit 5
zpty z "ZDOTDIR=$tmp zsh -f -i"
zpty -w z "PS1='%% '; source $tmp/cephflow.zsh 2>$tmp/load.err && print -r LOADED\$((1+1)); zle -N dump; dump() { print -r -- \"\$BUFFER\" >$tmp/buffer.tmp && mv $tmp/buffer.tmp $tmp/buffer }; bindkey '^X^B' dump"
out="" end=$((SECONDS + 20))
while (( SECONDS < end )) && [[ $out != *LOADED2* ]]; do zpty -r -t z line && out+=$line || sleep 0.05; done
[[ $out == *LOADED2* ]] || { print -u2 "the script did not load: ${(q+)out}"; exit 3; }
for typed in "$@"; do
  rm -f $tmp/buffer
  zpty -w -n z "$typed"$'\t'
  sleep 0.3 # not needed for the result (ZLE reads the next key only after the completion), kept as slack
  zpty -w -n z $'\C-x\C-b'
  end=$((SECONDS + 10))
  while (( SECONDS < end )) && [[ ! -e $tmp/buffer ]]; do zpty -r -t z line; sleep 0.05; done
  print -r -- "$(<$tmp/buffer)"
  zpty -w -n z $'\C-u'
done
zpty -d z
ZSH

pass=0 fail=0
lines=("cephflow im" "cephflow image up" "cephflow image upload --disk-f" "cephflow image upload --disk-format q")
want=("cephflow image " "cephflow image upload " "cephflow image upload --disk-format " "cephflow image upload --disk-format qcow2 ")
echo "== cli-completion-test: bin/cephflow completion zsh in zsh $(zsh --version | cut -d' ' -f2)"
rc=0
timeout 60 zsh -f "$tmp/drive.zsh" "$tmp" "${lines[@]}" >"$tmp/got" 2>"$tmp/err" || rc=$?
if [ "$rc" = 0 ] && [ ! -s "$tmp/load.err" ]; then
  pass=$((pass + 1)); echo "  ok   the script loads in zsh -f with compinit, nothing on stderr"
else
  fail=$((fail + 1)); echo "  FAIL the script loads in zsh: exit $rc"
  cat "$tmp/err" "$tmp/load.err" 2>/dev/null | sed 's/^/       err: /' | head -8
fi
mapfile -t got <"$tmp/got"
for i in "${!lines[@]}"; do
  if [ "${got[$i]:-}" = "${want[$i]}" ]; then
    pass=$((pass + 1)); echo "  ok   '${lines[$i]}<TAB>' becomes '${want[$i]}'"
  else
    fail=$((fail + 1)); echo "  FAIL '${lines[$i]}<TAB>' became '${got[$i]:-}', expected '${want[$i]}'"
  fi
done
echo "cli-completion-test: $pass passed, $fail failed"
[ "$fail" = 0 ]
