// SPDX-License-Identifier: GPL-2.0
/*
 * sizes.c - page geometry arithmetic (see sizes.h). Pure: host unit tests
 * link it on x86 and check it at 4K, 16K and 64K.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sizes.h"

/* ARM64_CONT_PTE_SHIFT / ARM64_CONT_PMD_SHIFT defaults (arch/arm64/Kconfig). */
static const struct {
	unsigned int page_shift, cont_pte_shift, cont_pmd_shift;
} granules[] = {
	{ 12, 4, 4 },
	{ 14, 7, 5 },
	{ 16, 5, 5 },
};

int page_geom_init(struct page_geom *g, uint64_t page)
{
	size_t i;

	for (i = 0; i < sizeof(granules) / sizeof(granules[0]); i++) {
		unsigned int shift = granules[i].page_shift;
		/* One table page holds page/8 descriptors. */
		unsigned int level_bits = shift - 3;

		if (page != 1ULL << shift)
			continue;
		g->page = page;
		g->cont_pte = page << granules[i].cont_pte_shift;
		g->pmd = page << level_bits;
		g->cont_pmd = g->pmd << granules[i].cont_pmd_shift;
		/* pud_sect_supported(): level-1 blocks with 4K pages only. */
		g->pud = shift == 12 ? g->pmd << level_bits : 0;
		return 0;
	}
	memset(g, 0, sizeof(*g));
	return -EINVAL;
}

bool geom_hugetlb_valid(const struct page_geom *g, uint64_t size)
{
	return size && (size == g->cont_pte || size == g->pmd ||
			size == g->cont_pmd || (g->pud && size == g->pud));
}

uint64_t geom_s2_map_size(const struct page_geom *g, uint64_t host_map)
{
	if (g->pud && host_map >= g->pud)
		return g->pud;
	if (host_map >= g->pmd)
		return g->pmd;
	return g->page;
}

uint64_t geom_touch_faults(uint64_t region, uint64_t stride, uint64_t map)
{
	uint64_t unit = stride > map ? stride : map;

	if (!unit)
		return 0;
	return (region + unit - 1) / unit;
}

uint64_t geom_touch_stride(const struct page_geom *g, uint64_t region,
			   unsigned int points)
{
	uint64_t stride = points ? region / points : region;

	if (stride < g->page)
		return g->page;
	return stride / g->page * g->page;
}

const char *size_str(uint64_t bytes, char *buf, size_t n)
{
	static const char units[] = "KMGTP";
	int u = -1;

	if (!bytes || bytes % 1024) {
		snprintf(buf, n, "%" PRIu64, bytes);
		return buf;
	}
	while (bytes % 1024 == 0 && u < (int)sizeof(units) - 2) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, n, "%" PRIu64 "%c", bytes, units[u]);
	return buf;
}

bool sizes_has_hugetlb(const struct host_sizes *s, uint64_t size)
{
	int i;

	for (i = 0; i < s->nr_hugetlb; i++)
		if (s->hugetlb[i] == size)
			return true;
	return false;
}

int sizes_add_hugetlb(struct host_sizes *s, const char *name)
{
	unsigned long long kb;
	uint64_t size;
	char tail;
	int i;

	if (sscanf(name, "hugepages-%llukB%c", &kb, &tail) != 1 || !kb)
		return -EINVAL;
	size = kb * 1024;
	if (sizes_has_hugetlb(s, size))
		return 0;
	if (s->nr_hugetlb == MAX_HUGETLB_SIZES)
		return -ENOSPC;
	for (i = s->nr_hugetlb; i > 0 && s->hugetlb[i - 1] > size; i--)
		s->hugetlb[i] = s->hugetlb[i - 1];
	s->hugetlb[i] = size;
	s->nr_hugetlb++;
	return 0;
}

int sizes_format(const struct host_sizes *s, char *buf, size_t n)
{
	char a[16], b[16], c[16], d[16];
	size_t len;
	int i;

	len = snprintf(buf, n, "page=%s pmd=%s pud=%s thp=%s hugetlb=",
		       size_str(s->geom.page, a, sizeof(a)),
		       size_str(s->geom.pmd, b, sizeof(b)),
		       s->geom.pud ? size_str(s->geom.pud, c, sizeof(c)) : "-",
		       s->thp ? size_str(s->thp, d, sizeof(d)) : "-");
	for (i = 0; i < s->nr_hugetlb && len < n; i++)
		len += snprintf(buf + len, n - len, "%s%s", i ? "," : "",
				size_str(s->hugetlb[i], a, sizeof(a)));
	if (!s->nr_hugetlb && len < n)
		len += snprintf(buf + len, n - len, "-");
	return len;
}
