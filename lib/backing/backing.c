// SPDX-License-Identifier: GPL-2.0
/*
 * backing.c - registry and helpers shared by the backing kinds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backing.h"
#include "verdict.h"
#include "vm.h"

const struct backing_ops *backing_find(const char *name)
{
	const struct backing_ops *const *p;

	/* The unlisted kinds too: a name is asked for on purpose. */
	for (p = __start_s2_backings; p < __stop_s2_backings; p++)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

int backing_unavailable(struct backing *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->why, sizeof(b->why), fmt, ap);
	va_end(ap);
	return -EOPNOTSUPP;
}

int __backing_create(const struct backing_ops *ops, uint64_t size,
		     struct backing *b)
{
	memset(b, 0, sizeof(*b));
	b->ops = ops;
	b->fd = -1;
	b->size = size;
	return ops->create(b, size);
}

/* The VM harness piece a kind needs (test_skip_env()), or NULL. */
static const char *env_piece(const char *kind)
{
	static const char *const map[][2] = {
		{ "fixture_", "FIXTURE" }, { "fsdax", "FSDAX" },
		{ "devdax", "DEVDAX" }, { "vfio", "VFIO" },
		{ "hugetlb_private", "HUGETLB" }, { "hugetlb_shared", "HUGETLB" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (!strncmp(kind, map[i][0], strlen(map[i][0])))
			return map[i][1];
	return NULL;
}

void backing_create(const struct backing_ops *ops, uint64_t size,
		    struct backing *b)
{
	int ret = __backing_create(ops, size, b);
	const char *piece = env_piece(ops->name);

	if (ret == -EOPNOTSUPP && piece)
		test_skip_env(piece, "%s unavailable: %s", ops->name, b->why);
	if (ret == -EOPNOTSUPP)
		test_skip("%s unavailable: %s", ops->name, b->why);
	if (ret)
		test_fail("creating %s backing: %s%s%s", ops->name,
			  strerror(-ret), b->why[0] ? ": " : "", b->why);
}

int backing_add_slot(struct backing *b, struct vm *vm, uint64_t gpa,
		     uint32_t flags, struct region **out)
{
	int ret;

	if (b->ops->attach && b->vm != vm) {
		if (b->vm)
			return -EBUSY;	/* a guest_memfd binds to one VM */
		ret = b->ops->attach(b, vm);
		if (ret)
			return ret;
		b->vm = vm;
	}
	if (b->ops->vma & VMA_GMEM)
		return vm_add_gmem_slot(vm, gpa, b->size, b->hva,
					flags | KVM_MEM_GUEST_MEMFD, b->fd,
					b->gmem_offset, out);
	return vm_add_slot(vm, gpa, b->size, b->hva, flags, out);
}

void backing_destroy(struct backing *b)
{
	if (b->ops)
		b->ops->destroy(b);
	b->ops = NULL;
}

void backing_generic_destroy(struct backing *b)
{
	if (b->alias)
		munmap(b->alias, b->size);
	if (b->map)
		munmap(b->map, b->map_size);
	if (b->fd >= 0)
		close(b->fd);
	b->alias = b->map = NULL;
	b->fd = -1;
}

/*
 * Map size bytes with hva aligned to align: huge stage-2 blocks need the
 * HVA and GPA co-aligned (fault_supports_stage2_huge_mapping()).
 */
int backing_mmap(struct backing *b, uint64_t size, int prot, int flags,
		 int fd, uint64_t align)
{
	uint64_t pad = align > SZ_4K ? align : 0;
	char *p;

	p = mmap(NULL, size + pad, prot, flags, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	b->map = p;
	b->map_size = size + pad;
	b->hva = (void *)(((uintptr_t)p + pad) & ~(uintptr_t)(align - 1));
	if (!pad)
		b->hva = p;
	return 0;
}

/* memfd_create(flags) of size, mapped MAP_SHARED, plus the host alias. */
int backing_memfd(struct backing *b, uint64_t size, unsigned int flags)
{
	int ret;

	b->fd = memfd_create("s2conform", MFD_CLOEXEC | flags);
	if (b->fd < 0)
		return -errno;
	if (ftruncate(b->fd, size))
		return -errno;
	ret = backing_mmap(b, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   b->fd, SZ_4K);
	return ret ? ret : backing_alias(b);
}

/* A second MAP_SHARED view of b->fd: the host's window on guest pages. */
int backing_alias(struct backing *b)
{
	void *p = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       b->fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	b->alias = p;
	return 0;
}

static long meminfo(const char *key)
{
	char line[128];
	long val = -1;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			sscanf(line + n + 1, "%ld", &val);
	fclose(f);
	return val;
}

int backing_need_hugepages(struct backing *b, uint64_t size)
{
	long free_pages = meminfo("HugePages_Free");
	long hps = meminfo("Hugepagesize");

	if (hps != 2048)
		return backing_unavailable(b, "default huge page size is %ld "
					   "kB, not 2048", hps);
	if (free_pages < 0 || (uint64_t)free_pages * SZ_2M < size)
		return backing_unavailable(b, "HugePages_Free=%ld, need %llu "
					   "(reserve with hugepages=N)",
					   free_pages,
					   (unsigned long long)(size / SZ_2M));
	return 0;
}

/* An unnamed file in dir (created, then unlinked) as b->fd. */
int backing_tmpfile(struct backing *b, const char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/s2conform-XXXXXX", dir);
	b->fd = mkostemp(path, O_CLOEXEC);
	if (b->fd < 0)
		return backing_unavailable(b, "cannot create a file in %s: %s",
					   dir, strerror(errno));
	unlink(path);
	return 0;
}

/* Give a file known content so "the file's data" is recognisable. */
int backing_fill_file(struct backing *b, uint64_t size, uint64_t pattern)
{
	uint64_t buf[512];
	uint64_t off;
	size_t i;

	for (i = 0; i < sizeof(buf) / sizeof(buf[0]); i++)
		buf[i] = pattern;
	for (off = 0; off < size; off += sizeof(buf))
		if (pwrite(b->fd, buf, sizeof(buf), off) != sizeof(buf))
			return -errno;
	b->file_fill = pattern;
	return 0;
}

/* Whether the host maps b's first 2M with one huge page (hugetlb or THP). */
bool backing_host_huge(struct backing *b)
{
	uintptr_t start, end, hva = (uintptr_t)b->hva;
	char line[256];
	bool in_vma = false, huge = false;
	long kb;
	FILE *f;

	if (b->ops->vma & VMA_HUGETLB)
		return true;
	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in_vma = hva >= start && hva < end;
		else if (in_vma &&
			 sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			huge = kb >= 2048;
	}
	fclose(f);
	return huge;
}
