// SPDX-License-Identifier: GPL-2.0
/* hugetlb_shared.c - memfd(MFD_HUGETLB) mapped MAP_SHARED, PMD pages. */
#include <sys/mman.h>

#include "backing.h"

static int hugetlb_shared_create(struct backing *b, uint64_t size)
{
	uint64_t huge = backing_page_size(b->ops);
	int ret = backing_need_hugepages(b, size, huge);

	return ret ? ret : backing_memfd(b, size, MFD_HUGETLB |
					 backing_huge_flag(huge));
}

static const struct backing_ops hugetlb_shared = {
	.name = "hugetlb_shared",
	.env = ENV_HUGETLB,
	.desc = "memfd_create(MFD_HUGETLB) MAP_SHARED (PMD size)",
	.vma = VMA_SHARED | VMA_HUGETLB,
	.map = MAP_HUGETLB_PMD,
	.create = hugetlb_shared_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(hugetlb_shared);
