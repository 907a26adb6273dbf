// SPDX-License-Identifier: GPL-2.0
/* memfd_shared.c - memfd_create() mapped MAP_SHARED, with a host alias. */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backing.h"

static int memfd_shared_create(struct backing *b, uint64_t size)
{
	int ret;

	b->fd = memfd_create("s2conform-memfd", MFD_CLOEXEC);
	if (b->fd < 0)
		return -errno;
	if (ftruncate(b->fd, size))
		return -errno;
	ret = backing_mmap(b, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   b->fd, SZ_4K);
	if (!ret)
		madvise(b->hva, size, MADV_NOHUGEPAGE);
	return ret ? ret : backing_alias(b);
}

static const struct backing_ops memfd_shared = {
	.name = "memfd_shared",
	.desc = "memfd_create() MAP_SHARED",
	.vma = VMA_SHARED | VMA_SHMEM,
	.page_size = SZ_4K,
	.create = memfd_shared_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(memfd_shared);
