// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_bar.c - a PCI BAR of a device bound to vfio-pci, mmapped through
 * the VFIO device fd (vfio_pci_core_mmap: VM_IO|VM_PFNMAP, VM_SHARED,
 * pgprot_noncached; from 6.9 also VM_ALLOW_ANY_UNCACHED).
 *
 * The device is $S2_VFIO_DEVICE (a PCI address, e.g. 0000:00:01.0) and
 * the BAR $S2_VFIO_BAR (default 2: ivshmem-plain's RAM-backed BAR). The VM
 * harness binds QEMU's ivshmem-plain to vfio-pci and sets both; on other
 * machines name a device whose BAR may be scribbled on. The container
 * (type1 IOMMU), group and device fds are opened once per process and
 * kept: a group fd is exclusive, so a second backing in one case could not
 * reopen it. b->fd is the device fd (for config-space and region access
 * by tests) and is not closed by destroy.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backing.h"

static struct {
	int container, group, device;
	char why[160];
} vfio = { -1, -1, -1 };

/* Record why VFIO is unusable: "what: strerror(errno)". */
static int vfio_fail(const char *what, const char *arg)
{
	int err = errno;
	char buf[128];

	snprintf(buf, sizeof(buf), what, arg);
	snprintf(vfio.why, sizeof(vfio.why), "%s: %s", buf, strerror(err));
	return -EOPNOTSUPP;
}

/* The IOMMU group number of PCI device bdf, from sysfs. */
static int vfio_group_of(const char *bdf, char *group, size_t n)
{
	char link[PATH_MAX], path[PATH_MAX];
	const char *env = getenv("S2_VFIO_GROUP");
	ssize_t len;

	if (env && *env) {
		snprintf(group, n, "%s", env);
		return 0;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 bdf);
	len = readlink(path, link, sizeof(link) - 1);
	if (len <= 0)
		return vfio_fail("%s has no IOMMU group", bdf);
	link[len] = 0;
	snprintf(group, n, "%s", strrchr(link, '/') + 1);
	return 0;
}

static int vfio_open_container(void)
{
	int type = VFIO_TYPE1v2_IOMMU;

	vfio.container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (vfio.container < 0)
		return vfio_fail("%s", "/dev/vfio/vfio");
	if (ioctl(vfio.container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return vfio_fail("%s", "unknown VFIO API version");
	if (ioctl(vfio.container, VFIO_CHECK_EXTENSION, type) <= 0) {
		type = VFIO_TYPE1_IOMMU;
		if (ioctl(vfio.container, VFIO_CHECK_EXTENSION, type) <= 0)
			return vfio_fail("%s", "no type1 IOMMU in VFIO");
	}
	return type;
}

/* Container, group, device: the legacy VFIO flow (all three kernels). */
static int vfio_open(const char *bdf)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char group[32], path[64];
	int type, ret;

	ret = vfio_group_of(bdf, group, sizeof(group));
	if (ret)
		return ret;
	type = vfio_open_container();
	if (type < 0)
		return type;
	snprintf(path, sizeof(path), "/dev/vfio/%s", group);
	vfio.group = open(path, O_RDWR | O_CLOEXEC);
	if (vfio.group < 0)
		return vfio_fail("%s (is the device bound to vfio-pci?)", path);
	if (ioctl(vfio.group, VFIO_GROUP_GET_STATUS, &st))
		return vfio_fail("%s: VFIO_GROUP_GET_STATUS", path);
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		return vfio_fail("%s: not viable (a device of the group is "
				 "not bound to vfio-pci)", path);
	}
	if (ioctl(vfio.group, VFIO_GROUP_SET_CONTAINER, &vfio.container))
		return vfio_fail("%s: VFIO_GROUP_SET_CONTAINER", path);
	if (ioctl(vfio.container, VFIO_SET_IOMMU, type))
		return vfio_fail("%s: VFIO_SET_IOMMU", "container");
	vfio.device = ioctl(vfio.group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (vfio.device < 0)
		return vfio_fail("%s: VFIO_GROUP_GET_DEVICE_FD", bdf);
	return 0;
}

/* Open once; later calls return the first answer. */
static int vfio_device(struct backing *b)
{
	static int state = 1;	/* 1: not tried yet */
	const char *bdf = getenv("S2_VFIO_DEVICE");

	if (state == 1) {
		if (!bdf || !*bdf) {
			const char *why = getenv("S2_VFIO_WHY");

			/* The VM harness says why (vm/devices.sh). */
			snprintf(vfio.why, sizeof(vfio.why), "no VFIO device: "
				 "%s", why && *why ? why : "set "
				 "S2_VFIO_DEVICE to a PCI address bound to "
				 "vfio-pci");
			state = -EOPNOTSUPP;
		} else {
			state = vfio_open(bdf);
		}
	}
	if (state)
		return backing_unavailable(b, "%s", vfio.why);
	return vfio.device;
}

static int vfio_bar_index(void)
{
	const char *env = getenv("S2_VFIO_BAR");

	return env && *env ? atoi(env) : VFIO_PCI_BAR2_REGION_INDEX;
}

/* The BAR at a PMD-aligned hva, co-aligned with vm_alloc_gpa()'s GPAs. */
static int vfio_bar_map(struct backing *b, uint64_t size, uint64_t off)
{
	char *hva, *p;

	hva = backing_reserve_aligned(b, size,
				      kernel_facts()->sizes.geom.pmd);
	if (!hva)
		return -errno;
	p = mmap(hva, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 b->fd, off);
	if (p == MAP_FAILED)
		return -errno;
	b->hva = p;
	return 0;
}

static int vfio_bar_create(struct backing *b, uint64_t size)
{
	struct vfio_region_info info = { .argsz = sizeof(info) };
	int fd = vfio_device(b);

	if (fd < 0)
		return fd;
	b->fd = fd;
	info.index = vfio_bar_index();
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &info))
		return backing_unavailable(b, "BAR%u: region info: %m",
					   info.index);
	if (!(info.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return backing_unavailable(b, "BAR%u cannot be mmapped",
					   info.index);
	if (info.size < size)
		return backing_unavailable(b, "BAR%u has %llu bytes, need "
					   "%llu", info.index,
					   (unsigned long long)info.size,
					   (unsigned long long)size);
	return vfio_bar_map(b, size, info.offset);
}

/* The device fd stays open for the process: only the mapping goes. */
static void vfio_bar_destroy(struct backing *b)
{
	if (b->map)
		munmap(b->map, b->map_size);
	b->map = b->hva = NULL;
	b->fd = -1;
}

static const struct backing_ops vfio_bar = {
	.name = "vfio_bar",
	.env = ENV_VFIO,
	.desc = "PCI BAR of a vfio-pci device, mmapped through VFIO",
	.vma = VMA_SHARED | VMA_PFNMAP | VMA_DEVICE,
	.map = MAP_PFNMAP,
	.create = vfio_bar_create,
	.destroy = vfio_bar_destroy,
};
BACKING_REGISTER(vfio_bar);
