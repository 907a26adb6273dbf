#!/bin/sh
# deps.sh - install what s2conform needs, idempotently.
#
# On x86_64 (VM mode): the aarch64 cross compiler, QEMU 10.x from
# bookworm-backports, kmod/cpio/xz for the initramfs, and the arm64 foreign
# architecture so Debian's arm64 kernels and busybox can be fetched with
# `apt-get download`; libnuma-dev:arm64, linked into the tests statically.
# On arm64 (direct mode) a native compiler and libnuma-dev.
#
# The mirror is never named here: the URI is read from the machine's own apt
# sources and reused for the extra suites, which are pinned low so nothing on
# the host is upgraded from them.
#
# Usage: vm/deps.sh [--check]   (--check: exit 1 if something is missing)
set -eu

SOURCES=/etc/apt/sources.list.d/s2conform.sources
PREFS=/etc/apt/preferences.d/s2conform

log() { printf 's2conform-deps: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 3; }

host_arch=$(uname -m)

qemu_ok() {
	command -v qemu-system-aarch64 >/dev/null 2>&1 || return 1
	v=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ "${v:-0}" -ge 10 ]
}

missing() {
	if [ "$host_arch" = aarch64 ]; then
		command -v gcc >/dev/null 2>&1 || echo gcc
		command -v make >/dev/null 2>&1 || echo make
		[ -f /usr/lib/aarch64-linux-gnu/libnuma.a ] || echo libnuma
		return 0
	fi
	command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || echo cross
	# The tests link libnuma statically: the arm64 build of its -dev.
	[ -f /usr/lib/aarch64-linux-gnu/libnuma.a ] || echo libnuma
	command -v make >/dev/null 2>&1 || echo make
	qemu_ok || echo qemu
	command -v qemu-aarch64 >/dev/null 2>&1 || echo qemu-user
	for t in cpio xz depmod dtc fdtput busybox rsync; do
		command -v "$t" >/dev/null 2>&1 || echo "$t"
	done
	dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64 ||
		echo arm64-arch
	[ -f "$SOURCES" ] || echo sources
}

# The first URI that serves the bookworm suite, from either sources format.
mirror_uri() {
	{
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] && [ "$f" != "$SOURCES" ] || continue
			awk '/^URIs:/ { u = $2 }
			     /^Suites:/ && / bookworm( |$)/ { print u }' "$f"
		done
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
			2>/dev/null | awk '$1 == "deb" && $3 == "bookworm" {
				for (i = 2; i <= NF; i++)
					if ($i ~ /^[a-z]+:\/\//) { print $i; exit }
			}'
	} | grep -v security | head -n 1
}

add_sources() {
	uri=$(mirror_uri)
	[ -n "$uri" ] || die "no bookworm URI in the apt sources to reuse"
	log "adding bookworm-backports and sid from the configured mirror"
	cat >"$SOURCES" <<EOF
# Added by s2conform vm/deps.sh: QEMU 10 from backports; arm64 kernels,
# headers and sid toolchains are only downloaded, never installed.
Types: deb
URIs: $uri
Suites: bookworm-backports sid
Components: main
Architectures: amd64 arm64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	cat >"$PREFS" <<'EOF'
Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100

Package: *
Pin: release n=sid
Pin-Priority: 50
EOF
}

# apt-get that waits (bounded) for another apt or dpkg holding the lock,
# instead of failing at once with "Could not get lock".
apt_get() {
	apt-get -o DPkg::Lock::Timeout=300 "$@"
}

install() {
	[ "$(id -u)" = 0 ] || die "missing dependencies ($*); run as root"
	export DEBIAN_FRONTEND=noninteractive
	if [ "$host_arch" = aarch64 ]; then
		apt_get update -qq &&
			apt_get install -y -qq gcc make libc6-dev libnuma-dev
		return
	fi
	dpkg --add-architecture arm64
	[ -f "$SOURCES" ] || add_sources
	apt_get -o Acquire::Check-Valid-Until=false update -qq ||
		die "apt-get update failed"
	apt_get install -y -qq --no-install-recommends \
		gcc-aarch64-linux-gnu libc6-dev-arm64-cross make cpio \
		xz-utils kmod device-tree-compiler busybox rsync \
		libnuma-dev:arm64 ||
		die "installing the cross toolchain failed"
	apt_get install -y -qq --no-install-recommends -t bookworm-backports \
		qemu-system-arm qemu-user ||
		die "installing QEMU from backports failed"
	qemu_ok || die "qemu-system-aarch64 is not version 10 or newer"
}

need=$(missing | tr '\n' ' ')
if [ -z "$need" ]; then
	exit 0
fi
if [ "${1:-}" = --check ]; then
	log "missing: $need"
	exit 1
fi
log "installing: $need"
install $need
need=$(missing | tr '\n' ' ')
[ -z "$need" ] || die "still missing after install: $need"
log "done"
