/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sizes.h - the host's page geometry, as pure functions of its page size.
 *
 * arm64 kernels run with 4K, 16K or 64K pages; everything stage 2 can map
 * follows from that one number (arch/arm64/include/asm/pgtable-hwdef.h,
 * ARM64_CONT_{PTE,PMD}_SHIFT in arch/arm64/Kconfig). The guest's own
 * stage-1 granule is the suite's choice (4K, include/guest.h) and unrelated.
 * Nothing here does I/O: facts.c reads the sizes, host unit tests cover
 * every granule.
 */
#ifndef S2_SIZES_H
#define S2_SIZES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct page_geom {
	uint64_t page;		/* PAGE_SIZE */
	uint64_t cont_pte;	/* CONT_PTE_SIZE: hugetlb only, S2 maps pages */
	uint64_t pmd;		/* PMD_SIZE: the smallest stage-2 block */
	uint64_t cont_pmd;	/* CONT_PMD_SIZE: hugetlb only, S2 maps PMDs */
	uint64_t pud;		/* PUD block; 0 where the granule has none */
};

/* 0, or -EINVAL for a page size arm64 does not have. */
int page_geom_init(struct page_geom *g, uint64_t page);

/* arch_hugetlb_valid_size(): the hugetlb sizes this granule can offer. */
bool geom_hugetlb_valid(const struct page_geom *g, uint64_t size);

/*
 * The largest stage-2 mapping KVM makes for a VMA whose host mapping is
 * host_map bytes (hugetlb page size, PMD for a THP, else the page), with
 * HVA and GPA co-aligned (kvm_s2_resolve_vma_size()): contiguous hugetlb
 * sizes drop to the level below, a PUD only where stage 2 has PUD blocks.
 */
uint64_t geom_s2_map_size(const struct page_geom *g, uint64_t host_map);

/*
 * A guest that touches one word every stride bytes of a region (mapped in
 * map-sized stage-2 units, all aligned) takes this many stage-2 faults.
 */
uint64_t geom_touch_faults(uint64_t region, uint64_t stride, uint64_t map);

/* Touch stride for a block check: at most points touches per region. */
uint64_t geom_touch_stride(const struct page_geom *g, uint64_t region,
			   unsigned int points);

/* "4K", "32M", "1G", "1536K": exact, in the largest unit that divides. */
const char *size_str(uint64_t bytes, char *buf, size_t n);

/* What the running kernel offers, read once by facts.c. */
#define MAX_HUGETLB_SIZES	8

struct host_sizes {
	struct page_geom geom;
	uint64_t thp;		/* hpage_pmd_size; 0: no THP */
	uint64_t hugetlb[MAX_HUGETLB_SIZES];	/* ascending */
	int nr_hugetlb;
	uint64_t hugetlb_default;	/* Hugepagesize; 0: no hugetlbfs */
};

bool sizes_has_hugetlb(const struct host_sizes *s, uint64_t size);
/* Insert a hugetlb size (from a hugepages-<N>kB directory name). */
int sizes_add_hugetlb(struct host_sizes *s, const char *dirent_name);
/* "page=4K pmd=2M pud=1G thp=2M hugetlb=64K,2M,32M,1G" */
int sizes_format(const struct host_sizes *s, char *buf, size_t n);

#endif
