// SPDX-License-Identifier: GPL-2.0
/*
 * devdax.c - mmap of a device-dax character device (/dev/daxX.Y): pmem
 * pages (ZONE_DEVICE) with no filesystem. The VMA is VM_SHARED and
 * VM_HUGEPAGE only, not VM_PFNMAP (drivers/dax/device.c), so 7.x maps it
 * Normal; 6.x decides by memblock (row 14).
 *
 * The device is $S2_DEVDAX (the VM harness makes one on a pmem namespace).
 * device-dax refuses mappings whose start or end is not a multiple of its
 * alignment (2 MiB on the harness's device), so the mapping is placed at a
 * 2 MiB-aligned address and the size must be a multiple of the alignment.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "backing.h"

/* The VM harness says why it made no devdax (vm/devices.sh), else how to. */
static const char *device_why(const char *env, const char *how)
{
	const char *why = getenv(env);

	return why && *why ? why : how;
}

/* The device's alignment from sysfs (/sys/dev/char/M:m/align); 2M if unknown. */
/* The device's own alignment; without sysfs, the PMD it defaults to. */
static uint64_t devdax_align(struct backing *b)
{
	unsigned long long align = backing_page_size(b->ops);
	char path[96];
	struct stat st;
	FILE *f;

	if (fstat(b->fd, &st))
		return align;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/align",
		 major(st.st_rdev), minor(st.st_rdev));
	f = fopen(path, "r");
	if (!f)
		return align;
	if (fscanf(f, "%llu", &align) != 1 || !align)
		align = backing_page_size(b->ops);
	fclose(f);
	return align;
}

/* The device's size (/sys/dev/char/M:m/size), 0 if unknown. */
static uint64_t devdax_capacity(void)
{
	const char *dev = getenv("S2_DEVDAX");
	unsigned long long size = 0;
	char path[96];
	struct stat st;
	FILE *f;

	if (!dev || !*dev || stat(dev, &st))
		return 0;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/size",
		 major(st.st_rdev), minor(st.st_rdev));
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &size) != 1)
		size = 0;
	fclose(f);
	return size;
}

static int devdax_create(struct backing *b, uint64_t size)
{
	const char *dev = getenv("S2_DEVDAX");
	uint64_t align;
	char *hva, *p;

	if (!dev || !*dev)
		return backing_unavailable(b, "no device-dax device: %s",
					   device_why("S2_DEVDAX_WHY",
						      "set S2_DEVDAX to "
						      "/dev/daxX.Y"));
	b->fd = open(dev, O_RDWR | O_CLOEXEC);
	if (b->fd < 0)
		return backing_unavailable(b, "%s: %m", dev);
	align = devdax_align(b);
	if (size % align)
		return backing_unavailable(b, "%s: %llu bytes is not a "
					   "multiple of its alignment %llu",
					   dev, (unsigned long long)size,
					   (unsigned long long)align);
	hva = backing_reserve_aligned(b, size, align);
	if (!hva)
		return -errno;
	p = mmap(hva, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 b->fd, 0);
	if (p == MAP_FAILED)
		return backing_unavailable(b, "mmap of %s: %m", dev);
	b->hva = p;
	return 0;
}

static const struct backing_ops devdax = {
	.name = "devdax",
	.env = ENV_DEVDAX,
	.desc = "device-dax /dev/daxX.Y (pmem), MAP_SHARED",
	.vma = VMA_SHARED | VMA_DAX,
	.map = MAP_DAX,
	.create = devdax_create,
	.capacity = devdax_capacity,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(devdax);
