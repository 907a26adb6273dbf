/* SPDX-License-Identifier: GPL-2.0 */
/*
 * backing.h - layer 3: the memory behind a memslot.
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

#include "model/vma.h"

#define SZ_4K	0x1000ULL
#define SZ_2M	0x200000ULL
#define SZ_1G	0x40000000ULL

struct backing;
struct region;
struct vm;

struct backing_ops {
	const char *name;
	const char *desc;
	unsigned int vma;	/* VMA_* flags */
	uint64_t page_size;	/* the host page size it is built from */
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

const struct backing_ops *backing_find(const char *name);
int __backing_create(const struct backing_ops *ops, uint64_t size,
		     struct backing *b);
/* __backing_create() for a case: SKIP when unavailable, FAIL on error. */
void backing_create(const struct backing_ops *ops, uint64_t size,
		    struct backing *b);
void backing_destroy(struct backing *b);
/*
 * A memslot of the whole backing at gpa in vm, the way a VMM makes one:
 * by HVA, or for VMA_GMEM by guest_memfd fd + offset with b->hva as the
 * VMM's own view. 0 or -errno (cases may expect a refusal).
 */
int backing_add_slot(struct backing *b, struct vm *vm, uint64_t gpa,
		     uint32_t flags, struct region **out);
bool backing_host_huge(struct backing *b);

/*
 * 1 GiB hugetlb pages (lib/backing/hugetlb_1g.c), unlisted: only code that
 * names it meets a kind needing a free gigantic page.
 * hugetlb_1g_reserve() finds one (reserved at boot, else one more now,
 * after compaction) and returns the nr_hugepages to give back to
 * hugetlb_1g_release(), or -1 saying why in why.
 */
long hugetlb_1g_reserve(char *why, size_t n);
void hugetlb_1g_release(long old);

/* Helpers for kinds. */
int backing_mmap(struct backing *b, uint64_t size, int prot, int flags,
		 int fd, uint64_t align);
int backing_alias(struct backing *b);
int backing_memfd(struct backing *b, uint64_t size, unsigned int flags);
int backing_unavailable(struct backing *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int backing_need_hugepages(struct backing *b, uint64_t size);
int backing_tmpfile(struct backing *b, const char *dir);
int backing_fill_file(struct backing *b, uint64_t size, uint64_t pattern);
void backing_generic_destroy(struct backing *b);

#endif
