#!/usr/bin/env bash
# Writes a small bootable raw disk (no download): a boot sector that prints
# "BOOT-OK <tag>" on the serial console, padded to 64 MiB with a little data.
set -euo pipefail
out=${1:?usage: sample-image.sh OUTPUT}
here=$(cd "$(dirname "$0")" && pwd)
asm="$here/../activities/src/test/resources/io/cephflow/libvirt/boot-sector.asm"
[ -f "$out" ] && exit 0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
nasm -f bin -o "$tmp/boot.bin" "$asm"
cp "$tmp/boot.bin" "$tmp/disk.raw"
printf 'CEPHFLOW' | dd of="$tmp/disk.raw" bs=512 seek=1 conv=notrunc status=none
truncate -s 64M "$tmp/disk.raw"
head -c 1M /dev/urandom | dd of="$tmp/disk.raw" bs=1M seek=32 conv=notrunc status=none
mv "$tmp/disk.raw" "$out"
echo "$out"
