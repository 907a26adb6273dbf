// SPDX-License-Identifier: GPL-2.0
/*
 * memtype.c - turn probe outcomes into a memory type. Pure logic, so host
 * unit tests can feed it every combination TCG and hardware produce.
 */
#include <errno.h>

#include "memtype.h"

const char *memtype_name(enum memtype type)
{
	switch (type) {
	case MEMTYPE_NORMAL:
		return "Normal";
	case MEMTYPE_DEVICE:
		return "Device";
	case MEMTYPE_UNKNOWN:
		break;
	}
	return "unknown";
}

static bool is_alignment_fault(const struct outcome *o)
{
	return o->kind == OUT_GUEST_FAULT && o->ec == EC_DABT_CUR &&
	       o->fsc == FSC_ALIGNMENT;
}

/*
 * An unaligned access to Device memory takes an alignment fault. Under
 * QEMU TCG the fault is raised at stage 2 on a TLB miss, which KVM turns
 * into "Unsupported FSC" and KVM_RUN -EFAULT, and at EL1 on a TLB hit, so
 * both count (docs/qemu-tcg.md section 2 hole 4). TCG never faults DC ZVA on
 * Device, so DC ZVA only votes on hardware.
 */
static bool device_vote(const struct outcome *o)
{
	return is_alignment_fault(o) ||
	       (o->kind == OUT_RUN_ERRNO && o->err == EFAULT);
}

enum memtype memtype_classify(const struct outcome *unaligned_load,
			      const struct outcome *unaligned_store,
			      const struct outcome *dc_zva, bool tcg)
{
	bool ld = device_vote(unaligned_load);
	bool st = device_vote(unaligned_store);
	bool zva = !tcg && device_vote(dc_zva);

	if (ld && st)
		return MEMTYPE_DEVICE;
	if (unaligned_load->kind == OUT_COMPLETED &&
	    unaligned_store->kind == OUT_COMPLETED &&
	    (dc_zva->kind == OUT_COMPLETED || tcg) && !zva)
		return MEMTYPE_NORMAL;
	return MEMTYPE_UNKNOWN;
}
