// SPDX-License-Identifier: GPL-2.0
/* unit_sizes.c - page geometry at 4K, 16K and 64K (include/model/sizes.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sizes.h"
#include "unit.h"

#define K	1024ULL
#define M	(K * K)
#define G	(K * M)

UNIT(sizes_geometry_per_granule)
{
	struct page_geom g;

	CHECK(page_geom_init(&g, 4 * K) == 0);
	CHECK(g.cont_pte == 64 * K && g.pmd == 2 * M &&
	      g.cont_pmd == 32 * M && g.pud == 1 * G);
	CHECK(page_geom_init(&g, 16 * K) == 0);
	CHECK(g.cont_pte == 2 * M && g.pmd == 32 * M &&
	      g.cont_pmd == 1 * G && g.pud == 0);
	CHECK(page_geom_init(&g, 64 * K) == 0);
	CHECK(g.cont_pte == 2 * M && g.pmd == 512 * M &&
	      g.cont_pmd == 16 * G && g.pud == 0);
	CHECK(page_geom_init(&g, 8 * K) == -EINVAL && g.page == 0);
	CHECK(page_geom_init(&g, 0) == -EINVAL);
}

/* What Debian's kernels list under /sys/kernel/mm/hugepages. */
UNIT(sizes_hugetlb_valid_per_granule)
{
	struct page_geom g;

	page_geom_init(&g, 4 * K);
	CHECK(geom_hugetlb_valid(&g, 64 * K) && geom_hugetlb_valid(&g, 2 * M));
	CHECK(geom_hugetlb_valid(&g, 32 * M) && geom_hugetlb_valid(&g, G));
	CHECK(!geom_hugetlb_valid(&g, 4 * K) && !geom_hugetlb_valid(&g, 0));
	page_geom_init(&g, 16 * K);
	CHECK(geom_hugetlb_valid(&g, 2 * M) && geom_hugetlb_valid(&g, 32 * M));
	CHECK(geom_hugetlb_valid(&g, G) && !geom_hugetlb_valid(&g, 64 * G));
	page_geom_init(&g, 64 * K);
	CHECK(geom_hugetlb_valid(&g, 2 * M) && geom_hugetlb_valid(&g, 512 * M));
	CHECK(geom_hugetlb_valid(&g, 16 * G) && !geom_hugetlb_valid(&g, G));
}

/* kvm_s2_resolve_vma_size(): contiguous sizes fall to the level below. */
UNIT(sizes_s2_map_size)
{
	struct page_geom g;

	page_geom_init(&g, 4 * K);
	CHECK(geom_s2_map_size(&g, 4 * K) == 4 * K);
	CHECK(geom_s2_map_size(&g, 64 * K) == 4 * K);
	CHECK(geom_s2_map_size(&g, 2 * M) == 2 * M);
	CHECK(geom_s2_map_size(&g, 32 * M) == 2 * M);
	CHECK(geom_s2_map_size(&g, G) == G);
	page_geom_init(&g, 16 * K);
	CHECK(geom_s2_map_size(&g, 2 * M) == 16 * K);
	CHECK(geom_s2_map_size(&g, 32 * M) == 32 * M);
	CHECK(geom_s2_map_size(&g, G) == 32 * M);
	page_geom_init(&g, 64 * K);
	CHECK(geom_s2_map_size(&g, 64 * K) == 64 * K);
	CHECK(geom_s2_map_size(&g, 2 * M) == 64 * K);
	CHECK(geom_s2_map_size(&g, 512 * M) == 512 * M);
	CHECK(geom_s2_map_size(&g, 16 * G) == 512 * M);
}

/* The block check touches 64 points: 1 fault per block, 64 per pages. */
UNIT(sizes_touch_faults)
{
	static const uint64_t pages[] = { 4 * K, 16 * K, 64 * K };
	struct page_geom g;
	uint64_t stride;
	size_t i;

	for (i = 0; i < 3; i++) {
		page_geom_init(&g, pages[i]);
		stride = geom_touch_stride(&g, g.pmd, 64);
		CHECK(stride % g.page == 0 && g.pmd / stride == 64);
		CHECK(geom_touch_faults(g.pmd, stride, g.pmd) == 1);
		CHECK(geom_touch_faults(g.pmd, stride, g.page) == 64);
		/* Every page touched: one fault per host page. */
		CHECK(geom_touch_faults(g.pmd, g.page, g.page) ==
		      g.pmd / g.page);
	}
	page_geom_init(&g, 64 * K);
	CHECK(geom_touch_stride(&g, 256 * K, 64) == 64 * K);
	CHECK(geom_touch_faults(256 * K, 64 * K, 64 * K) == 4);
	/* 512 guest 4K pages at 64K are 32 host pages, not 512. */
	CHECK(geom_touch_faults(2 * M, 4 * K, 64 * K) == 32);
	CHECK(geom_touch_faults(0, 4 * K, 0) == 0);
}

UNIT(sizes_format_names)
{
	struct host_sizes s = { .thp = 32 * M };
	char buf[128];

	CHECK_STR(size_str(4 * K, buf, sizeof(buf)), "4K");
	CHECK_STR(size_str(512 * M, buf, sizeof(buf)), "512M");
	CHECK_STR(size_str(16 * G, buf, sizeof(buf)), "16G");
	CHECK_STR(size_str(1536 * K, buf, sizeof(buf)), "1536K");
	CHECK_STR(size_str(100, buf, sizeof(buf)), "100");
	page_geom_init(&s.geom, 16 * K);
	CHECK(sizes_add_hugetlb(&s, "hugepages-1048576kB") == 0);
	CHECK(sizes_add_hugetlb(&s, "hugepages-2048kB") == 0);
	CHECK(sizes_add_hugetlb(&s, "hugepages-32768kB") == 0);
	CHECK(sizes_add_hugetlb(&s, "hugepages-32768kB") == 0);
	CHECK(sizes_add_hugetlb(&s, "hugepages-xkB") == -EINVAL);
	CHECK(sizes_add_hugetlb(&s, "hugepages-2048kBx") == -EINVAL);
	CHECK(s.nr_hugetlb == 3 && s.hugetlb[0] == 2 * M &&
	      s.hugetlb[2] == G);
	CHECK(sizes_has_hugetlb(&s, 32 * M) && !sizes_has_hugetlb(&s, 64 * K));
	sizes_format(&s, buf, sizeof(buf));
	CHECK_STR(buf, "page=16K pmd=32M pud=- thp=32M hugetlb=2M,32M,1G");
	memset(&s, 0, sizeof(s));
	page_geom_init(&s.geom, 4 * K);
	sizes_format(&s, buf, sizeof(buf));
	CHECK_STR(buf, "page=4K pmd=2M pud=1G thp=- hugetlb=-");
}
