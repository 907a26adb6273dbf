#!/bin/bash
# fetch_kernel.sh - resolve a kernel to an unpacked directory for the VM.
#
# Usage: vm/fetch_kernel.sh ALIAS[=VERSION] | PATH
#        vm/fetch_kernel.sh --list-series | --list-aliases | --list-kernels
#
# ALIAS is a Debian arm64 kernel: SERIES (6.1, 6.12, 7.2) is its generic
# flavour, SERIES-FLAVOUR another one the mirror has (7.2-16k, 7.2-rt,
# 7.2-cloud); the newest version apt knows, or with =VERSION exactly that
# package version (7.2=7.2.13-1). PATH is what a kernel developer has:
#   - a bare Image (uncompressed, gzip or EFI zboot), or a directory with
#     one and nothing else;
#   - a build tree, O= directory or in-tree (arch/arm64/boot/Image, .config,
#     Module.symvers, System.map, the built modules);
#   - a modules_install tree (INSTALL_MOD_PATH: lib/modules/RELEASE, the
#     Image in boot/ or the tree behind lib/modules/RELEASE/build);
#   - a kernel .deb (Debian's or `make bindeb-pkg`'s);
#   - a directory this script made (Image and release), used as is.
# Prints one line on stdout: a directory with
#   Image     what qemu -kernel boots (QEMU unpacks gzip and EFI zboot)
#   release   the uname -r string, from the Image's own version string
#   config    the kernel .config, when known (also from IKCONFIG)
#   modules/  lib/modules/<release> with modules.dep, when it has modules
#   packages  NAME:ARCH=VERSION of every package it came from (Debian)
#   build     the build tree (Module.symvers) the fixture builds against
#   source    what PATH was ("build tree", "bare Image", ...)
# Downloads are unpacked once into $S2CONFORM_CACHE/kernels/<release>_<ver>.
# S2_OFFLINE=1: the cache only, no apt-get update, no download.
# Exit: 0 ok, 2 bad argument, 3 infrastructure failure.
set -eu
. "$(dirname "$0")/lib.sh"

KDIR=$S2_CACHE/kernels
OFFLINE=${S2_OFFLINE:-0}
[ "$OFFLINE" = 0 ] || OFFLINE=1

usage() {
	usage_die "usage: $0 ALIAS[=VERSION]|PATH | --list-series | --list-aliases | --list-kernels (aliases: $(list_aliases | paste -sd ' '))"
}

# The Debian package names of arm64 kernels, "RELEASE RANK PACKAGE" lines
# for SERIES (a regex-quoted X.Y) or every series: linux-image-X.Y.0-ABI-
# FLAVOUR-unsigned (6.1), linux-image-X.Y.Z+debN-FLAVOUR-unsigned (6.12),
# linux-binary[-unsigned]-X.Y.Z+debN-FLAVOUR (7.x). FLAVOUR is arm64,
# arm64-16k, rt-arm64, cloud-arm64... A lower RANK is preferred for the same
# release (unsigned images: no EFI signature wrapper).
KREL_TAIL='\.[0-9]+(-[0-9]+|\+deb[0-9.]+)-([a-z0-9]+-)?arm64(-[a-z0-9]+)?'
KREL_RE="[0-9]+\\.[0-9]+$KREL_TAIL"
candidates() {
	local p=${1:-} s

	s=${p//./\\.}
	s=${s:-[0-9]+\\.[0-9]+}
	{
		apt_cache pkgnames "linux-image-$p" | sed -nE \
			"s/^linux-image-(($s)$KREL_TAIL)-unsigned$/\\1 0 &/p"
		apt_cache pkgnames "linux-binary-unsigned-$p" | sed -nE \
			"s/^linux-binary-unsigned-(($s)$KREL_TAIL)$/\\1 0 &/p"
		apt_cache pkgnames "linux-binary-$p" | sed -nE \
			"s/^linux-binary-(($s)$KREL_TAIL)$/\\1 1 &/p"
	} | awk '$3 !~ /-dbg$/'
}

# flavour_of RELEASE: "" for the generic arm64 flavour, else 16k, rt,
# cloud... (the flavour with "arm64" taken out); alias_of RELEASE: the
# alias that names it (7.2, 7.2-16k).
flavour_of() {
	local f

	f=$(sed -E 's/^[0-9]+\.[0-9]+\.[0-9]+(-[0-9]+|\+deb[0-9.]+)-//' <<<"$1")
	f=${f/arm64/}
	f=${f#-}
	echo "${f%-}"
}
alias_of() {
	local f

	f=$(flavour_of "$1")
	echo "$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$1")${f:+-$f}"
}

# The kernels in the cache, "RELEASE VERSION DIR" lines.
cached() {
	local d b

	for d in "$KDIR"/*_*/; do
		[ -f "$d/.done" ] || continue
		b=$(basename "$d")
		[[ ${b%%_*} =~ ^$KREL_RE$ ]] || continue
		echo "${b%%_*} ${b#*_} ${d%/}"
	done | sed 's/%/:/g'
}

# Aliases the mirror (or, offline, the cache) has, one per line.
list_aliases() {
	if [ "$OFFLINE" = 1 ]; then
		cached | while read -r krel _ _; do alias_of "$krel"; done
	else
		candidates | while read -r krel _ _; do alias_of "$krel"; done
	fi | sort -uV
}

# Series with a generic flavour: what "all" means.
list_series() {
	list_aliases | grep -E '^[0-9]+\.[0-9]+$' || true
}

# has_version PACKAGE VERSION: apt knows that exact version.
has_version() {
	apt_cache madison "$1" 2>/dev/null |
		awk -F'|' -v v="$2" '{ gsub(/ /, "", $2) } $2 == v { f = 1 } END { exit !f }'
}

# resolve ALIAS [VERSION]: sets KREL, KVER and PKGS (pkg:arm64=version ...)
# for the newest downloadable kernel of ALIAS, or the one of VERSION.
# Returns 1 if there is none.
resolve() {
	local alias=$1 pin=${2:-} series=${1%%-*} krel _rank pkg ver extra v

	while read -r krel _rank pkg; do
		[ "$(alias_of "$krel")" = "$alias" ] || continue
		if [ -n "$pin" ]; then
			has_version "$pkg:arm64" "$pin" || continue
			ver=$pin
		else
			ver=$(apt_candidate "$pkg:arm64")
			[ -n "$ver" ] || continue
		fi
		KREL=$krel KVER=$ver PKGS=("$pkg:arm64=$ver")
		# 7.x splits the kernel: modules, and modules.builtin/order
		# (needed by depmod and modprobe) in linux-base.
		case $pkg in linux-binary*)
			for extra in linux-modules linux-base; do
				v=$ver
				[ -n "$pin" ] || v=$(apt_candidate "$extra-$krel:arm64")
				if [ -n "$v" ]; then
					PKGS+=("$extra-$krel:arm64=$v")
				else
					log "warning: no $extra-$krel package"
				fi
			done
		esac
		return 0
	done < <(candidates "$series" | sort -k1,1Vr -k2,2n)
	return 1
}

# resolve_cached ALIAS [VERSION]: the newest cached kernel of ALIAS (of
# VERSION), printed. Returns 1 if the cache has none.
resolve_cached() {
	local krel ver dir best=

	while read -r krel ver dir; do
		[ "$(alias_of "$krel")" = "$1" ] || continue
		[ -z "${2:-}" ] || [ "$ver" = "$2" ] || continue
		best=$dir
	done < <(cached | sort -k1,1V -k2,2V)
	[ -n "$best" ] && echo "$best"
}

# Image format: QEMU unpacks gzip and EFI zboot images itself.
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
	*) if [ "$(dd if="$1" bs=1 skip=56 count=4 2>/dev/null)" = ARMd ]; then
		echo "uncompressed"
	else
		echo "unknown format"
	fi ;;
	esac
}

# le32 FILE OFFSET: the little-endian 32-bit word at OFFSET.
le32() { od -An -tu4 -j"$2" -N4 "$1" | tr -d ' '; }

# raw_image IMAGE OUT: the uncompressed Image in OUT (a gzip or zboot
# Image unpacked; an uncompressed one linked). Returns 1 if it cannot.
raw_image() {
	local img=$1 out=$2 off size comp

	case $(image_format "$img") in
	uncompressed) ln -sfn "$img" "$out" ;;
	gzip) gzip -dc "$img" >"$out" 2>/dev/null ;;
	"EFI zboot")
		# The zboot header: payload offset and size at 8 and 12, the
		# compression's name at 24 (drivers/firmware/efi/libstub).
		off=$(le32 "$img" 8)
		size=$(le32 "$img" 12)
		comp=$(dd if="$img" bs=1 skip=24 count=8 2>/dev/null | tr -d '\0')
		case $comp in
		gzip) comp="gzip -dc" ;;
		zstd | zstd22) comp="zstd -dcq" ;;
		xzkern | xz) comp="xz -dc" ;;
		lzma) comp="xz -dc --format=lzma" ;;
		lz4) comp="lz4 -dc" ;;
		bzip2) comp="bzip2 -dc" ;;
		*) return 1 ;;
		esac
		tail -c +$((off + 1)) "$img" | head -c "$size" | $comp >"$out" 2>/dev/null ;;
	*) return 1 ;;
	esac
}

# image_release RAW: the release of the Image's "Linux version" banner.
image_release() {
	grep -a -o -m 1 'Linux version [0-9][^ ]* (' "$1" | head -n 1 |
		awk '{ print $3 }'
}

# image_config RAW OUT: the config built in with CONFIG_IKCONFIG, a gzip
# stream between the IKCFG_ST and IKCFG_ED markers (kernel/configs.c).
image_config() {
	local off

	off=$(grep -a -b -o -m 1 'IKCFG_ST' "$1" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || return 1
	# gzip stops at the end of its stream and warns of what follows.
	tail -c +$((off + 9)) "$1" | gzip -dc 2>/dev/null >"$2.tmp" || true
	grep -q '^CONFIG_' "$2.tmp" 2>/dev/null || { rm -f "$2.tmp"; return 1; }
	mv "$2.tmp" "$2"
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
	rm -rf "$mods/dtb" "$mods"/vmlinuz* "$mods/build" "$mods/source"
	mv "$mods" "$stage/lib/modules/$KREL"
	# Debian ships no modules.dep (the postinst makes it); the host's
	# depmod reads arm64 modules fine.
	depmod -b "$stage" "$KREL" || die "depmod for $KREL failed"
	mv "$stage/lib/modules/$KREL" "$stage/modules"
	rm -r "${stage:?}/lib"
	echo "$KREL" >"$stage/release"
	printf '%s\n' "${PKGS[@]}" >"$stage/packages"
}

# fetch_alias ALIAS [VERSION]: print the cached directory, downloading it
# if needed.
fetch_alias() {
	local alias=$1 pin=${2:-} key dest t0 fmt what=$1${2:+=$2}

	if [ "$OFFLINE" = 1 ]; then
		resolve_cached "$alias" "$pin" && return
		die "offline: no cached kernel for $what (cached: $(cached |
			while read -r k v _; do printf '%s=%s ' "$(alias_of "$k")" "$v"; done))"
	fi
	if ! resolve "$alias" "$pin"; then
		apt_update || die "apt-get update failed; cannot look up $what"
		resolve "$alias" "$pin" || usage_die \
			"no arm64 kernel $what; known: $(list_aliases | paste -sd ' ')"
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
	log "downloading ${PKGS[*]%%:*} ($what)"
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

# tree_modules TREE RELEASE STAGE: the modules a build tree built, laid out
# as modules_install would (kernel/PATH.ko, modules.order, modules.builtin),
# with modules.dep. Nothing when the tree built none.
tree_modules() {
	local tree=$1 rel=$2 m=$3/lib/modules/$2 o ko f

	[ -s "$tree/modules.order" ] || return 0
	mkdir -p "$m/kernel"
	while read -r o; do
		ko=${o%.o}
		ko=${ko%.ko}.ko
		[ -f "$tree/$ko" ] || usage_die "$tree: $ko is in modules.order but not built (run make modules)"
		mkdir -p "$m/kernel/$(dirname "$ko")"
		cp "$tree/$ko" "$m/kernel/$ko"
		echo "kernel/$ko"
	done <"$tree/modules.order" >"$m/modules.order"
	for f in modules.builtin modules.builtin.modinfo; do
		[ ! -f "$tree/$f" ] || cp "$tree/$f" "$m/$f"
	done
	depmod -b "$3" "$rel" || die "depmod for $rel failed"
	mv "$m" "$3/modules"
	rm -r "${3:?}/lib"
}

# The parts of PATH, by kind: sets KIND, IMG, CFG, TREE, MODS (a modules
# directory), DEB.
classify() {
	local p=$1 d r

	KIND='' IMG='' CFG='' TREE='' MODS='' DEB=''
	if [ -f "$p" ]; then
		case $p in
		*.deb) KIND=".deb"; DEB=$p; return ;;
		esac
		KIND="bare Image" IMG=$p
		return
	fi
	d=$p
	if [ -f "$d/arch/arm64/boot/Image" ]; then
		KIND="build tree" IMG=$d/arch/arm64/boot/Image TREE=$d
		[ ! -f "$d/.config" ] || CFG=$d/.config
		return
	fi
	for r in "$d"/lib/modules/*/; do
		[ -d "$r" ] || continue
		r=${r%/}
		KIND="modules_install tree" MODS=$r
		r=${r##*/}
		if [ -f "$MODS/build/arch/arm64/boot/Image" ]; then
			TREE=$(cd "$MODS/build" && pwd -P)
			IMG=$TREE/arch/arm64/boot/Image
			[ ! -f "$TREE/.config" ] || CFG=$TREE/.config
		fi
		for f in "$d/boot/vmlinuz-$r" "$d/boot/Image-$r" "$d/boot/Image" "$d/Image"; do
			[ -f "$f" ] && IMG=$f && break
		done
		for f in "$d/boot/config-$r" "$MODS/config"; do
			[ -f "$f" ] && CFG=$f && break
		done
		[ -n "$IMG" ] || usage_die "$d: modules for $r but no Image (boot/vmlinuz-$r, Image, or a build tree behind lib/modules/$r/build)"
		return
	done
	[ -f "$d/Image" ] || usage_die "no kernel at $d: want an Image, a build tree (arch/arm64/boot/Image), a modules_install tree (lib/modules/RELEASE) or a .deb"
	KIND="bare Image" IMG=$d/Image
	[ ! -f "$d/config" ] || CFG=$d/config
	[ ! -d "$d/modules" ] || MODS=$d/modules
}

# fetch_path PATH: lay out what PATH holds in a cache directory of its own.
fetch_path() {
	local p=$1 w rel raw t0 f

	[ -e "$p" ] || usage_die "no kernel at $p"
	p=$(cd "$(dirname "$p")" && pwd -P)/$(basename "$p")
	# A directory already laid out (this script's own, oracle.sh's).
	if [ -d "$p" ] && [ -f "$p/Image" ] && [ -f "$p/release" ]; then
		echo "$p"
		return
	fi
	classify "$p"
	w=$KDIR/path-$(printf '%s' "$p" | sha256sum | cut -c1-16)
	mkdir -p "$KDIR" || die "cannot create $KDIR"
	exec 9>"$w.lock"
	flock 9 || die "cannot lock $w.lock"
	rm -rf "$w"
	mkdir -p "$w" || die "cannot create $w"
	t0=$(now)
	if [ -n "$DEB" ]; then
		s2_mktemp "$KDIR"
		dpkg-deb -x "$DEB" "$S2_TMP/root" || usage_die "cannot unpack $DEB"
		KREL=$(find "$S2_TMP/root/lib/modules" "$S2_TMP/root/usr/lib/modules" \
			-mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | head -n 1)
		[ -n "$KREL" ] || usage_die "$DEB holds no lib/modules/RELEASE: not a kernel package"
		PKGS=("$(dpkg-deb -f "$DEB" Package):$(dpkg-deb -f "$DEB" Architecture)=$(dpkg-deb -f "$DEB" Version)")
		unpack "$S2_TMP/root" "$S2_TMP/kernel"
		cp -R "$S2_TMP/kernel/." "$w/"
		IMG=$w/Image
	else
		ln -sfn "$IMG" "$w/Image"
		[ -z "$CFG" ] || cp "$CFG" "$w/config"
		[ -z "$MODS" ] || ln -sfn "$MODS" "$w/modules"
	fi
	[ "$(image_format "$IMG")" != "unknown format" ] ||
		usage_die "$IMG is not an arm64 kernel Image (nor gzip or EFI zboot)"
	raw=$w/.raw
	raw_image "$IMG" "$raw" || die "cannot unpack $IMG ($(image_format "$IMG"))"
	rel=$(image_release "$raw")
	[ -n "$rel" ] || usage_die "$IMG has no \"Linux version\" string: not a kernel Image?"
	if [ -n "$TREE" ] && [ -f "$TREE/include/config/kernel.release" ] &&
	   [ "$(cat "$TREE/include/config/kernel.release")" != "$rel" ]; then
		log "warning: $TREE: the Image is $rel, the tree says $(cat "$TREE/include/config/kernel.release") (Image not rebuilt?)"
	fi
	echo "$rel" >"$w/release"
	[ -f "$w/config" ] || ! image_config "$raw" "$w/config" ||
		log "$rel: config from the Image (IKCONFIG)"
	rm -f "$raw"
	if [ -n "$TREE" ]; then
		ln -sfn "$TREE" "$w/build"
		[ -n "$MODS" ] || tree_modules "$TREE" "$rel" "$w"
	fi
	echo "$KIND" >"$w/source"
	for f in config modules build; do
		[ -e "$w/$f" ] || continue
		case $f in
		config) f="config" ;;
		modules) f="modules ($(wc -l <"$w/modules/modules.dep" 2>/dev/null || echo 0))" ;;
		build) f="build tree" ;;
		esac
		printf '%s\n' "$f"
	done | paste -sd ',' | sed 's/,/, /g' >"$w/.has"
	log "$KIND $rel ($(image_format "$IMG")${KIND:+; }$(sed 's/^$/no config, no modules/' "$w/.has"); $(since "$t0") s)"
	rm -f "$w/.has"
	echo "$w"
}

# list_kernels: every alias, what it resolves to and whether it is cached.
list_kernels() {
	local a krel ver dir state

	printf '%-12s %-28s %-22s %s\n' ALIAS RELEASE VERSION CACHE
	while read -r a; do
		if [ "$OFFLINE" = 1 ]; then
			dir=$(resolve_cached "$a") || continue
			krel=$(cat "$dir/release") ver=${dir##*_} state=cached
			ver=${ver//%/:}
		else
			resolve "$a" || continue
			krel=$KREL ver=$KVER state="not cached"
			[ ! -f "$KDIR/${KREL}_${KVER//:/%}/.done" ] || state=cached
		fi
		printf '%-12s %-28s %-22s %s\n' "$a" "$krel" "$ver" "$state"
	done < <(list_aliases)
}

# need_lists: apt's lists, refreshed once if they know no kernel at all.
need_lists() {
	[ "$OFFLINE" = 0 ] || return 0
	[ -z "$(candidates | head -n 1)" ] || return 0
	apt_update || die "apt-get update failed"
}

main() {
	[ $# -eq 1 ] || usage
	case $1 in
	--list-series | --list-aliases)
		need_lists
		if [ "$1" = --list-series ]; then list_series; else list_aliases; fi |
			grep . || die "no arm64 kernels known${OFFLINE:+ (offline: in the cache)}"
		;;
	--list-kernels) need_lists; list_kernels ;;
	-*) usage ;;
	*/* | *.deb) fetch_path "$1" ;;
	[0-9]*.[0-9]*)
		if [[ $1 =~ ^[0-9]+\.[0-9]+(-[a-z0-9]+)?(=[^=/]+)?$ ]]; then
			case $1 in
			*=*) fetch_alias "${1%%=*}" "${1#*=}" ;;
			*) fetch_alias "$1" ;;
			esac
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
