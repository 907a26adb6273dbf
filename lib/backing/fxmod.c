// SPDX-License-Identifier: GPL-2.0
/*
 * fxmod.c - the fixture module's client: shared code of the fixture_*
 * backings (/dev/s2fixture).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fxmod.h"

static const char *const kind_names[S2FX_NR_KINDS] = {
	[S2FX_TTM] = "TTM",
	[S2FX_CACHEABLE] = "cacheable",
	[S2FX_WC] = "write-combine",
	[S2FX_DEVICE] = "Device",
};

int fxmod_info(int fd, struct s2fx_info *info)
{
	return ioctl(fd, S2FX_IOC_INFO, info) ? -errno : 0;
}

int fxmod_ttm_query(int fd, uint64_t offset, struct s2fx_page *pages,
		    uint32_t count, uint32_t *gen)
{
	struct s2fx_ttm_query q = {
		.offset = offset,
		.pages = (uintptr_t)pages,
		.count = count,
	};

	if (ioctl(fd, S2FX_IOC_TTM_QUERY, &q))
		return -errno;
	if (gen)
		*gen = q.gen;
	return 0;
}

int fxmod_ttm_evict(int fd, uint32_t flags, struct s2fx_evict *ev)
{
	ev->flags = flags;
	return ioctl(fd, S2FX_IOC_TTM_EVICT, ev) ? -errno : 0;
}

void *fxmod_map(struct backing *b, uint64_t size, enum s2fx_kind kind,
		void *fixed)
{
	void *p = mmap(fixed, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | (fixed ? MAP_FIXED : 0), b->fd,
		       S2FX_OFFSET(kind));

	return p == MAP_FAILED ? NULL : p;
}

/* Missing module or carve-out: the kind is unavailable, not broken. */
static int fxmod_open(struct backing *b, uint64_t size, enum s2fx_kind kind)
{
	struct s2fx_info info;
	int ret;

	b->fd = open(S2FX_DEV, O_RDWR | O_CLOEXEC);
	if (b->fd < 0 && errno == ENOENT)
		return backing_unavailable(b, "no %s: load s2fixture.ko "
					   "(fixture/build.sh)", S2FX_DEV);
	if (b->fd < 0)
		return -errno;
	ret = fxmod_info(b->fd, &info);
	if (ret)
		return ret;
	if (info.abi_version != S2FX_ABI_VERSION)
		return backing_unavailable(b, "s2fixture ABI %u, the suite "
					   "wants %u: rebuild the module",
					   info.abi_version, S2FX_ABI_VERSION);
	if (info.size[kind] < size)
		return backing_unavailable(b, "s2fixture has %llu bytes of %s "
					   "memory, need %llu%s",
					   (unsigned long long)info.size[kind],
					   kind_names[kind],
					   (unsigned long long)size,
					   kind == S2FX_TTM ? "" :
					   " (hide RAM with mem= and load "
					   "s2fixture with base=/size=)");
	return 0;
}

int fxmod_create(struct backing *b, uint64_t size, enum s2fx_kind kind)
{
	void *hva;
	int ret = fxmod_open(b, size, kind);

	if (ret)
		return ret;
	/*
	 * Map the device over a PMD-aligned reservation, so the file offset
	 * stays exact and the hva is co-aligned with vm_alloc_gpa()'s GPAs.
	 */
	hva = backing_reserve_aligned(b, size, kernel_facts()->sizes.geom.pmd);
	if (!hva)
		return -errno;
	b->hva = fxmod_map(b, size, kind, hva);
	return b->hva ? 0 : -errno;
}
