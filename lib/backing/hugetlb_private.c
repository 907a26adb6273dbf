// SPDX-License-Identifier: GPL-2.0
/* hugetlb_private.c - MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB, PMD pages. */
#include <sys/mman.h>

#include "backing.h"

int backing_hugetlb_anon_create(struct backing *b, uint64_t size)
{
	uint64_t huge = backing_page_size(b->ops);
	int ret = backing_need_hugepages(b, size, huge);

	if (ret)
		return ret;
	return backing_mmap(b, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			    backing_huge_flag(huge), -1, huge);
}

static const struct backing_ops hugetlb_private = {
	.name = "hugetlb_private",
	.env = ENV_HUGETLB,
	.desc = "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB (PMD size)",
	.vma = VMA_ANON | VMA_HUGETLB,
	.map = MAP_HUGETLB_PMD,
	.create = backing_hugetlb_anon_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(hugetlb_private);

/*
 * CONT_PTE-size pages (64K at 4K, 2M at 16K/64K): one hugetlb page that
 * stage 2 must still map page by page (kvm_s2_resolve_vma_size()).
 */
static const struct backing_ops hugetlb_cont_pte = {
	.name = "hugetlb_cont_pte",
	.env = ENV_HUGETLB,
	.desc = "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB (CONT_PTE size)",
	.vma = VMA_ANON | VMA_HUGETLB,
	.map = MAP_HUGETLB_CONT_PTE,
	.create = backing_hugetlb_anon_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(hugetlb_cont_pte);
