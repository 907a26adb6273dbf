// SPDX-License-Identifier: GPL-2.0
/* hugetlb_shared.c - memfd(MFD_HUGETLB) mapped MAP_SHARED, 2M pages. */
#include <sys/mman.h>

#include "backing.h"

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB	(21U << 26)
#endif

static int hugetlb_shared_create(struct backing *b, uint64_t size)
{
	int ret = backing_need_hugepages(b, size);

	return ret ? ret : backing_memfd(b, size, MFD_HUGETLB | MFD_HUGE_2MB);
}

static const struct backing_ops hugetlb_shared = {
	.name = "hugetlb_shared",
	.desc = "memfd_create(MFD_HUGETLB) MAP_SHARED (2M)",
	.vma = VMA_SHARED | VMA_HUGETLB,
	.page_size = SZ_2M,
	.create = hugetlb_shared_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(hugetlb_shared);
