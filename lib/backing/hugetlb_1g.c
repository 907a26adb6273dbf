// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb_1g.c - MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB at the PUD size:
 * 1 GiB with 4K pages; other granules have no PUD block (a 1 GiB page
 * at 16K is CONT_PMD, which stage 2 maps as PMDs), so no such kind.
 *
 * Unlisted: a gigantic page is rarely free (the test VM has CMA or
 * swiotlb in every aligned GiB unless booted with "cma=0 hugepagesz=1G
 * hugepages=1"), so only code that asks for it by name uses it.
 */
#include <sys/mman.h>

#include "backing.h"

static const struct backing_ops hugetlb_1g = {
	.name = "hugetlb_1g",
	.env = ENV_HUGETLB,
	.desc = "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB at the PUD size",
	.vma = VMA_ANON | VMA_HUGETLB,
	.map = MAP_HUGETLB_PUD,
	.create = backing_hugetlb_anon_create,
	.destroy = backing_generic_destroy,
	.unlisted = true,
};
BACKING_REGISTER(hugetlb_1g);
