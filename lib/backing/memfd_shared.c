// SPDX-License-Identifier: GPL-2.0
/* memfd_shared.c - memfd_create() mapped MAP_SHARED, with a host alias. */
#include <sys/mman.h>

#include "backing.h"

static int memfd_shared_create(struct backing *b, uint64_t size)
{
	int ret = backing_memfd(b, size, 0);

	/* 4K pages: keep shmem THP (if enabled) out of this kind. */
	if (!ret)
		madvise(b->hva, size, MADV_NOHUGEPAGE);
	return ret;
}

static const struct backing_ops memfd_shared = {
	.name = "memfd_shared",
	.desc = "memfd_create() MAP_SHARED",
	.vma = VMA_SHARED | VMA_SHMEM,
	.map = MAP_PAGES,
	.create = memfd_shared_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(memfd_shared);
