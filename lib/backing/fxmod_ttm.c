// SPDX-License-Identifier: GPL-2.0
/*
 * fxmod_ttm.c - the fixture module's fixture_ttm kind: TTM-style PFNMAP
 * of RAM (rows 28-31).
 */
#include "fxmod.h"

static int fixture_ttm_create(struct backing *b, uint64_t size)
{
	return fxmod_create(b, size, S2FX_TTM);
}

static const struct backing_ops fixture_ttm = {
	.name = "fixture_ttm",
	.env = ENV_FIXTURE,
	.desc = "s2fixture TTM-style non-compound blocks, vmf_insert_pfn()",
	.vma = VMA_SHARED | VMA_PFNMAP | VMA_CACHEABLE | VMA_TAIL_NOREF,
	.map = MAP_PFNMAP,
	.create = fixture_ttm_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(fixture_ttm);
