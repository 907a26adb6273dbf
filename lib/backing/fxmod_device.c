// SPDX-License-Identifier: GPL-2.0
/*
 * fxmod_device.c - the fixture module's fixture_device kind: Device
 * PFNMAP of RAM hidden by mem= (row 27).
 */
#include "fxmod.h"

static int fixture_device_create(struct backing *b, uint64_t size)
{
	return fxmod_create(b, size, S2FX_DEVICE);
}

static const struct backing_ops fixture_device = {
	.name = "fixture_device",
	.env = ENV_FIXTURE,
	.desc = "s2fixture carve-out, pgprot_noncached() (Device)",
	.vma = VMA_SHARED | VMA_PFNMAP | VMA_DEVICE_PFN,
	.map = MAP_PFNMAP,
	.create = fixture_device_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(fixture_device);
