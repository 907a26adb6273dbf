// SPDX-License-Identifier: GPL-2.0
/* hugetlb_private.c - MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB, 2M pages. */
#include <linux/mman.h>
#include <sys/mman.h>

#include "backing.h"

static int hugetlb_private_create(struct backing *b, uint64_t size)
{
	int ret = backing_need_hugepages(b, size);

	if (ret)
		return ret;
	return backing_mmap(b, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			    MAP_HUGE_2MB, -1, SZ_4K);
}

static const struct backing_ops hugetlb_private = {
	.name = "hugetlb_private",
	.desc = "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB (2M)",
	.vma = VMA_ANON | VMA_HUGETLB,
	.page_size = SZ_2M,
	.create = hugetlb_private_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(hugetlb_private);
