/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_dirtylog.h - dirty logging of a memslot (rows 55-59): which
 * pages KVM_GET_DIRTY_LOG, KVM_CLEAR_DIRTY_LOG and the dirty ring must
 * report after the guest's accesses, and how many stage-2 faults those
 * accesses cost (the block split, rows 57/58).
 *
 * The expectation is a small model of the slot, page by page: the
 * dirty bit, and what stage 2 maps (nothing, read-only, writable; a
 * block or a page). The test drives the kernel and the model with the
 * same operations and compares what the kernel reports with the model.
 * The rules are the kernel's (arch/arm64/kvm/mmu.c, virt/kvm/kvm_main.c,
 * virt/kvm/dirty_ring.c of 6.12 and 7.2): the state follows each rule,
 * a wrong kernel breaks one.
 */
#ifndef S2_MODEL_EXPECT_DIRTYLOG_H
#define S2_MODEL_EXPECT_DIRTYLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "expect.h"

/* A 512M block of 64K pages: the most pages one slot here holds. */
#define DLOG_MAX_PAGES	8192
#define DLOG_WORDS	(DLOG_MAX_PAGES / 64)

/* KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE, KVM_DIRTY_LOG_INITIALLY_SET. */
#define DLOG_MANUAL_ENABLE	(1u << 0)
#define DLOG_INITIALLY_SET	(1u << 1)

/* What the kernel offers, as KVM_CHECK_EXTENSION answers. */
struct dlog_caps {
	unsigned int manual;	/* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 */
	uint64_t block_sizes;	/* KVM_CAP_ARM_SUPPORTED_BLOCK_SIZES: 0, no
				 * KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE */
	long ring_bytes;	/* KVM_CAP_DIRTY_LOG_RING_ACQ_REL: 0, none */
	bool ring_bitmap;	/* KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP */
};

/* How userspace reads the log in a case. */
enum dlog_mode {
	DLOG_GET,		/* KVM_GET_DIRTY_LOG clears and protects */
	DLOG_MANUAL,		/* manual protect: KVM_CLEAR_DIRTY_LOG does */
	DLOG_RING,		/* the dirty ring, KVM_RESET_DIRTY_RINGS */
};

enum dlog_map { DLOG_UNMAPPED, DLOG_RO, DLOG_RW };

struct dlog_state {
	uint64_t npages;
	uint64_t block;		/* pages per stage-2 block, 1: pages only */
	enum dlog_mode mode;
	bool init_set;		/* manual protect, KVM_DIRTY_LOG_INITIALLY_SET */
	bool eager;		/* an eager-split chunk size is set */
	bool eager_broken;	/* ... but the kernel cannot split (pKVM) */
	bool logging;
	uint64_t faults;	/* stage-2 faults since dlog_take_faults() */
	uint64_t bits[DLOG_WORDS];
	unsigned char map[DLOG_MAX_PAGES];	/* enum dlog_map */
	bool in_block[DLOG_MAX_PAGES];		/* mapped by a block */
};

/*
 * Which slots log at all: a PFNMAP slot refuses the flag (row 19), a
 * guest_memfd slot too (row 48), and memfd_secret memory cannot be
 * mapped (row 32). vma: VMA_* bits.
 */
bool dlog_backing_logs(unsigned int vma);

/*
 * A slot of npages pages, stage 2 mapping it in blocks of `block` pages
 * (1: page by page), nothing mapped yet. -EINVAL past DLOG_MAX_PAGES.
 */
int dlog_init(struct dlog_state *s, uint64_t npages, uint64_t block,
	      enum dlog_mode mode);
/* KVM_ENABLE_CAP(MANUAL_DIRTY_LOG_PROTECT2) with these mode bits. */
void dlog_set_manual(struct dlog_state *s, unsigned int bits);
/*
 * An eager-split chunk size is set; `broken`: the kernel's split call
 * fails (protected mode, row 58).
 */
void dlog_set_eager(struct dlog_state *s, bool broken);

/* Guest accesses and the ioctls, in the order the test makes them. */
void dlog_guest_read(struct dlog_state *s, uint64_t page);
void dlog_guest_write(struct dlog_state *s, uint64_t page);
void dlog_enable(struct dlog_state *s);
/*
 * KVM_GET_DIRTY_LOG or a ring harvest + KVM_RESET_DIRTY_RINGS: the
 * bitmap the kernel must report (out, DLOG_WORDS words); in DLOG_GET and
 * DLOG_RING the reported pages are clean and protected again.
 */
void dlog_get(struct dlog_state *s, uint64_t *out);
/* KVM_CLEAR_DIRTY_LOG over the whole slot with this bitmap. */
void dlog_clear(struct dlog_state *s, const uint64_t *mask);
/* The faults the model counted since the last call, and reset. */
uint64_t dlog_take_faults(struct dlog_state *s);

static inline void dlog_bit_set(uint64_t *bits, uint64_t page)
{
	bits[page / 64] |= 1ULL << (page % 64);
}

static inline bool dlog_bit(const uint64_t *bits, uint64_t page)
{
	return bits[page / 64] >> (page % 64) & 1;
}

/*
 * Compare an observed bitmap with the model's over npages: equal or
 * not, and both summarised ("5 set", "5 set, page 12 differs").
 */
bool dlog_compare(const uint64_t *obs, const uint64_t *exp, uint64_t npages,
		  char *obs_s, char *exp_s, size_t n);

/* The reason for a bitmap or ring comparison in this state. */
struct expect expect_dlog_log(const struct dlog_state *s);
/* Enabling the flag on a mapped slot of a kind that logs: accepted. */
struct expect expect_dlog_enable(void);
/*
 * Faults a burst of accesses costs: the model's count, out.value. A
 * measured count agrees when it is at least that and at most `slack`
 * more (other exits only ever add).
 */
struct expect expect_dlog_faults(const struct dlog_state *s, uint64_t faults,
				 const char *what);
bool dlog_faults_agree(uint64_t observed, uint64_t expected, uint64_t slack);
/*
 * Row 58: can this kernel split at enable time? unknown (SKIP) when the
 * eager-split cap is missing or the block size is not one of its sizes.
 */
struct expect expect_dlog_eager(const struct kernel_facts *kf,
				const struct dlog_caps *c, uint64_t block_bytes);
/* Row 59: the dirty ring, where offered (unknown otherwise). */
struct expect expect_dlog_ring(const struct dlog_caps *c);
/* Row 56: manual protect, where offered (unknown otherwise). */
struct expect expect_dlog_manual(const struct dlog_caps *c);

#endif
