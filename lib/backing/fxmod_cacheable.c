// SPDX-License-Identifier: GPL-2.0
/*
 * fxmod_cacheable.c - the fixture module's fixture_cacheable kind:
 * cacheable PFNMAP of RAM hidden by mem= (rows 22-26).
 */
#include "fxmod.h"

static int fixture_cacheable_create(struct backing *b, uint64_t size)
{
	return fxmod_create(b, size, S2FX_CACHEABLE);
}

static const struct backing_ops fixture_cacheable = {
	.name = "fixture_cacheable",
	.env = ENV_FIXTURE,
	.desc = "s2fixture carve-out, remap_pfn_range() cacheable",
	.vma = VMA_SHARED | VMA_PFNMAP | VMA_DEVICE_PFN | VMA_CACHEABLE,
	.map = MAP_PFNMAP,
	.create = fixture_cacheable_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(fixture_cacheable);
