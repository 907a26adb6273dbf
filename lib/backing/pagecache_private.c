// SPDX-License-Identifier: GPL-2.0
/*
 * pagecache_private.c - a regular (non-shmem) file mapped MAP_PRIVATE.
 * S2_PAGECACHE_DIR names the file system; the VM runner mounts a ramfs.
 */
#include <stdlib.h>

#include "file_private.h"

static int pagecache_private_create(struct backing *b, uint64_t size)
{
	const char *dir = getenv("S2_PAGECACHE_DIR");

	return file_private_create(b, size, dir ? dir : "/var/tmp", false);
}

static const struct backing_ops pagecache_private = {
	.name = "pagecache_private",
	.desc = "page-cache (non-shmem) file MAP_PRIVATE",
	.vma = VMA_FILE,
	.map = MAP_PAGES,
	.create = pagecache_private_create,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(pagecache_private);
