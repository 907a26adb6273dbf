#!/bin/bash
# mkinitramfs.sh - build the test VM's initramfs (gzip'd newc cpio).
#
# Usage: vm/mkinitramfs.sh --kernel-dir DIR --tests DIR --runner FILE
#                          --out FILE.cpio.gz [--modules "mod1 mod2"]
#                          [--extra SRC:DEST]...
#
# Contents: static arm64 busybox (applet links are made by /init at boot:
# the host cannot run busybox to list them), /init (vm/init) and the device
# setup it sources (vm/devices.sh as /lib/s2conform/devices.sh), the files
# of --tests in /s2conform/arm64/, the sibling "configs" directory of
# --tests (expectation profiles), if any, in /s2conform/configs/, the runner
# as /s2conform/run_direct.sh, and the kernel modules the guest needs,
# decompressed, in load order in /lib/modules-load/ (list in
# /lib/modules-load/order). Each --extra copies host file SRC to DEST in
# the image: /init insmods every /lib/modules-extra/*.ko after the kernel's
# modules, with the parameters in FILE.ko.params beside it, if any.
# The output is rebuilt only when an input changed (hash in FILE.key).
# Exit: 0 ok, 2 bad usage, 3 infrastructure failure.
set -eu
. "$(dirname "$0")/lib.sh"

# Modules wanted when the kernel has them as modules; absent ones get a note.
# arm_smmu_v3 first: devices behind the SMMU (-M virt,iommu=smmuv3) wait
# for it. The TAP console's modules come from tap_transport. The pmem ones
# serve the pmem-region nodes boot.sh adds (fsdax: nd_pmem + ext4; devdax:
# dax_pmem + device_dax).
WANTED="arm_smmu_v3 zram vfio vfio_iommu_type1 vfio_pci of_pmem nd_pmem
	dax_pmem device_dax ext4"

usage() {
	usage_die "usage: $0 --kernel-dir DIR --tests DIR --runner FILE --out FILE.cpio.gz [--modules \"mod ...\"] [--extra SRC:DEST]..."
}

parse_args() {
	KERNEL='' TESTS='' RUNNER='' OUT='' EXTRA='' FILES=()
	while [ $# -gt 0 ]; do
		[ $# -ge 2 ] || usage
		case $1 in
		--kernel-dir) KERNEL=$2 ;;
		--tests) TESTS=$2 ;;
		--runner) RUNNER=$2 ;;
		--out) OUT=$2 ;;
		--modules) EXTRA=$2 ;;
		--extra) FILES+=("$2") ;;
		*) usage ;;
		esac
		shift 2
	done
	[ -n "$KERNEL" ] && [ -n "$TESTS" ] && [ -n "$RUNNER" ] && [ -n "$OUT" ] ||
		usage
	[ -d "$KERNEL" ] || usage_die "no kernel directory $KERNEL"
	[ -d "$TESTS" ] || usage_die "no tests directory $TESTS"
	[ -f "$RUNNER" ] || usage_die "no runner $RUNNER"
	[ -f "$S2_VM_DIR/init" ] || die "missing $S2_VM_DIR/init"
	check_extras
	RELEASE=$(cat "$KERNEL/release" 2>/dev/null || echo custom)
	CONFIG=$KERNEL/config
	CONFIGS=$(cd "$TESTS/.." && pwd)/configs
	[ -d "$CONFIGS" ] || CONFIGS=
}

# --extra SRC:DEST: SRC a readable file, DEST an absolute path.
check_extras() {
	local f

	for f in "${FILES[@]}"; do
		[[ $f == *:/* ]] || usage_die "--extra wants SRC:/DEST, not $f"
		[ -f "${f%:*}" ] || usage_die "--extra: no file ${f%:*}"
	done
}

# busybox: statically linked arm64 busybox, cached per package version.
# Sets BUSYBOX (the binary) and BB_VER.
get_busybox() {
	local dir

	if [ "${S2_OFFLINE:-0}" != 0 ]; then
		# Offline, apt may not even answer: the newest cached one.
		dir=$(ls -d "$S2_CACHE"/busybox/*/.done 2>/dev/null |
			sort -V | tail -n 1)
		[ -n "$dir" ] || die "offline (--offline): no busybox-static:arm64 in the cache ($S2_CACHE/busybox)"
		dir=${dir%/.done}
		BB_VER=${dir##*/}
		BUSYBOX=$dir/busybox
		return
	fi
	BB_VER=$(apt_candidate busybox-static:arm64)
	if [ -z "$BB_VER" ]; then
		apt_update || die "apt-get update failed"
		BB_VER=$(apt_candidate busybox-static:arm64)
		[ -n "$BB_VER" ] || die "apt has no busybox-static:arm64 (is arm64 a foreign architecture? run vm/deps.sh)"
	fi
	dir=$S2_CACHE/busybox/${BB_VER//:/%}
	BUSYBOX=$dir/busybox
	[ -f "$dir/.done" ] && return
	log "downloading busybox-static:arm64 $BB_VER"
	s2_mktemp
	apt_fetch "$S2_TMP/bb" "busybox-static:arm64=$BB_VER"
	mkdir -p "$dir"
	cp "$S2_TMP/bb/bin/busybox" "$BUSYBOX" || die "no bin/busybox in busybox-static"
	touch "$dir/.done"
}

# Module names to load: the TAP console's, the wanted ones, --modules.
module_names() {
	case $(tap_transport "$CONFIG") in
	pci) echo virtio_pci ;;
	mmio) echo virtio_mmio ;;
	esac
	# shellcheck disable=SC2086 # lists of names
	echo virtio_console $WANTED $EXTRA
}

# resolve_modules ROOT: the .ko files to load, in order, one per line.
# modprobe --show-depends gives each module's dependencies first, and
# "builtin NAME" for built-in ones (skipped).
resolve_modules() {
	local root=$1 m out

	for m in $(module_names); do
		if ! out=$(modprobe -d "$root" -S "$RELEASE" --show-depends "$m" 2>&1); then
			case $m in
			virtio_console | virtio_pci | virtio_mmio) log "warning: $RELEASE has no $m module: no TAP channel" ;;
			*) log "note: $RELEASE has no $m (neither built in nor a module)" ;;
			esac
			continue
		fi
		printf '%s\n' "$out" | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++'
}

# add_modules STAGE: decompressed modules in STAGE/lib/modules-load.
add_modules() {
	local stage=$1 root ko name

	mkdir -p "$stage/lib/modules-load"
	: >"$stage/lib/modules-load/order"
	if [ ! -f "$KERNEL/modules/modules.dep" ]; then
		log "note: no modules/modules.dep in $KERNEL: loading no modules"
		return
	fi
	# modprobe wants ROOT/lib/modules/RELEASE.
	root=$S2_TMP/modroot
	mkdir -p "$root/lib/modules"
	ln -s "$(cd "$KERNEL/modules" && pwd)" "$root/lib/modules/$RELEASE"
	for ko in $(resolve_modules "$root"); do
		name=$(basename "$ko")
		name=${name%.ko*}.ko
		# Decompress here: busybox insmod and every kernel take plain .ko.
		case $ko in
		*.ko.xz) xz -dc "$ko" ;;
		*.ko.zst) zstd -qdc "$ko" ;;
		*.ko.gz) gzip -dc "$ko" ;;
		*) cat "$ko" ;;
		esac >"$stage/lib/modules-load/$name" || die "cannot decompress $ko"
		echo "$name" >>"$stage/lib/modules-load/order"
	done
}

# inputs_key: hash of everything the image is built from.
inputs_key() {
	local f

	{
		sha256sum "$0" "$S2_VM_DIR/lib.sh" "$S2_VM_DIR/init" \
			"$S2_VM_DIR/devices.sh" "$RUNNER"
		echo "$BB_VER $RELEASE $(cd "$KERNEL" && pwd -P) $EXTRA"
		# Where an extra goes and what it holds, not where it came from:
		# run_tests.sh builds the fixture module in a fresh directory.
		for f in "${FILES[@]}"; do
			echo "${f##*:} $(sha256sum <"${f%:*}")"
		done
		[ -z "$CONFIGS" ] || (cd "$CONFIGS" && find -L . -type f -print0 |
			LC_ALL=C sort -z | xargs -0r sha256sum)
		stat -L -c '%s %Y' "$KERNEL/modules/modules.dep" 2>/dev/null || true
		(cd "$TESTS" && find -L . -type f -print0 | LC_ALL=C sort -z |
			xargs -0r sha256sum)
	} | sha256sum | cut -d' ' -f1
}

build() {
	local stage=$S2_TMP/stage d f

	for d in bin sbin usr/bin usr/sbin dev proc sys tmp run etc root \
		mnt/pagecache s2conform/arm64; do
		mkdir -p "$stage/$d"
	done
	cp "$BUSYBOX" "$stage/bin/busybox"
	chmod 755 "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	install -m 755 "$S2_VM_DIR/init" "$stage/init"
	install -D -m 644 "$S2_VM_DIR/devices.sh" \
		"$stage/lib/s2conform/devices.sh"
	# devices.sh names the option a missing device kind needs.
	[ ! -f "$CONFIG" ] ||
		install -m 644 "$CONFIG" "$stage/lib/s2conform/kernel.config"
	install -m 755 "$RUNNER" "$stage/s2conform/run_direct.sh"
	# -L: a symlink to a host path would dangle in the guest.
	cp -RL "$TESTS/." "$stage/s2conform/arm64/"
	if [ -n "$CONFIGS" ]; then
		mkdir -p "$stage/s2conform/configs"
		cp -RL "$CONFIGS/." "$stage/s2conform/configs/"
	fi
	for f in "${FILES[@]}"; do
		install -D -m 644 "${f%:*}" "$stage/${f##*:}" ||
			die "cannot copy ${f%:*} to ${f##*:}"
	done
	echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
	echo "root:x:0:" >"$stage/etc/group"
	# The kernel opens /dev/console for /init before devtmpfs is mounted.
	# Needs root; without it /init reopens the console itself.
	mknod "$stage/dev/console" c 5 1 2>/dev/null || true
	add_modules "$stage"

	# A private temporary name: two builds of one image must not mix.
	S2_CLEANUP+=("$OUT.tmp.$$")
	(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --reproducible --quiet) |
		gzip -6 >"$OUT.tmp.$$" || die "cannot write $OUT.tmp.$$"
	mv "$OUT.tmp.$$" "$OUT"
}

main() {
	local key t0 mods

	parse_args "$@"
	t0=$(now)
	get_busybox
	key=$(inputs_key)
	if [ -f "$OUT" ] && [ "$(cat "$OUT.key" 2>/dev/null)" = "$key" ]; then
		log "initramfs $OUT is up to date"
		return
	fi
	mkdir -p "$(dirname "$OUT")" || die "cannot create $(dirname "$OUT")"
	s2_mktemp
	build
	echo "$key" >"$OUT.key"
	mods=$(paste -sd ' ' "$S2_TMP/stage/lib/modules-load/order")
	log "initramfs $OUT: $(du -k "$OUT" | cut -f1) KiB," \
		"modules: ${mods:-none} ($(since "$t0") s)"
}

main "$@"
