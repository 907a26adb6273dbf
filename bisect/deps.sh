#!/bin/sh
# deps.sh - install what bisect/oracle.sh needs to build arm64 kernels.
#
# The kernel build's host tools (flex, bison, bc, libssl/libelf headers,
# perl, cpio), the aarch64 cross compiler, and ccache, which keeps compiled
# objects between bisect steps. The VM side (QEMU, busybox...) is
# vm/deps.sh's; oracle.sh runs both. Packages come from the distribution's
# default suite through the machine's own apt sources.
#
# Usage: bisect/deps.sh [--check]   (--check: exit 1 if something is missing)
set -eu

log() { printf 's2conform-bisect-deps: %s\n' "$*" >&2; }

# "command package" pairs: a command missing means its package is installed.
TOOLS="make:make gcc:gcc flex:flex bison:bison bc:bc perl:perl cpio:cpio
xz:xz-utils ccache:ccache openssl:openssl"

missing() {
	for t in $TOOLS; do
		command -v "${t%%:*}" >/dev/null 2>&1 || echo "${t#*:}"
	done
	if [ "$(uname -m)" != aarch64 ]; then
		command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 ||
			echo gcc-aarch64-linux-gnu
	fi
	# Headers for scripts/sign-file, certs/extract-cert and objtool.
	for h in openssl/opensslv.h:libssl-dev gelf.h:libelf-dev; do
		[ -f "/usr/include/${h%%:*}" ] || echo "${h#*:}"
	done
	return 0
}

pkgs=$(missing | sort -u | tr '\n' ' ')
if [ "${1:-}" = --check ]; then
	[ -z "$pkgs" ] && exit 0
	log "missing: $pkgs"
	exit 1
fi
[ -z "$pkgs" ] && exit 0
[ "$(id -u)" = 0 ] || { log "missing $pkgs; run as root to install them"; exit 3; }
log "installing $pkgs"
out=$(mktemp) || exit 3
trap 'rm -f "$out"' EXIT
install() {
	# shellcheck disable=SC2086 # a list of package names
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $pkgs >"$out" 2>&1
}
install || {
	apt-get -o Acquire::Check-Valid-Until=false update -qq >"$out" 2>&1 &&
	install
} || { cat "$out" >&2; log "error: apt-get install $pkgs failed"; exit 3; }
pkgs=$(missing | tr '\n' ' ')
[ -z "$pkgs" ] || { log "error: still missing after install: $pkgs"; exit 3; }
