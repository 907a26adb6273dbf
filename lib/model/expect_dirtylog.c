// SPDX-License-Identifier: GPL-2.0
/*
 * expect_dirtylog.c - the dirty-log model of a memslot (rows 55-59).
 * Pure logic, no KVM: host unit tests link it on x86.
 *
 * One rule per operation, each the kernel's (6.12 and 7.2 read, 6.1 as
 * 6.12 where the lines are older than both):
 *  - a fault while the slot logs maps one page, writable only on a write
 *    fault (6.12 user_mem_abort() logging_active/force_pte; 7.2
 *    kvm_s2_resolve_vma_size(), kvm_s2_fault_compute_prot()). 6.x keeps
 *    W on a read fault to a Device pfn only when the host's own mapping
 *    is already writable; the pages a case reads first never were;
 *  - a write fault that maps a page marks it dirty (mark_page_dirty_in_slot()
 *    after the map), so only a write to a page that is not mapped
 *    writable is logged;
 *  - a page write-fault on a write-protected block replaces the block
 *    by a table holding that page alone: the rest of the block faults
 *    again (kvm_pgtable_stage2_map() below a block);
 *  - enabling the flag write-protects every mapping of the slot, and
 *    with an eager-split chunk size splits its blocks into pages
 *    (kvm_arch_commit_memory_region()), unless manual protect with
 *    INITIALLY_SET is on: then every bit starts set and nothing changes
 *    until KVM_CLEAR_DIRTY_LOG (kvm_prepare_memory_region());
 *  - re-protecting bits (GET_DIRTY_LOG without manual protect,
 *    CLEAR_DIRTY_LOG, a ring reset) write-protects from the first to the
 *    last bit of each 64-page word (kvm_arch_mmu_enable_log_dirty_pt_masked()),
 *    a whole block where the range touches one, and with manual protect,
 *    INITIALLY_SET and a chunk size splits those blocks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "expect_dirtylog.h"
#include "expect_mode.h"

bool dlog_backing_logs(unsigned int vma)
{
	return !(vma & (VMA_PFNMAP | VMA_GMEM | VMA_SECRETMEM));
}

int dlog_init(struct dlog_state *s, uint64_t npages, uint64_t block,
	      enum dlog_mode mode)
{
	if (!npages || npages > DLOG_MAX_PAGES || !block)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->npages = npages;
	s->block = block;
	s->mode = mode;
	return 0;
}

void dlog_set_manual(struct dlog_state *s, unsigned int bits)
{
	if (s->mode == DLOG_MANUAL)
		s->init_set = bits & DLOG_INITIALLY_SET;
}

void dlog_set_eager(struct dlog_state *s, bool broken)
{
	s->eager = true;
	s->eager_broken = broken;
}

static uint64_t block_start(const struct dlog_state *s, uint64_t page)
{
	return page - page % s->block;
}

static uint64_t block_end(const struct dlog_state *s, uint64_t page)
{
	uint64_t end = block_start(s, page) + s->block;

	return end < s->npages ? end : s->npages;
}

/* Map what a fault on page maps: its block, or the page alone. */
static void map_fault(struct dlog_state *s, uint64_t page, enum dlog_map m)
{
	uint64_t p;

	s->faults++;
	if (s->logging || s->block == 1) {
		s->map[page] = m;
		s->in_block[page] = false;
		return;
	}
	for (p = block_start(s, page); p < block_end(s, page); p++) {
		s->map[p] = m;
		s->in_block[p] = true;
	}
}

void dlog_guest_read(struct dlog_state *s, uint64_t page)
{
	if (page >= s->npages || s->map[page] != DLOG_UNMAPPED)
		return;
	map_fault(s, page, s->logging ? DLOG_RO : DLOG_RW);
}

/* The block around page becomes a table holding page alone. */
static void split_lazily(struct dlog_state *s, uint64_t page)
{
	uint64_t p;

	for (p = block_start(s, page); p < block_end(s, page); p++) {
		if (p != page)
			s->map[p] = DLOG_UNMAPPED;
		s->in_block[p] = false;
	}
}

void dlog_guest_write(struct dlog_state *s, uint64_t page)
{
	if (page >= s->npages || s->map[page] == DLOG_RW)
		return;
	if (s->logging && s->in_block[page])
		split_lazily(s, page);
	map_fault(s, page, DLOG_RW);
	if (s->logging)
		dlog_bit_set(s->bits, page);
}

static void protect(struct dlog_state *s, uint64_t page)
{
	uint64_t p;

	if (!s->in_block[page]) {
		if (s->map[page] == DLOG_RW)
			s->map[page] = DLOG_RO;
		return;
	}
	for (p = block_start(s, page); p < block_end(s, page); p++)
		if (s->map[p] == DLOG_RW)
			s->map[p] = DLOG_RO;
}

/* An eager split: the blocks from first to last become mapped pages. */
static void split_eagerly(struct dlog_state *s, uint64_t first, uint64_t last)
{
	uint64_t p;

	if (!s->eager || s->eager_broken)
		return;
	for (p = block_start(s, first); p <= last && p < s->npages; p++)
		s->in_block[p] = false;
	for (p = last; p < block_end(s, last); p++)
		s->in_block[p] = false;
}

/* kvm_arch_mmu_enable_log_dirty_pt_masked() for one word's mask. */
static void protect_masked(struct dlog_state *s, uint64_t word,
			   uint64_t mask, bool split)
{
	uint64_t first = word * 64 + __builtin_ctzll(mask);
	uint64_t last = word * 64 + 63 - __builtin_clzll(mask);
	uint64_t p;

	for (p = first; p <= last; p++)
		protect(s, p);
	if (split)
		split_eagerly(s, first, last);
}

void dlog_enable(struct dlog_state *s)
{
	uint64_t p;

	s->logging = true;
	memset(s->bits, 0, sizeof(s->bits));
	if (s->mode == DLOG_MANUAL && s->init_set) {
		for (p = 0; p < s->npages; p++)
			dlog_bit_set(s->bits, p);
		return;
	}
	for (p = 0; p < s->npages; p++)
		protect(s, p);
	split_eagerly(s, 0, s->npages - 1);
}

void dlog_get(struct dlog_state *s, uint64_t *out)
{
	uint64_t w;

	memcpy(out, s->bits, sizeof(s->bits));
	if (s->mode == DLOG_MANUAL)
		return;
	for (w = 0; w < DLOG_WORDS; w++) {
		if (!s->bits[w])
			continue;
		protect_masked(s, w, s->bits[w], false);
		s->bits[w] = 0;
	}
}

void dlog_clear(struct dlog_state *s, const uint64_t *mask)
{
	uint64_t w, m;

	for (w = 0; w < DLOG_WORDS; w++) {
		m = mask[w] & s->bits[w];
		if (!m)
			continue;
		s->bits[w] &= ~m;
		protect_masked(s, w, m, s->init_set);
	}
}

uint64_t dlog_take_faults(struct dlog_state *s)
{
	uint64_t n = s->faults;

	s->faults = 0;
	return n;
}

bool dlog_compare(const uint64_t *obs, const uint64_t *exp, uint64_t npages,
		  char *obs_s, char *exp_s, size_t n)
{
	uint64_t p, nobs = 0, nexp = 0, first = npages;

	for (p = 0; p < npages; p++) {
		nobs += dlog_bit(obs, p);
		nexp += dlog_bit(exp, p);
		if (first == npages && dlog_bit(obs, p) != dlog_bit(exp, p))
			first = p;
	}
	snprintf(exp_s, n, "%llu of %llu set", (unsigned long long)nexp,
		 (unsigned long long)npages);
	if (first == npages)
		snprintf(obs_s, n, "%llu of %llu set", (unsigned long long)nobs,
			 (unsigned long long)npages);
	else
		snprintf(obs_s, n, "%llu of %llu set, first mismatch page "
			 "%llu (%s)", (unsigned long long)nobs,
			 (unsigned long long)npages, (unsigned long long)first,
			 dlog_bit(obs, first) ? "set" : "clear");
	return first == npages;
}

struct expect expect_dlog_log(const struct dlog_state *s)
{
	const char *blk = s->block > 1 ? "; row 57: with logging stage 2 "
			  "maps pages, so a block logs page by page" : "";

	switch (s->mode) {
	case DLOG_MANUAL:
		return make_expect(out_completed(), "row 56: manual protect%s: "
				   "CLEAR_DIRTY_LOG clears and write-protects, "
				   "the next write is logged again%s",
				   s->init_set ? ", bits initially set" : "",
				   blk);
	case DLOG_RING:
		return make_expect(out_completed(), "row 59: every logged write "
				   "pushes its page to the vCPU's ring, a ring "
				   "reset write-protects it again%s", blk);
	case DLOG_GET:
		break;
	}
	return make_expect(out_completed(), "row 55: enabling logging "
			   "write-protects the slot; GET_DIRTY_LOG returns the "
			   "pages written since and protects them again%s",
			   blk);
}

struct expect expect_dlog_enable(void)
{
	return make_expect(out_ret(0), "row 55: a slot that is not PFNMAP "
			   "or guest_memfd may turn dirty logging on");
}

struct expect expect_dlog_faults(const struct dlog_state *s, uint64_t faults,
				 const char *what)
{
	if (!s->logging)
		return make_expect(out_value(faults), "rows 5/8: before "
				   "logging stage 2 maps %s: %s",
				   s->block > 1 ? "the block whole" : "pages",
				   what);
	if (s->eager && !s->eager_broken)
		return make_expect(out_value(faults), "row 58: the eager split "
				   "left every page mapped: %s", what);
	if (s->block > 1)
		return make_expect(out_value(faults), "row 57: a write splits "
				   "the protected block, the rest of it faults "
				   "again: %s", what);
	return make_expect(out_value(faults), "row 55: one fault per write "
			   "to a protected page: %s", what);
}

bool dlog_faults_agree(uint64_t observed, uint64_t expected, uint64_t slack)
{
	return observed >= expected && observed <= expected + slack;
}

struct expect expect_dlog_eager(const struct kernel_facts *kf,
				const struct dlog_caps *c, uint64_t block_bytes)
{
	struct expect e;

	if (!c->block_sizes) {
		e = make_expect(out_value(0), "row 58: no "
				"KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE on this "
				"kernel (KVM_CAP_ARM_SUPPORTED_BLOCK_SIZES is 0)");
		e.unknown = true;
		return e;
	}
	if (!(c->block_sizes & block_bytes)) {
		e = make_expect(out_value(0), "row 58: the block size 0x%llx "
				"is not in KVM_CAP_ARM_SUPPORTED_BLOCK_SIZES "
				"0x%llx", (unsigned long long)block_bytes,
				(unsigned long long)c->block_sizes);
		e.unknown = true;
		return e;
	}
	if (mode_hyp_owns_s2(kf))
		return make_defect(out_value(0), "row 58, M5: protected mode's "
				   "pkvm_pgtable_stage2_split() WARNs and fails, "
				   "so the block splits at the first write");
	return make_expect(out_value(1), "row 58: with a chunk size set, "
			   "enabling logging splits the blocks into "
			   "write-protected pages (kvm_mmu_split_memory_region())");
}

struct expect expect_dlog_ring(const struct dlog_caps *c)
{
	struct expect e = make_expect(out_completed(), "row 59: the dirty ring "
				      "with a bitmap beside it, as a VMM on "
				      "arm64 enables it");

	if (c->ring_bytes <= 0) {
		e = make_expect(out_completed(), "row 59: no "
				"KVM_CAP_DIRTY_LOG_RING_ACQ_REL on this kernel");
		e.unknown = true;
	} else if (!c->ring_bitmap) {
		e = make_expect(out_completed(), "row 59: no "
				"KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP: without "
				"it a logging slot faults like one that "
				"does not log (memslot_is_logging())");
		e.unknown = true;
	}
	return e;
}

struct expect expect_dlog_manual(const struct dlog_caps *c)
{
	struct expect e = make_expect(out_completed(), "row 56: "
				      "KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 "
				      "offers 0x%x", c->manual);

	if (!(c->manual & DLOG_MANUAL_ENABLE)) {
		e = make_expect(out_completed(), "row 56: no "
				"KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 on this "
				"kernel");
		e.unknown = true;
	}
	return e;
}
