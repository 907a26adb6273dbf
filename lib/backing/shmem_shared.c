// SPDX-License-Identifier: GPL-2.0
/* shmem_shared.c - MAP_SHARED|MAP_ANONYMOUS (shmem without a name). */
#include <sys/mman.h>

#include "backing.h"

static int shmem_shared_create(struct backing *b, uint64_t size)
{
	return backing_mmap(b, size, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

static const struct backing_ops shmem_shared = {
	.name = "shmem_shared",
	.desc = "MAP_SHARED|MAP_ANONYMOUS",
	.vma = VMA_ANON | VMA_SHARED | VMA_SHMEM,
	.map = MAP_PAGES,
	.create = shmem_shared_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(shmem_shared);
