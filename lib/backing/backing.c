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
#include "host_mem.h"
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
/* The piece's name in S2_ENV_ERROR_<PIECE>, vm/init's report. */
static const char *env_piece_name(enum env_piece p)
{
	static const char *const names[] = {
		[ENV_FIXTURE] = "FIXTURE", [ENV_FSDAX] = "FSDAX",
		[ENV_DEVDAX] = "DEVDAX", [ENV_VFIO] = "VFIO",
		[ENV_HUGETLB] = "HUGETLB",
	};

	return p < ARRAY_SIZE(names) ? names[p] : NULL;
}

void backing_create(const struct backing_ops *ops, uint64_t size,
		    struct backing *b)
{
	int ret = __backing_create(ops, size, b);
	const char *piece = env_piece_name(ops->env);

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

static void give_back_hugepages(struct backing *b);

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
	give_back_hugepages(b);
}

static const struct host_sizes *sizes(void)
{
	return &kernel_facts()->sizes;
}

uint64_t backing_page_size(const struct backing_ops *ops)
{
	const struct host_sizes *s = sizes();
	uint64_t huge = 0;

	switch (ops->map) {
	case MAP_PAGES:
	case MAP_PFNMAP:
		return s->geom.page;
	case MAP_THP:
		return s->thp;
	case MAP_DAX:
		return s->geom.pmd;
	case MAP_HUGETLB_PMD:
		huge = s->geom.pmd;
		break;
	case MAP_HUGETLB_CONT_PTE:
		huge = s->geom.cont_pte;
		break;
	case MAP_HUGETLB_PUD:
		huge = s->geom.pud;
		break;
	}
	return sizes_has_hugetlb(s, huge) ? huge : 0;
}

/* Driver memory is never block-mapped: a few pages are enough. */
#define PFNMAP_REGION_PAGES	128

uint64_t backing_region_size(const struct backing_ops *ops)
{
	const struct page_geom *g = &sizes()->geom;
	uint64_t page = backing_page_size(ops), size, cap;

	switch (ops->map) {
	case MAP_PFNMAP:
		size = PFNMAP_REGION_PAGES * g->page;
		break;
	case MAP_HUGETLB_CONT_PTE:
		size = 2 * g->cont_pte;
		break;
	case MAP_HUGETLB_PUD:
		size = g->pud ? g->pud : g->pmd;
		break;
	default:
		size = page > g->pmd ? page : g->pmd;
		break;
	}
	/*
	 * A device smaller than the block (64K pages' 512M PMD on the VM's
	 * 64M devdax) would fault past its end: the whole device instead.
	 */
	cap = ops->capacity ? ops->capacity() : 0;
	cap -= cap % g->page;
	return cap && cap < size ? cap : size;
}

/*
 * Reserve size + align of address space and return its aligned part:
 * huge stage-2 blocks need the HVA and GPA co-aligned
 * (fault_supports_stage2_huge_mapping()). The caller maps over it.
 */
void *backing_reserve_aligned(struct backing *b, uint64_t size,
			      uint64_t align)
{
	uint64_t pad = align > sizes()->geom.page ? align : 0;
	char *p;

	p = mmap(NULL, size + pad, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	b->map = p;
	b->map_size = size + pad;
	if (!pad)
		return p;
	return (void *)(((uintptr_t)p + pad - 1) & ~(uintptr_t)(align - 1));
}

/* Map size bytes at an hva aligned to align (0: the host page). */
int backing_mmap(struct backing *b, uint64_t size, int prot, int flags,
		 int fd, uint64_t align)
{
	void *hva = backing_reserve_aligned(b, size, align);

	if (!hva)
		return -errno;
	b->hva = mmap(hva, size, prot, flags | MAP_FIXED, fd, 0);
	if (b->hva == MAP_FAILED) {
		b->hva = NULL;
		return -errno;
	}
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
			   b->fd, backing_page_size(b->ops));
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

unsigned int backing_huge_flag(uint64_t huge)
{
	/* MAP_HUGE_SHIFT == MFD_HUGE_SHIFT == 26: log2 of the size. */
	return (unsigned int)__builtin_ctzll(huge) << 26;
}

static void hugepages_path(char *buf, size_t n, uint64_t huge,
			   const char *file)
{
	snprintf(buf, n, "/sys/kernel/mm/hugepages/hugepages-%llukB/%s",
		 (unsigned long long)(huge >> 10), file);
}

/* Leave the pool as it was: the host's huge pages belong to its admin. */
static void give_back_hugepages(struct backing *b)
{
	char path[128];
	long nr;

	if (!b->huge_added)
		return;
	hugepages_path(path, sizeof(path), b->huge_size, "nr_hugepages");
	nr = knob_read(path);
	if (nr >= b->huge_added)
		knob_write(path, nr - b->huge_added);
	b->huge_added = 0;
}

/*
 * Free pages of the size, else the missing ones now (after compaction):
 * the VM reserves what it can at boot, but a granule's contiguous sizes
 * may only be had at run time. Destroy gives them back.
 */
int backing_need_hugepages(struct backing *b, uint64_t size, uint64_t huge)
{
	char path[128], name[16], offered[128];
	long need, free_pages, nr, after;

	if (!huge) {
		sizes_format(sizes(), offered, sizeof(offered));
		return backing_unavailable(b, "the kernel offers no hugetlb "
					   "size for this kind (%s)", offered);
	}
	size_str(huge, name, sizeof(name));
	need = (size + huge - 1) / huge;
	hugepages_path(path, sizeof(path), huge, "free_hugepages");
	free_pages = knob_read(path);
	if (free_pages >= need)
		return 0;
	hugepages_path(path, sizeof(path), huge, "nr_hugepages");
	nr = knob_read(path);
	if (nr >= 0) {
		knob_write("/proc/sys/vm/compact_memory", 1);
		knob_write(path, nr + need - (free_pages > 0 ? free_pages : 0));
		after = knob_read(path);
		b->huge_size = huge;
		b->huge_added = after > nr ? after - nr : 0;
		hugepages_path(path, sizeof(path), huge, "free_hugepages");
		free_pages = knob_read(path);
	}
	if (free_pages >= need)
		return 0;
	give_back_hugepages(b);
	return backing_unavailable(b, "%ld free %s huge pages, need %ld: "
				   "none reserved at boot (hugepagesz=%s "
				   "hugepages=N) and none to be had now",
				   free_pages, name, need, name);
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

/*
 * Give a file known content so "the file's data" is recognisable. Big
 * writes: a syscall costs tens of microseconds under TCG, and a 4K
 * buffer took 8192 of them for 16K pages' 32M block (a quarter of a
 * second per case) and 131072 for 64K's 512M.
 */
#define FILL_CHUNK	(1ULL << 20)

int backing_fill_file(struct backing *b, uint64_t size, uint64_t pattern)
{
	uint64_t chunk = size < FILL_CHUNK ? size : FILL_CHUNK, off, *buf;
	int ret = 0;
	size_t i;

	buf = mmap(NULL, chunk, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return -errno;
	for (i = 0; i < chunk / sizeof(*buf); i++)
		buf[i] = pattern;
	for (off = 0; off < size;) {
		uint64_t len = size - off < chunk ? size - off : chunk;
		ssize_t w = pwrite(b->fd, buf, len, off);

		/* A short write is retried: its cause (ENOSPC) comes next. */
		if (w <= 0) {
			ret = w < 0 ? -errno : -ENOSPC;
			break;
		}
		off += w;
	}
	munmap(buf, chunk);
	if (!ret)
		b->file_fill = pattern;
	return ret;
}

/*
 * The host mapping size at b's first page: a hugetlb kind's page size, or
 * the PMD when smaps counts a PMD-mapped THP there (anon, shmem or file).
 */
uint64_t backing_host_map_size(struct backing *b)
{
	const struct host_sizes *s = sizes();
	uintptr_t start, end, hva = (uintptr_t)b->hva;
	uint64_t map = s->geom.page;
	char line[256], key[32];
	bool in_vma = false;
	long kb;
	FILE *f;

	if (b->ops->vma & VMA_HUGETLB)
		return backing_page_size(b->ops);
	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return map;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in_vma = hva >= start && hva < end;
		else if (in_vma && sscanf(line, "%31[A-Za-z]: %ld kB", key,
					  &kb) == 2 &&
			 (!strcmp(key, "AnonHugePages") ||
			  !strcmp(key, "ShmemPmdMapped") ||
			  !strcmp(key, "FilePmdMapped")) &&
			 (uint64_t)kb * 1024 >= s->geom.pmd)
			map = s->geom.pmd;
	}
	fclose(f);
	return map;
}

int backing_unmap(struct backing *b, uint64_t size, enum unmap_op op)
{
	switch (op) {
	case UNMAP_MUNMAP:
		return munmap(b->hva, size) ? -errno : 0;
	case UNMAP_DONTNEED:
		return madvise(b->hva, size, MADV_DONTNEED) ? -errno : 0;
	case UNMAP_PUNCH_HOLE:
		return fallocate(b->fd, FALLOC_FL_PUNCH_HOLE |
				 FALLOC_FL_KEEP_SIZE, 0, size) ? -errno : 0;
	case UNMAP_MPROTECT_RO:
		return mprotect(b->hva, size, PROT_READ) ? -errno : 0;
	default:
		return -EINVAL;
	}
}
