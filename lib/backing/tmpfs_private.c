// SPDX-License-Identifier: GPL-2.0
/* tmpfs_private.c - a tmpfs file (shmem_file()) mapped MAP_PRIVATE. */
#include <stdlib.h>

#include "file_private.h"

static const char *tmpfs_dir(void)
{
	const char *dir = getenv("S2_TMPFS_DIR");

	return dir ? dir : "/dev/shm";
}

static int tmpfs_private_create(struct backing *b, uint64_t size)
{
	return file_private_create(b, size, tmpfs_dir(), true);
}

static void tmpfs_private_preload(const struct backing_ops *ops)
{
	file_private_preload(ops, tmpfs_dir(), true);
}

static const struct backing_ops tmpfs_private = {
	.name = "tmpfs_private",
	.desc = "tmpfs file MAP_PRIVATE",
	.vma = VMA_SHMEM,
	.map = MAP_PAGES,
	.create = tmpfs_private_create,
	.preload = tmpfs_private_preload,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(tmpfs_private);
