// SPDX-License-Identifier: GPL-2.0
/* anon_4k.c - private anonymous memory forced to host base pages. */
#include <sys/mman.h>

#include "backing.h"

static int anon_4k_create(struct backing *b, uint64_t size)
{
	int ret = backing_mmap(b, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!ret)
		madvise(b->hva, size, MADV_NOHUGEPAGE);
	return ret;
}

static const struct backing_ops anon_4k = {
	.name = "anon_4k",
	.desc = "MAP_PRIVATE|MAP_ANONYMOUS, MADV_NOHUGEPAGE",
	.vma = VMA_ANON,
	.map = MAP_PAGES,
	.create = anon_4k_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(anon_4k);
