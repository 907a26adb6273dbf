// SPDX-License-Identifier: GPL-2.0
/*
 * fxmod_wc.c - the fixture module's fixture_wc kind: write-combine
 * PFNMAP with VM_ALLOW_ANY_UNCACHED (row 21).
 */
#include "fxmod.h"

static int fixture_wc_create(struct backing *b, uint64_t size)
{
	return fxmod_create(b, size, S2FX_WC);
}

static const struct backing_ops fixture_wc = {
	.name = "fixture_wc",
	.env = ENV_FIXTURE,
	.desc = "s2fixture carve-out, write-combine + VM_ALLOW_ANY_UNCACHED",
	.vma = VMA_SHARED | VMA_PFNMAP | VMA_DEVICE_PFN |
	       VMA_ALLOW_ANY_UNCACHED,
	.map = MAP_PFNMAP,
	.create = fixture_wc_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(fixture_wc);
