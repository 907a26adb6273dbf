// SPDX-License-Identifier: GPL-2.0
/*
 * expect_backing.c - the expectations every per-backing case shares, for
 * any kind: RAM, PFNMAP (expect_pfnmap.c) or device (expect_device.c).
 * Unlike the pure expect_*.c files this one may look at the backing at run
 * time: 6.x KVM decides "device" by whether the pfn is in memblock.
 */
#include <string.h>

#include "backing.h"
#include "expect_backing.h"
#include "model/expect_device.h"
#include "model/expect_memslot.h"
#include "model/expect_mte.h"
#include "model/expect_pfnmap.h"
#include "host_mem.h"

/* 1/0 whether b's first page is memblock map-memory, -1 unknown. */
static int backing_map_memory(struct backing *b)
{
	uint64_t phys;
	int ret;

	if (b->ops->vma & VMA_DEVICE)
		return 0;	/* a BAR is outside memblock by definition */
	phys = hva_to_phys(b->hva);
	if (!phys)
		return -1;
	ret = phys_is_map_memory(phys);
	return ret < 0 ? -1 : ret;
}

static bool is_device_kind(unsigned int vma)
{
	return vma & (VMA_DAX | VMA_DEVICE);
}

struct expect_attr expect_backing_attr(const struct kernel_facts *kf,
				       struct backing *b)
{
	unsigned int vma = b->ops->vma;
	struct expect_attr ram = { S2_ATTR_NORMAL, true, "rows 2/5/8: RAM in "
				   "memblock is Normal-WB at stage 2" };

	if (vma & VMA_PFNMAP)
		return expect_pfnmap_attr(kf, vma, kf->cap_cacheable_pfnmap);
	if (is_device_kind(vma))
		return expect_device_attr(kf, vma, backing_map_memory(b));
	return ram;
}

struct expect expect_backing_exec(const struct kernel_facts *kf,
				  struct backing *b)
{
	unsigned int vma = b->ops->vma;

	if (!(vma & VMA_PFNMAP) && is_device_kind(vma))
		return expect_device_exec(kf, vma, backing_map_memory(b));
	return expect_exec(kf, vma);
}

/* Row 10/26: only a Normal mapping gets the fault-time MTE re-check. */
struct expect expect_backing_mte_after(const struct kernel_facts *kf,
				       struct backing *b)
{
	struct expect_attr a;

	if ((b->ops->vma & VMA_PFNMAP) || !is_device_kind(b->ops->vma))
		return expect_mte_touch_after_enable(kf, b->ops->vma);
	a = expect_backing_attr(kf, b);
	if (a.known && a.attr != S2_ATTR_NORMAL)
		return make_expect(out_value(0), "row 26: device pages skip "
				   "the fault-time MTE check and map untagged "
				   "(%s)", a.reason);
	return expect_mte_touch_after_enable(kf, b->ops->vma);
}
