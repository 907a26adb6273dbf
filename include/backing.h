/* SPDX-License-Identifier: GPL-2.0 */
/*
 * backing.h - the memory behind a memslot.
 *
 * One file per kind in lib/backing/, each defining a struct backing_ops and
 * registering it with BACKING_REGISTER(): the registry is a linker section,
 * so adding a kind touches no other file. `vma` states what KVM's
 * predicates will see, and expectations are computed from it.
 */
#ifndef S2_BACKING_H
#define S2_BACKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/expect_unmap.h"

#include "kernel_facts.h"
#include "model/vma.h"

struct backing;
struct region;
struct vm;

/* How the host maps a kind: sizes come from kernel_facts()->sizes. */
enum backing_map {
	MAP_PAGES,		/* host base pages */
	MAP_THP,		/* THP-eligible: hpage_pmd_size when huge */
	MAP_HUGETLB_PMD,	/* hugetlb pages of PMD size */
	MAP_HUGETLB_CONT_PTE,	/* hugetlb pages of CONT_PTE size */
	MAP_HUGETLB_PUD,	/* hugetlb pages of PUD size (4K only) */
	MAP_DAX,		/* pmem: PMD where aligned */
	MAP_PFNMAP,		/* driver pfns: pages, no blocks */
};

/*
 * The piece of the VM environment (vm/init, vm/devices.sh) a kind needs:
 * where the harness failed to provide it (S2_ENV_ERROR_<PIECE>), the
 * kind's cases are ERROR, not SKIP.
 */
enum env_piece {
	ENV_NONE, ENV_FIXTURE, ENV_FSDAX, ENV_DEVDAX, ENV_VFIO, ENV_HUGETLB,
};

struct backing_ops {
	const char *name;
	const char *desc;
	enum env_piece env;
	unsigned int vma;	/* VMA_* flags */
	enum backing_map map;
	bool unlisted;		/* only backing_find() finds it */
	/*
	 * Map size bytes into b->hva (and b->alias, if the kind has a second
	 * view). 0, or -errno; an environment that cannot provide the kind
	 * returns -EOPNOTSUPP with b->why saying what is missing.
	 */
	int (*create)(struct backing *b, uint64_t size);
	/*
	 * Kinds whose memory belongs to one VM (guest_memfd: the file is
	 * made by, and binds only to, that VM) finish create() here, when
	 * backing_add_slot() first meets the VM; b->hva is valid after.
	 */
	int (*attach)(struct backing *b, struct vm *vm);
	void (*destroy)(struct backing *b);
	/*
	 * Bytes the kind can map at most (a device's size), 0 if unknown;
	 * NULL: as much as is asked. backing_region_size() stays within it.
	 */
	uint64_t (*capacity)(void);
	/*
	 * Work done once per test binary, before its cases fork (they
	 * inherit it), for a kind selected to run; best effort: a failure
	 * leaves create() to do it all and report.
	 */
	void (*preload)(const struct backing_ops *ops);
};

struct backing {
	const struct backing_ops *ops;
	void *hva;
	void *alias;		/* same pages through another mapping */
	uint64_t size;
	int fd;
	void *map;		/* what to munmap (may be padded) */
	uint64_t map_size;
	uint64_t file_fill;	/* a file-backed kind's initial content */
	uint64_t huge_size;	/* hugetlb pages added to the pool at create, */
	long huge_added;	/* given back by backing_generic_destroy() */
	struct vm *vm;		/* the VM attach() made it for */
	uint64_t gmem_offset;	/* VMA_GMEM: the slot's offset in fd */
	char why[160];
};

#define BACKING_REGISTER(ops)						\
	static const struct backing_ops *const __backing_ptr_##ops	\
	__attribute__((used, section("s2_backings"), aligned(8))) = &ops

extern const struct backing_ops *const __start_s2_backings[];
extern const struct backing_ops *const __stop_s2_backings[];

static inline const struct backing_ops *const *
__backing_listed(const struct backing_ops *const *p)
{
	while (p < __stop_s2_backings && (*p)->unlisted)
		p++;
	return p;
}

/* Every registered kind but the unlisted ones. */
#define for_each_backing(p)						\
	for (p = __backing_listed(__start_s2_backings);			\
	     p < __stop_s2_backings; p = __backing_listed(p + 1))

/* The host's page size: COPY_TAGS, pagemap and madvise work in it. */
static inline uint64_t host_page(void)
{
	return kernel_facts()->sizes.geom.page;
}

const struct backing_ops *backing_find(const char *name);
int __backing_create(const struct backing_ops *ops, uint64_t size,
		     struct backing *b);
/* __backing_create() for a case: SKIP when unavailable, FAIL on error. */
void backing_create(const struct backing_ops *ops, uint64_t size,
		    struct backing *b);

/*
 * Unmap size bytes of the backing from the host side, as a VMM would:
 * munmap, MADV_DONTNEED, a hole punch or mprotect(PROT_READ) (enum
 * unmap_op; a slot delete is the VM's, vm_delete_slot()). 0 or -errno.
 */
int backing_unmap(struct backing *b, uint64_t size, enum unmap_op op);
void backing_destroy(struct backing *b);
/* The page size the kind's mapping is made of on this host, 0 if none. */
uint64_t backing_page_size(const struct backing_ops *ops);
/*
 * The size per-backing cases use: one block where the kind can be mapped
 * with blocks (so a wrong block or a missing one shows), a few host pages
 * of driver memory otherwise.
 */
uint64_t backing_region_size(const struct backing_ops *ops);
/* Bytes the host maps b's first page with: page, or PMD/PUD if huge. */
uint64_t backing_host_map_size(struct backing *b);
/*
 * A memslot of the whole backing at gpa in vm, the way a VMM makes one:
 * by HVA, or for VMA_GMEM by guest_memfd fd + offset with b->hva as the
 * VMM's own view. 0 or -errno (cases may expect a refusal).
 */
int backing_add_slot(struct backing *b, struct vm *vm, uint64_t gpa,
		     uint32_t flags, struct region **out);

/*
 * PUD-size hugetlb pages (lib/backing/hugetlb_1g.c: 1 GiB at 4K, none
 * on other granules) are unlisted: only code that names it meets a kind
 * needing a free gigantic page.
 */
/* MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB at backing_page_size(b->ops). */
int backing_hugetlb_anon_create(struct backing *b, uint64_t size);

/* Helpers for kinds. */
int backing_mmap(struct backing *b, uint64_t size, int prot, int flags,
		 int fd, uint64_t align);
int backing_alias(struct backing *b);
int backing_memfd(struct backing *b, uint64_t size, unsigned int flags);
int backing_unavailable(struct backing *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Reserve at the host page size: returns the aligned hva, b->map set. */
void *backing_reserve_aligned(struct backing *b, uint64_t size,
			      uint64_t align);
/* size bytes of free huge pages of huge bytes each, reserved if need be. */
int backing_need_hugepages(struct backing *b, uint64_t size, uint64_t huge);
/* mmap()/memfd_create() flag bits naming a huge page size. */
unsigned int backing_huge_flag(uint64_t huge);
int backing_tmpfile(struct backing *b, const char *dir);
int backing_fill_file(struct backing *b, uint64_t size, uint64_t pattern);
void backing_generic_destroy(struct backing *b);

#endif
