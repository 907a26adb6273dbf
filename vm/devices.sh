# shellcheck shell=sh disable=SC2154 # P_* come from /init's read_params
# devices.sh - sourced by the guest /init (busybox sh) as
# /lib/s2conform/devices.sh: turn the VM's extra devices into what the
# device-memory backings use, and export where they are.
#
#   ivshmem-plain (1af4:1110)  -> bound to vfio-pci:
#                                 S2_VFIO_DEVICE=<BDF> S2_VFIO_GROUP=<N>
#   pmem region at s2.pmem_base     -> pfn device (fsdax), ext4 -o dax:
#                                 S2_FSDAX_DIR=/mnt/fsdax
#   pmem region above it            -> dax device (devdax):
#                                 S2_DEVDAX=/dev/daxX.Y
#
# Only busybox: libnvdimm is driven through sysfs the way ndctl does it
# (namespace off its driver, a seed pfn/dax device given a uuid, an
# alignment, the memmap location and the namespace, then bound). A kind the
# kernel cannot make (6.1 has no ZONE_DEVICE, so no pfn or dax devices) is
# logged and left unset, and S2_VFIO_WHY, S2_FSDAX_WHY or S2_DEVDAX_WHY
# says why: its backing then SKIPs with that reason.  Anything else that
# goes wrong is the harness's fault: broken() also reports the piece as an
# environment error (/init's env_error), and its cases are ERROR.

# S2_SYSFS: a stand-in sysfs, for hosttests/test_faults.sh.
ND=${S2_SYSFS:-/sys}/bus/nd
# The kernel's .config, if mkinitramfs.sh shipped it: names the option a
# missing kind needs.
KCONFIG=/lib/s2conform/kernel.config

# put FILE VALUE: write VALUE to a sysfs FILE, logging a failure.
put() {
	echo "$2" 2>/dev/null >"$1" || {
		log "warning: cannot write '$2' to $1"
		return 1
	}
}

# note KIND MESSAGE: KIND (VFIO, FSDAX, DEVDAX) is not made, because the
# kernel cannot (or the user said so)...
note() {
	log "note: no $1: $2"
	eval "export S2_$1_WHY=\"\$2\""
	env_skip "$(echo "$1" | tr A-Z a-z)" "$2"
}

# broken KIND MESSAGE: KIND should be there and the set-up failed.
broken() {
	log "error: no $1: $2"
	eval "export S2_$1_WHY=\"\$2\""
	env_error "$(echo "$1" | tr A-Z a-z)" "$2"
}

# made KIND: KIND is there; wanted_kind KIND: not left out by s2.without.
made() { env_ok "$(echo "$1" | tr A-Z a-z)"; }
wanted_kind() {
	wanted "$(echo "$1" | tr A-Z a-z)" && return 0
	eval "export S2_$1_WHY=\"left out (--without)\""
	return 1
}

setup_vfio() {
	local d dev='' group

	wanted_kind VFIO || return 0
	for d in /sys/bus/pci/devices/*; do
		[ -f "$d/vendor" ] || continue
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1af4:0x1110 ] ||
			continue
		dev=${d##*/}
		break
	done
	[ -n "$dev" ] || {
		broken VFIO "no ivshmem-plain PCI device"
		return 0
	}
	[ -d /sys/bus/pci/drivers/vfio-pci ] || {
		broken VFIO "no vfio-pci driver for ivshmem $dev"
		return 0
	}
	put "$d/driver_override" vfio-pci || return 0
	[ ! -e "$d/driver" ] || put "$d/driver/unbind" "$dev"
	# 6.1 puts a PCI device in its IOMMU group only when a driver binds.
	put /sys/bus/pci/drivers/vfio-pci/bind "$dev" || {
		broken VFIO "cannot bind ivshmem $dev to vfio-pci"
		return 0
	}
	[ -e "$d/iommu_group" ] || {
		broken VFIO "ivshmem $dev has no IOMMU group (no SMMU?)"
		return 0
	}
	group=$(readlink "$d/iommu_group")
	group=${group##*/}
	[ -c "/dev/vfio/$group" ] || {
		broken VFIO "no /dev/vfio/$group after binding $dev"
		return 0
	}
	export S2_VFIO_DEVICE="$dev" S2_VFIO_GROUP="$group"
	made VFIO
}

# region_of BASE: the nd region whose resource starts at BASE.
region_of() {
	local r

	for r in "$ND"/devices/region*; do
		[ -f "$r/resource" ] || continue
		[ $(($(cat "$r/resource"))) -eq $(($1)) ] && echo "$r" && return
	done
}

# kconfig_why SYMBOL...: "CONFIG_X is not set" for the first SYMBOL the
# shipped .config lacks (with what it depends on that is missing too), or
# nothing when they are all there or there is no .config.
kconfig_why() {
	local s

	[ -f "$KCONFIG" ] || return 0
	for s; do
		grep -q "^CONFIG_$s=[ym]" "$KCONFIG" && continue
		case $s in
		DEV_DAX) grep -q '^CONFIG_TRANSPARENT_HUGEPAGE=y' "$KCONFIG" ||
			{ echo "CONFIG_DEV_DAX is not set (it needs CONFIG_TRANSPARENT_HUGEPAGE, unset: PREEMPT_RT kernels have no THP)"; return; } ;;
		esac
		echo "CONFIG_$s is not set"
		return
	done
}

# pick_align DEV MAX: the largest of DEV's supported_alignments (page
# size, PMD, PUD: they follow the kernel's page size) that is at most MAX.
# A 2M constant fails on 16K and 64K pages, whose PMD is 32M and 512M.
pick_align() {
	local a best=0

	for a in $(cat "$ND/devices/$1/supported_alignments" 2>/dev/null); do
		[ "$a" -le "$2" ] && [ "$a" -gt "$best" ] && best=$a
	done
	echo "$best"
}

# claim REGION KIND DRIVER ROOM: give REGION's namespace to a new KIND (pfn
# or dax) device bound to DRIVER; its name in CLAIMED, its alignment in
# CLAIMED_ALIGN. The alignment: the largest the device supports that is at
# most 1/ROOM of the namespace (the data starts an alignment in, after the
# metadata, and the rest must still hold what the backing maps). (Not
# printed: notes made in a $(...) subshell would be lost.)
claim() {
	local r=$1 kind=$2 drv=$3 room=$4 ns dev what=FSDAX align size why

	[ "$kind" = pfn ] || what=DEVDAX
	CLAIMED=
	ns=$(cd "$r" && ls -d namespace*.* 2>/dev/null | head -n 1)
	[ -n "$ns" ] || {
		broken $what "no namespace in ${r##*/}"
		return 1
	}
	dev=$(cat "$r/${kind}_seed" 2>/dev/null)
	[ -n "$dev" ] || {
		note $what "the kernel makes no $kind devices ($(kconfig_why \
			ZONE_DEVICE NVDIMM_PFN NVDIMM_DAX | grep . ||
			echo 'no ZONE_DEVICE/NVDIMM_PFN'))"
		return 1
	}
	[ -d "$ND/drivers/$drv" ] || {
		# A kernel without the driver is the kernel's lack (SKIP, naming
		# the option); one that has it but did not load it, ours.
		if [ "$drv" = dax_pmem ]; then
			why=$(kconfig_why DEV_DAX DEV_DAX_PMEM)
		else
			why=$(kconfig_why BLK_DEV_PMEM)
		fi
		if [ -n "$why" ]; then
			note $what "no $drv driver: $why"
		else
			broken $what "no $drv driver"
		fi
		return 1
	}
	size=$(cat "$ND/devices/$ns/size" 2>/dev/null)
	align=$(pick_align "$dev" $((${size:-0} / room)))
	[ "$align" -gt 0 ] || {
		broken $what "$dev supports no alignment within ${size:-?} bytes" \
			"($(cat "$ND/devices/$dev/supported_alignments" 2>/dev/null))"
		return 1
	}
	[ ! -e "$ND/devices/$ns/driver" ] ||
		put "$ND/devices/$ns/driver/unbind" "$ns" || return 1
	put "$ND/devices/$dev/uuid" "$(cat /proc/sys/kernel/random/uuid)" &&
		put "$ND/devices/$dev/align" "$align" &&
		put "$ND/devices/$dev/mode" pmem &&
		put "$ND/devices/$dev/namespace" "$ns" &&
		put "$ND/drivers/$drv/bind" "$dev" || {
		broken $what "setting up $dev (align $align) on $ns failed (see the console)"
		return 1
	}
	CLAIMED=$dev CLAIMED_ALIGN=$align
}

# fsdax: ext4 -o dax wants its block size to be the page size, the smallest
# alignment the pfn device offers; the alignment leaves room for the
# filesystem and a PMD-size file (a quarter of the namespace at most).
setup_fsdax() {
	local r=$1 dev blk bs

	wanted_kind FSDAX || return 0
	claim "$r" pfn nd_pmem 4 || return 0
	dev=$CLAIMED
	# The disk hangs off the device that nd_pmem bound.
	blk=$(ls "$ND/devices/$dev/block" 2>/dev/null | head -n 1)
	[ -n "$blk" ] && [ -b "/dev/$blk" ] || {
		broken FSDAX "no block device for $dev"
		return 0
	}
	mkdir -p /mnt/fsdax
	# busybox makes ext2; the ext4 driver mounts it with DAX.
	bs=$(awk '{ for (i = 1; i <= NF; i++) if (!m || $i < m) m = $i }
		END { print m }' "$ND/devices/$dev/supported_alignments")
	bs=${bs:-4096}
	mke2fs -q -F -b "$bs" -i "$((bs > 16384 ? bs : 16384))" \
		"/dev/$blk" >/dev/null 2>&1 &&
		mount -t ext4 -o dax "/dev/$blk" /mnt/fsdax || {
		broken FSDAX "cannot make an ext4 -o dax filesystem on /dev/$blk"
		return 0
	}
	export S2_FSDAX_DIR=/mnt/fsdax
	made FSDAX
}

setup_devdax() {
	local r=$1 dev dax

	wanted_kind DEVDAX || return 0
	claim "$r" dax dax_pmem 2 || return 0
	dev=$CLAIMED
	dax=$(cd "$ND/devices/$dev" && ls -d dax*.* 2>/dev/null | head -n 1)
	[ -n "$dax" ] && [ -c "/dev/$dax" ] || {
		broken DEVDAX "no /dev/dax device for $dev"
		return 0
	}
	export S2_DEVDAX="/dev/$dax"
	made DEVDAX
}

setup_pmem() {
	local base=$P_pmem_base half r

	[ -n "$base" ] || return 0
	[ -d "$ND/devices" ] || {
		broken FSDAX "no libnvdimm bus (of_pmem not loaded?)"
		broken DEVDAX "no libnvdimm bus (of_pmem not loaded?)"
		return 0
	}
	half=$((P_pmem_size / 2))
	r=$(region_of "$base")
	if [ -n "$r" ]; then
		setup_fsdax "$r"
	else
		broken FSDAX "no pmem region at $base"
	fi
	r=$(region_of $((base + half)))
	if [ -n "$r" ]; then
		setup_devdax "$r"
	else
		broken DEVDAX "no pmem region at $(printf 0x%x $((base + half)))"
	fi
}

setup_devices() {
	setup_vfio
	setup_pmem
	kmsg "devices: vfio=${S2_VFIO_DEVICE:-none}" \
		"fsdax=${S2_FSDAX_DIR:-none} devdax=${S2_DEVDAX:-none}"
}
