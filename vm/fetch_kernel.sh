#!/bin/bash
# fetch_kernel.sh - resolve a kernel to an unpacked directory for the VM.
#
# Usage: vm/fetch_kernel.sh SERIES|PATH
#        vm/fetch_kernel.sh --list-series
#
# SERIES (6.1, 6.12, 7.2, ...) picks the newest Debian arm64 kernel of that
# series known to apt, at run time. PATH is an Image file or a directory
# holding one, used as is. Prints one line on stdout: a directory with
#   Image     what qemu -kernel boots (Debian's vmlinuz, which QEMU unpacks)
#   release   the uname -r string ("custom" when unknown)
#   config    the kernel .config (when known)
#   modules/  lib/modules/<release>, with modules.dep (when known)
# Downloads are unpacked once into $S2CONFORM_CACHE/kernels/<release>_<ver>.
# Exit: 0 ok, 2 bad argument, 3 infrastructure failure.
set -eu
. "$(dirname "$0")/lib.sh"

KDIR=$S2_CACHE/kernels

usage() {
	usage_die "usage: $0 SERIES|PATH | --list-series (valid series: $(list_series | paste -sd ' '))"
}

# Series of every arm64 kernel apt knows, one per line. Debian names them
# linux-image-X.Y.0-ABI-arm64-unsigned (6.1), linux-image-X.Y.Z+debN-arm64-
# unsigned (6.12) and linux-binary[-unsigned]-X.Y.Z+debN-arm64 (7.x).
list_series() {
	{
		apt_cache pkgnames linux-image- | sed -nE \
			's/^linux-image-([0-9]+\.[0-9]+)\.[0-9]+(-[0-9]+|\+deb[0-9]+)-arm64-unsigned$/\1/p'
		apt_cache pkgnames linux-binary- | sed -nE \
			's/^linux-binary(-unsigned)?-([0-9]+\.[0-9]+)\.[0-9]+\+deb[0-9]+-arm64$/\2/p'
	} | sort -uV
}

# Candidates for SERIES as "RELEASE RANK PACKAGE" lines; a lower RANK is
# preferred for the same release (unsigned images: no EFI signature wrapper).
candidates() {
	local s=${1//./\\.}

	apt_cache pkgnames "linux-image-$1." | sed -nE \
		"s/^linux-image-($s\.[0-9]+(-[0-9]+|\+deb[0-9]+)-arm64)-unsigned$/\1 0 &/p"
	apt_cache pkgnames "linux-binary-unsigned-$1." | sed -nE \
		"s/^linux-binary-unsigned-($s\.[0-9]+\+deb[0-9]+-arm64)$/\1 0 &/p"
	apt_cache pkgnames "linux-binary-$1." | sed -nE \
		"s/^linux-binary-($s\.[0-9]+\+deb[0-9]+-arm64)$/\1 1 &/p"
}

# resolve SERIES: sets KREL, KVER and PKGS (pkg:arm64=version ...) for the
# newest downloadable kernel of SERIES. Returns 1 if there is none.
resolve() {
	local krel _rank pkg ver extra v

	while read -r krel _rank pkg; do
		ver=$(apt_candidate "$pkg:arm64")
		[ -n "$ver" ] || continue
		KREL=$krel KVER=$ver PKGS=("$pkg:arm64=$ver")
		# 7.x splits the kernel: modules, and modules.builtin/order
		# (needed by depmod and modprobe) in linux-base.
		case $pkg in linux-binary*)
			for extra in linux-modules linux-base; do
				v=$(apt_candidate "$extra-$krel:arm64")
				if [ -n "$v" ]; then
					PKGS+=("$extra-$krel:arm64=$v")
				else
					log "warning: no $extra-$krel package"
				fi
			done
		esac
		return 0
	done < <(candidates "$1" | sort -k1,1Vr -k2,2n)
	return 1
}

# Image format, for the log: QEMU unpacks gzip and EFI zboot images itself.
image_format() {
	local magic

	magic=$(od -An -tx1 -N2 "$1" | tr -d ' ')
	case $magic in
	1f8b) echo gzip ;;
	4d5a) if [ "$(dd if="$1" bs=1 skip=4 count=4 2>/dev/null)" = zimg ]; then
		echo "EFI zboot"
	else
		echo "uncompressed"
	fi ;;
	*) echo "unknown format" ;;
	esac
}

# unpack ROOT STAGE: lay out Image, release, config and modules/ in STAGE
# from the packages unpacked in ROOT, and generate modules.dep.
unpack() {
	local root=$1 stage=$2 f m mods=

	for m in "$root/lib/modules/$KREL" "$root/usr/lib/modules/$KREL"; do
		[ -d "$m" ] && mods=$m && break
	done
	[ -n "$mods" ] || die "no modules for $KREL in ${PKGS[*]}"
	mkdir -p "$stage/lib/modules"
	# 6.x keeps these in /boot; 7.x in the modules directory.
	for f in "$root/boot/vmlinuz-$KREL" "$mods/vmlinuz.unsigned" "$mods/vmlinuz"; do
		[ -f "$f" ] && mv "$f" "$stage/Image" && break
	done
	[ -f "$stage/Image" ] || die "no vmlinuz for $KREL in ${PKGS[*]}"
	for f in "$root/boot/config-$KREL" "$mods/config"; do
		[ -f "$f" ] && mv "$f" "$stage/config" && break
	done
	[ -f "$stage/config" ] || log "warning: no config for $KREL in the packages"
	for f in "$root/boot/System.map-$KREL" "$mods/System.map"; do
		[ -f "$f" ] && mv "$f" "$stage/System.map" && break
	done
	rm -rf "$mods/dtb" "$mods"/vmlinuz*
	mv "$mods" "$stage/lib/modules/$KREL"
	# Debian ships no modules.dep (the postinst makes it); the host's
	# depmod reads arm64 modules fine.
	depmod -b "$stage" "$KREL" || die "depmod for $KREL failed"
	mv "$stage/lib/modules/$KREL" "$stage/modules"
	rm -r "${stage:?}/lib"
	echo "$KREL" >"$stage/release"
	printf '%s\n' "${PKGS[@]}" >"$stage/packages"
}

# fetch_series SERIES: print the cached directory, downloading it if needed.
fetch_series() {
	local series=$1 key dest t0 fmt

	if ! resolve "$series"; then
		apt_update || die "apt-get update failed; cannot look up $series"
		resolve "$series" || usage_die \
			"no arm64 kernel for series $series; valid: $(list_series | paste -sd ' ')"
	fi
	key=${KREL}_${KVER//:/%}
	dest=$KDIR/$key
	if [ -f "$dest/.done" ]; then
		echo "$dest"
		return
	fi

	mkdir -p "$KDIR" || die "cannot create $KDIR"
	# Concurrent callers (make -j, two runs) wait for one download.
	exec 9>"$KDIR/.lock-$key"
	flock 9 || die "cannot lock $KDIR/.lock-$key"
	if [ -f "$dest/.done" ]; then
		echo "$dest"
		return
	fi
	rm -rf "$dest"

	t0=$(now)
	log "downloading ${PKGS[*]%%:*} ($series)"
	s2_mktemp "$KDIR"
	apt_fetch "$S2_TMP/root" "${PKGS[@]}"
	log "downloaded $((S2_FETCHED_BYTES / 1048576)) MiB in $(since "$t0") s; unpacking"
	unpack "$S2_TMP/root" "$S2_TMP/kernel"
	fmt=$(image_format "$S2_TMP/kernel/Image")
	mv "$S2_TMP/kernel" "$dest" || die "cannot move the kernel to $dest"
	touch "$dest/.done"
	log "kernel $KREL ready in $dest ($fmt Image, $(since "$t0") s)"
	echo "$dest"
}

# fetch_path PATH: an Image file or a directory with one. A directory that
# already has Image and release is used as is; otherwise a wrapper directory
# of symlinks is made in the cache, so callers can rely on the layout.
fetch_path() {
	local p=$1 dir img w

	[ -e "$p" ] || usage_die "no kernel at $p"
	if [ -d "$p" ]; then
		dir=$(cd "$p" && pwd)
		img=$dir/Image
	else
		dir=$(cd "$(dirname "$p")" && pwd)
		img=$dir/$(basename "$p")
	fi
	[ -f "$img" ] || usage_die "no kernel image at $img"
	if [ "$img" = "$dir/Image" ] && [ -f "$dir/release" ]; then
		echo "$dir"
		return
	fi
	w=$KDIR/custom-$(printf '%s' "$img" | sha256sum | cut -c1-16)
	mkdir -p "$w" || die "cannot create $w"
	ln -sfn "$img" "$w/Image"
	if [ -f "$dir/release" ]; then
		cp "$dir/release" "$w/release"
	else
		echo custom >"$w/release"
	fi
	[ ! -f "$dir/config" ] || ln -sfn "$dir/config" "$w/config"
	[ ! -d "$dir/modules" ] || ln -sfn "$dir/modules" "$w/modules"
	echo "$w"
}

main() {
	[ $# -eq 1 ] || usage
	case $1 in
	--list-series)
		list_series | grep . || {
			apt_update || die "apt-get update failed"
			list_series | grep . || die "apt knows no arm64 kernels"
		}
		;;
	-*) usage ;;
	*/*) fetch_path "$1" ;;
	[0-9]*.[0-9]*)
		if [[ $1 =~ ^[0-9]+\.[0-9]+$ ]]; then
			fetch_series "$1"
		elif [ -e "$1" ]; then
			fetch_path "$1"
		else
			usage
		fi
		;;
	*) [ -e "$1" ] || usage; fetch_path "$1" ;;
	esac
}

main "$@"
