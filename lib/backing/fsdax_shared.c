// SPDX-License-Identifier: GPL-2.0
/*
 * fsdax_shared.c - a file on a filesystem mounted with -o dax, mapped
 * MAP_SHARED: the PTEs point straight at pmem pages (ZONE_DEVICE, no page
 * cache). The VMA is neither VM_PFNMAP nor VM_MIXEDMAP, so 7.x maps it
 * Normal; 6.x decides by whether the pmem pfns are in memblock (row 14).
 *
 * The directory is $S2_FSDAX_DIR (the VM harness mounts an ext4 -o dax on
 * an fsdax pmem namespace there). A MAP_SYNC mapping is tried first: only
 * a DAX file accepts it, so a directory that is not really DAX SKIPs
 * instead of quietly testing the page cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "backing.h"
#include "file_private.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE	0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC		0x80000
#endif

/* The VM harness says why it made no fsdax (vm/devices.sh), else how to. */
static const char *device_why(const char *env, const char *how)
{
	const char *why = getenv(env);

	return why && *why ? why : how;
}

/* MAP_SYNC is refused (EOPNOTSUPP) unless the file is DAX. */
static int fsdax_check(struct backing *b, const char *dir)
{
	uint64_t page = kernel_facts()->sizes.geom.page;
	void *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		       MAP_SHARED_VALIDATE | MAP_SYNC, b->fd, 0);

	if (p == MAP_FAILED)
		return backing_unavailable(b, "%s is not DAX (MAP_SYNC: %m)",
					   dir);
	munmap(p, page);
	return 0;
}

/*
 * File offset 0 at a 2 MiB-aligned address, so PMD faults are possible.
 * (backing_mmap() pads by mapping more of the file, which would put the
 * aligned address at an offset past the blocks written here.)
 */
static int fsdax_map(struct backing *b, uint64_t size)
{
	char *hva, *p;

	hva = backing_reserve_aligned(b, size, backing_page_size(b->ops));
	if (!hva)
		return -errno;
	p = mmap(hva, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 b->fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	b->hva = p;
	return 0;
}

/*
 * The filesystem's free space less a sixteenth for the file's own
 * metadata, 0 if unknown: 64K pages' 512M block does not fit the VM's
 * 64M pmem half at all.
 */
static uint64_t fsdax_capacity(void)
{
	const char *dir = getenv("S2_FSDAX_DIR");
	struct statvfs st;
	uint64_t avail;

	if (!dir || !*dir || statvfs(dir, &st))
		return 0;
	avail = (uint64_t)st.f_bavail * st.f_frsize;
	return avail - avail / 16;
}

static int fsdax_shared_create(struct backing *b, uint64_t size)
{
	const char *dir = getenv("S2_FSDAX_DIR");
	int ret;

	if (!dir || !*dir)
		return backing_unavailable(b, "no fsdax filesystem: %s",
					   device_why("S2_FSDAX_WHY",
						      "set S2_FSDAX_DIR to a "
						      "directory on a -o dax "
						      "mount"));
	ret = backing_tmpfile(b, dir);
	if (ret)
		return ret;
	/* Real blocks, not holes: the guest then faults on pmem pages. */
	ret = backing_fill_file(b, size, FILE_PATTERN);
	if (ret == -ENOSPC)
		return backing_unavailable(b, "%s: no space for %llu bytes",
					   dir, (unsigned long long)size);
	if (ret)
		return ret;
	ret = fsdax_check(b, dir);
	if (ret)
		return ret;
	return fsdax_map(b, size);
}

static const struct backing_ops fsdax_shared = {
	.name = "fsdax_shared",
	.env = ENV_FSDAX,
	.desc = "file on an -o dax filesystem (pmem), MAP_SHARED",
	.vma = VMA_SHARED | VMA_DAX,
	.map = MAP_DAX,
	.create = fsdax_shared_create,
	.capacity = fsdax_capacity,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(fsdax_shared);
