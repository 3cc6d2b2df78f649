#!/usr/bin/env bash
# Installs a tracelab .deb into a fresh Debian 12 root made by debootstrap and runs it there: the command line,
# then the app under Xvfb (a screenshot). Needs root, debootstrap and network access to deb.debian.org.
#   sudo packaging/check-deb-in-chroot.sh build/tracelab_0.1.0_amd64.deb [ROOT_DIR]
set -euo pipefail
deb=$(realpath "$1")
root=${2:-/tmp/tracelab-deb12}
[ -d "$root/usr" ] || debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
cp "$deb" "$root/tmp/tracelab.deb"
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true' EXIT
chroot "$root" bash -euxc '
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends /tmp/tracelab.deb
  dpkg -L tracelab | grep -E "bin/tracelab|tracelab.desktop|tracelab.svg"
  tracelab simulate --format text --latency payments=500
  tracelab scenario --drop "orders->payments" -o /tmp/s.json
  tracelab simulate --scenario /tmp/s.json --format text
  apt-get install -y -q --no-install-recommends xvfb xauth
  xvfb-run -a -s "-screen 0 1280x800x24" tracelab --screenshot /tmp/deb-shot.png --size 1280x800
'
echo "ok: installed and ran in $root (screenshot: $root/tmp/deb-shot.png)"
