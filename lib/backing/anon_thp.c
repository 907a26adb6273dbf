// SPDX-License-Identifier: GPL-2.0
/* anon_thp.c - private anonymous memory in THP-aligned, THP-eligible VMAs. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"

static int thp_mode(char *mode, size_t n)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char line[128], *l, *r;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	l = strchr(line, '[');
	r = l ? strchr(l, ']') : NULL;
	if (!r)
		return -1;
	snprintf(mode, n, "%.*s", (int)(r - l - 1), l + 1);
	return 0;
}

static int anon_thp_create(struct backing *b, uint64_t size)
{
	char mode[32];
	int ret;

	if (thp_mode(mode, sizeof(mode)))
		return backing_unavailable(b, "no transparent_hugepage "
					   "support (CONFIG_TRANSPARENT_HUGEPAGE)");
	if (!strcmp(mode, "never"))
		return backing_unavailable(b, "transparent_hugepage/enabled "
					   "is [never]");
	ret = backing_mmap(b, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1,
			   backing_page_size(b->ops));
	if (!ret)
		madvise(b->hva, size, MADV_HUGEPAGE);
	return ret;
}

static const struct backing_ops anon_thp = {
	.name = "anon_thp",
	.desc = "MAP_PRIVATE|MAP_ANONYMOUS, THP aligned, MADV_HUGEPAGE",
	.vma = VMA_ANON | VMA_THP,
	.map = MAP_THP,
	.create = anon_thp_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(anon_thp);
