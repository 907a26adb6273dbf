// SPDX-License-Identifier: GPL-2.0
/*
 * pagecache_private.c - a regular (non-shmem) file mapped MAP_PRIVATE.
 * S2_PAGECACHE_DIR names the file system; the VM runner mounts a ramfs.
 */
#include <stdlib.h>

#include "file_private.h"

static const char *pagecache_dir(void)
{
	const char *dir = getenv("S2_PAGECACHE_DIR");

	return dir ? dir : "/var/tmp";
}

static int pagecache_private_create(struct backing *b, uint64_t size)
{
	return file_private_create(b, size, pagecache_dir(), false);
}

static void pagecache_private_preload(const struct backing_ops *ops)
{
	file_private_preload(ops, pagecache_dir(), false);
}

static const struct backing_ops pagecache_private = {
	.name = "pagecache_private",
	.desc = "page-cache (non-shmem) file MAP_PRIVATE",
	.vma = VMA_FILE,
	.map = MAP_PAGES,
	.create = pagecache_private_create,
	.preload = pagecache_private_preload,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(pagecache_private);
