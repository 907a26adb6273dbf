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

ND=/sys/bus/nd
DAX_ALIGN=2097152

# put FILE VALUE: write VALUE to a sysfs FILE, logging a failure.
put() {
	echo "$2" >"$1" 2>/dev/null || {
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

# claim REGION KIND DRIVER: give REGION's namespace to a new KIND (pfn or
# dax) device bound to DRIVER; its name in CLAIMED. (Not printed: notes
# made in a $(...) subshell would be lost.)
claim() {
	local r=$1 kind=$2 drv=$3 ns dev what=FSDAX

	[ "$kind" = pfn ] || what=DEVDAX
	CLAIMED=
	ns=$(cd "$r" && ls -d namespace*.* 2>/dev/null | head -n 1)
	[ -n "$ns" ] || {
		broken $what "no namespace in ${r##*/}"
		return 1
	}
	dev=$(cat "$r/${kind}_seed" 2>/dev/null)
	[ -n "$dev" ] || {
		note $what "the kernel makes no $kind devices (no ZONE_DEVICE/NVDIMM_PFN)"
		return 1
	}
	[ -d "$ND/drivers/$drv" ] || {
		broken $what "no $drv driver"
		return 1
	}
	[ ! -e "$ND/devices/$ns/driver" ] ||
		put "$ND/devices/$ns/driver/unbind" "$ns" || return 1
	put "$ND/devices/$dev/uuid" "$(cat /proc/sys/kernel/random/uuid)" &&
		put "$ND/devices/$dev/align" "$DAX_ALIGN" &&
		put "$ND/devices/$dev/mode" pmem &&
		put "$ND/devices/$dev/namespace" "$ns" &&
		put "$ND/drivers/$drv/bind" "$dev" || {
		broken $what "setting up $dev on $ns failed (see the console)"
		return 1
	}
	CLAIMED=$dev
}

setup_fsdax() {
	local r=$1 dev blk

	wanted_kind FSDAX || return 0
	claim "$r" pfn nd_pmem || return 0
	dev=$CLAIMED
	# The disk hangs off the device that nd_pmem bound.
	blk=$(ls "$ND/devices/$dev/block" 2>/dev/null | head -n 1)
	[ -n "$blk" ] && [ -b "/dev/$blk" ] || {
		broken FSDAX "no block device for $dev"
		return 0
	}
	mkdir -p /mnt/fsdax
	# busybox makes ext2; the ext4 driver mounts it with DAX.
	mke2fs -q -F -b 4096 "/dev/$blk" >/dev/null 2>&1 &&
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
	claim "$r" dax dax_pmem || return 0
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
