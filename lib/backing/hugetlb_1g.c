// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb_1g.c - MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_1GB, and
 * finding a free 1 GiB page for it.
 *
 * Unlisted: a gigantic page is rarely free (the test VM has CMA or
 * swiotlb in every aligned GiB unless booted with "cma=0 hugepagesz=1G
 * hugepages=1"), so only code that asks for it by name uses it.
 */
#include <errno.h>
#include <linux/mman.h>
#include <stdio.h>
#include <sys/mman.h>

#include "backing.h"

#define HUGE_1G		"/sys/kernel/mm/hugepages/hugepages-1048576kB/"
#define HUGE_1G_NR	HUGE_1G "nr_hugepages"
#define HUGE_1G_FREE	HUGE_1G "free_hugepages"

static int hugetlb_1g_create(struct backing *b, uint64_t size)
{
	return backing_mmap(b, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			    MAP_HUGE_1GB, -1, SZ_4K);
}

static const struct backing_ops hugetlb_1g = {
	.name = "hugetlb_1g",
	.desc = "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_1GB",
	.vma = VMA_ANON | VMA_HUGETLB,
	.page_size = SZ_1G,
	.create = hugetlb_1g_create,
	.destroy = backing_generic_destroy,
	.unlisted = true,
};
BACKING_REGISTER(hugetlb_1g);

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fprintf(f, "%ld\n", v) < 0;
	return fclose(f) || ret ? -EIO : 0;
}

long hugetlb_1g_reserve(char *why, size_t n)
{
	long old = read_long(HUGE_1G_NR);

	if (old < 0) {
		snprintf(why, n, "no 1 GiB huge page support (%s)",
			 HUGE_1G_NR);
		return -1;
	}
	if (read_long(HUGE_1G_FREE) > 0)
		return old;
	write_long("/proc/sys/vm/compact_memory", 1);
	write_long(HUGE_1G_NR, old + 1);
	if (read_long(HUGE_1G_FREE) > 0)
		return old;
	write_long(HUGE_1G_NR, old);
	snprintf(why, n, "no free 1 GiB page: none reserved at boot "
		 "(cma=0 hugepagesz=1G hugepages=1) and no free aligned GiB "
		 "at run time, even after compaction");
	return -1;
}

void hugetlb_1g_release(long old)
{
	if (old >= 0)
		write_long(HUGE_1G_NR, old);
}
