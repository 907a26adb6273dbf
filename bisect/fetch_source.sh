#!/bin/bash
# fetch_source.sh - unpack Debian's linux-source-SERIES into the cache.
#
# Usage: bisect/fetch_source.sh SERIES     (6.12, 7.2, ...)
#
# Downloads the newest linux-source-SERIES package apt knows (apt-get
# download, through the machine's apt sources), extracts its tarball once
# into ${S2CONFORM_CACHE:-~/.cache/s2conform}/src/linux-source-<version>
# and prints that directory: a kernel tree oracle.sh can build (it is not a
# git tree; for a bisect, clone the kernel's git history instead).
# Exit: 0 ok, 2 bad usage, 3 download or unpack failure.
set -eu
. "$(dirname "$0")/../vm/lib.sh"

[ $# -eq 1 ] && [[ $1 =~ ^[0-9]+\.[0-9]+$ ]] ||
	usage_die "usage: $0 SERIES (for example 7.2)"
pkg=linux-source-$1
ver=$(apt_candidate "$pkg")
if [ -z "$ver" ]; then
	apt_update || die "apt-get update failed"
	ver=$(apt_candidate "$pkg")
	[ -n "$ver" ] || usage_die "apt knows no $pkg"
fi
dest=$S2_CACHE/src/$pkg-${ver//:/%}
if [ -f "$dest/.done" ]; then
	echo "$dest"
	exit 0
fi
mkdir -p "$S2_CACHE/src" || die "cannot create $S2_CACHE/src"
exec 9>"$dest.lock"
flock 9 || die "cannot lock $dest.lock"
if [ ! -f "$dest/.done" ]; then
	t0=$(now)
	rm -rf "$dest"
	s2_mktemp "$S2_CACHE/src"
	log "downloading $pkg $ver"
	apt_fetch "$S2_TMP/deb" "$pkg=$ver"
	tarball=$(find "$S2_TMP/deb/usr/src" -name "linux-source-*.tar.*" | head -n 1)
	[ -n "$tarball" ] || die "no tarball in $pkg"
	log "downloaded $((S2_FETCHED_BYTES / 1048576)) MiB; extracting ${tarball##*/}"
	mkdir -p "$S2_TMP/src"
	tar -C "$S2_TMP/src" -xf "$tarball" || die "cannot extract $tarball"
	top=$(find "$S2_TMP/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	[ -f "$top/Makefile" ] || die "no kernel tree in $tarball"
	mv "$top" "$dest" || die "cannot move the tree to $dest"
	touch "$dest/.done"
	log "$pkg $ver in $dest ($(since "$t0") s)"
fi
echo "$dest"
