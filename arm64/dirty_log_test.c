// SPDX-License-Identifier: GPL-2.0
/*
 * dirty_log_test - dirty logging, per backing: not whether a slot accepts
 * KVM_MEM_LOG_DIRTY_PAGES, but whether the kernel logs what the guest
 * writes. Rows 55-59 of docs/behaviours.md.
 *
 * Every case maps part of the slot first (guest writes), turns logging on
 * with a flags-only KVM_SET_USER_MEMORY_REGION, lets the guest read every
 * sample page and write some, and compares the log with the model
 * (model/expect_dirtylog.h), which follows the same operations page by
 * page: a kernel that does not write-protect the mapped pages at enable,
 * maps read faults writable, does not protect again on GET / CLEAR / ring
 * reset, or logs a block instead of the page, reports other pages.
 *
 *   get          KVM_GET_DIRTY_LOG, two rounds (row 55)
 *   clear        KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 + KVM_CLEAR_DIRTY_LOG
 *                (row 56)
 *   split        THP / PMD hugetlb: one fault per page written, the rest
 *                of the block faults again, one bit per page (row 57)
 *   eager_split  the same with KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE: the
 *                block is split when logging is enabled, so after a write
 *                the rest of it is still mapped (row 58; protected mode
 *                WARNs in pkvm_pgtable_stage2_split(), a known defect)
 *   ring         KVM_CAP_DIRTY_LOG_RING_ACQ_REL: the written pages come
 *                out of the vCPU's ring (row 59)
 *
 * Faults are the vCPU's "exits" counter less the exits of an empty call
 * (Debian kernels have no stage-2 page-table dump). The guest touches
 * DLOG_POINTS sample pages spread over the slot: a few pages per slot,
 * one stage-2 block for the kinds that have blocks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "kernel_facts.h"
#include "kvm_ioctl.h"
#include "model/expect_dirtylog.h"
#include "slot.h"
#include "suite.h"
#include "vm.h"

#define DLOG_POINTS	64	/* sample pages: one bit each of a mask */
#define SMALL_PAGES	64	/* slot of a kind without blocks, in pages */
/* Room for every page the cases write; the ring is whole host pages. */
#define RING_MIN_ENTRIES	1024
#define FILL		0x646972747921ULL

/* Sample pages, as bits of a mask: the first half is mapped first. */
#define PREMAP		0x00000000ffffffffULL
#define ALL_POINTS	(~0ULL)
#define ROUND1		((1ULL << 0) | (1ULL << 1) | (1ULL << 5) | \
			 (1ULL << 31) | (1ULL << 32) | (1ULL << 33) | \
			 (1ULL << 47) | (1ULL << 50) | (1ULL << 63))
#define ROUND2		((1ULL << 1) | (1ULL << 2) | (1ULL << 33) | \
			 (1ULL << 50))
#define CLEARED		0x0000ffffffffffffULL	/* points 0-47 */
#define SPLIT_WRITES	((1ULL << 3) | (1ULL << 17) | (1ULL << 40) | \
			 (1ULL << 62))
#define EAGER_WRITE	(1ULL << 21)

struct ctx {
	struct backed_slot s;
	struct vcpu *vcpu;
	struct dlog_caps caps;
	struct dlog_state m;
	uint64_t npages;
	uint64_t step;		/* pages between sample points */
	uint64_t overhead;	/* exits of an empty guest call */
	struct kvm_dirty_gfn *ring;
	uint64_t ring_bytes;
	uint32_t ring_entries;
	uint32_t ring_next;	/* next entry to harvest */
};

/* check.flags */
#define BLOCK_ONLY	(1u << 0)	/* THP and PMD hugetlb only */
#define EAGER		(1u << 1)	/* set an eager-split chunk size */

static bool applies(const struct backing_ops *ops, const struct check *c);
static void check_get(struct ctx *f, struct result *res);
static void check_clear(struct ctx *f, struct result *res);
static void check_split(struct ctx *f, struct result *res);
static void check_eager(struct ctx *f, struct result *res);
static void check_ring(struct ctx *f, struct result *res);
static void setup(struct ctx *f, const struct kase *k);

static const struct check checks[] = {
	{ "get", check_get, .applies = applies, .op = DLOG_GET },
	{ "clear", check_clear, .applies = applies, .op = DLOG_MANUAL },
	{ "split", check_split, .applies = applies, .op = DLOG_GET,
	  .flags = BLOCK_ONLY },
	{ "eager_split", check_eager, .applies = applies, .op = DLOG_GET,
	  .flags = BLOCK_ONLY | EAGER },
	{ "ring", check_ring, .applies = applies, .op = DLOG_RING },
};

SUITE(.name = "dirty_log_test",
      .summary = "dirty logging per backing: the log holds exactly the "
		 "pages written, blocks split, manual protect, ring "
		 "(rows 55-59)",
      CHECKS(checks), CTX(struct ctx, setup));

/* Guest code */

static inline void store(uint64_t addr, uint64_t v)
{
	asm volatile("str %0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static inline uint64_t load(uint64_t addr)
{
	uint64_t v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

/* One store (or load) in each sample page whose bit is set in mask. */
static uint64_t guest_access(uint64_t base, uint64_t step, uint64_t mask,
			     uint64_t write)
{
	uint64_t i, sum = 0;

	for (i = 0; i < DLOG_POINTS; i++) {
		if (!(mask >> i & 1))
			continue;
		if (write)
			store(base + i * step, FILL + i);
		else
			sum += load(base + i * step);
	}
	return sum;
}

/* Host code */

static bool applies(const struct backing_ops *ops, const struct check *c)
{
	if (!dlog_backing_logs(ops->vma))
		return false;
	return !(c->flags & BLOCK_ONLY) || ops->map == MAP_THP ||
	       ops->map == MAP_HUGETLB_PMD;
}

static void read_caps(struct dlog_caps *c)
{
	int v;

	v = kvm_check_cap(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2);
	c->manual = v > 0 ? (unsigned int)v : 0;
	v = kvm_check_cap(KVM_CAP_ARM_SUPPORTED_BLOCK_SIZES);
	c->block_sizes = v > 0 ? (uint64_t)(unsigned int)v : 0;
	v = kvm_check_cap(KVM_CAP_DIRTY_LOG_RING_ACQ_REL);
	c->ring_bytes = v > 0 ? v : 0;
	c->ring_bitmap = kvm_check_cap(KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP) > 0;
}

/* A block kind's slot is one block; others a few pages (whole huge pages). */
static uint64_t region_size(const struct backing_ops *ops)
{
	uint64_t page = host_page(), size = SMALL_PAGES * page;
	uint64_t unit = backing_page_size(ops);

	if (ops->map == MAP_THP || ops->map == MAP_HUGETLB_PMD ||
	    ops->map == MAP_DAX)
		return backing_region_size(ops);
	if (unit > page && size % unit)
		size += unit - size % unit;
	return size;
}

static uint64_t exits(struct ctx *f)
{
	return vcpu_stat(f->vcpu, VCPU_STAT_EXITS);
}

/* The guest reads or writes the sample pages of mask; the model too. */
static uint64_t access_points(struct ctx *f, uint64_t mask, bool write)
{
	uint64_t before = exits(f), after, i, page;

	vcpu_call(f->vcpu, guest_access, f->s.gpa, f->step * host_page(), mask,
		  write);
	after = exits(f);
	for (i = 0; i < DLOG_POINTS; i++) {
		if (!(mask >> i & 1))
			continue;
		page = i * f->step;
		if (write)
			dlog_guest_write(&f->m, page);
		else
			dlog_guest_read(&f->m, page);
	}
	after -= before;
	return after > f->overhead ? after - f->overhead : 0;
}

static void measure_overhead(struct ctx *f)
{
	uint64_t before, n;
	int i;

	f->overhead = UINT64_MAX;
	for (i = 0; i < 3; i++) {
		before = exits(f);
		vcpu_call(f->vcpu, guest_access, f->s.gpa, 0, 0, 0);
		n = exits(f) - before;
		if (n < f->overhead)
			f->overhead = n;
	}
}

/*
 * KVM wants the ring a power of two of entries and whole host pages:
 * RING_MIN_ENTRIES rounded up to one page at 16K and 64K.
 */
static uint64_t ring_bytes(void)
{
	uint64_t bytes = RING_MIN_ENTRIES * sizeof(struct kvm_dirty_gfn);

	return bytes < host_page() ? host_page() : bytes;
}

static void setup(struct ctx *f, const struct kase *k)
{
	const struct kernel_facts *kf = kernel_facts();
	const struct check *c = k->check;
	struct vm_cap caps[2];
	struct vm_opts opts = { .caps = caps };
	struct expect e;
	struct vm *vm;
	int ret;

	read_caps(&f->caps);
	if (c->op == DLOG_MANUAL)
		e = expect_dlog_manual(&f->caps);
	else if (c->op == DLOG_RING)
		e = expect_dlog_ring(&f->caps);
	else if (c->flags & EAGER)
		e = expect_dlog_eager(kf, &f->caps, backing_page_size(k->ops));
	else
		e = expect_dlog_enable();
	if (e.unknown)
		test_skip("%s", e.reason);
	backed_slot_init(&f->s, k->ops, region_size(k->ops));
	f->npages = f->s.size / host_page();
	f->step = f->npages / DLOG_POINTS;
	if (!f->step || f->npages % DLOG_POINTS)
		test_error("%llu pages do not spread over %d sample pages",
			   (unsigned long long)f->npages, DLOG_POINTS);
	if (c->flags & EAGER)
		caps[opts.nr_caps++] = (struct vm_cap){
			KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE,
			backing_page_size(k->ops) };
	if (c->op == DLOG_RING) {
		f->ring_bytes = ring_bytes();
		f->ring_entries = f->ring_bytes / sizeof(struct kvm_dirty_gfn);
		caps[opts.nr_caps++] = (struct vm_cap){
			KVM_CAP_DIRTY_LOG_RING_ACQ_REL, f->ring_bytes };
		caps[opts.nr_caps++] = (struct vm_cap){
			KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP, 0 };
	}
	ret = __vm_create(&vm, &opts);
	if (ret)
		test_fail("KVM_CREATE_VM with the %s caps: %s", c->name,
			  strerror(-ret));
	if (c->op == DLOG_MANUAL) {
		ret = kvm_enable_cap(vm->fd, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
				     f->caps.manual);
		if (ret)
			test_fail("enabling KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 "
				  "0x%x: %s", f->caps.manual, strerror(-ret));
	}
	backed_slot_add(&f->s, vm, 0, MAP_MT(MT_NORMAL) | MAP_BLOCK);
	f->vcpu = vcpu_add(vm);
	if (c->op == DLOG_RING) {
		f->ring = mmap(NULL, f->ring_bytes, PROT_READ | PROT_WRITE,
			       MAP_SHARED, f->vcpu->fd,
			       S2_DIRTY_LOG_PAGE_OFFSET * host_page());
		if (f->ring == MAP_FAILED)
			test_fail("mmap of the vCPU's dirty ring: %s",
				  strerror(errno));
	}
	measure_overhead(f);
}

/*
 * Map the first half of the sample pages with guest writes, then start
 * the model: a block only where both the host and stage 2 can map one.
 */
static void premap(struct ctx *f, enum dlog_mode mode, uint64_t mask)
{
	const struct page_geom *g = &f->s.kf->sizes.geom;
	uint64_t s2, block = 1, i;

	vcpu_call(f->vcpu, guest_access, f->s.gpa, f->step * host_page(), mask,
		  1);
	s2 = geom_s2_map_size(g, backing_host_map_size(&f->s.b));
	if (s2 > g->page && s2 <= f->s.size)
		block = s2 / g->page;
	if (dlog_init(&f->m, f->npages, block, mode))
		test_error("%llu pages: more than the model's %d",
			   (unsigned long long)f->npages, DLOG_MAX_PAGES);
	if (mode == DLOG_MANUAL)
		dlog_set_manual(&f->m, f->caps.manual);
	for (i = 0; i < DLOG_POINTS; i++)
		if (mask >> i & 1)
			dlog_guest_write(&f->m, i * f->step);
	dlog_take_faults(&f->m);
}

/*
 * A comparison on the way to the one a case is about: a verdict only
 * when it fails, so that the case's headline is its own comparison.
 */
static void require(struct result *res, bool ok, const char *obs,
		    const char *exp, const char *reason)
{
	if (!ok)
		result_check(res, false, obs, exp, reason);
}

static void require_outcome(struct result *res, const struct outcome *obs,
			    const struct expect *e)
{
	char os[160], es[160];

	outcome_format(obs, os, sizeof(os));
	outcome_format(&e->out, es, sizeof(es));
	require(res, outcome_match(obs, &e->out), os, es, e->reason);
}

/* Turn logging on: every kind here accepts it. */
static bool enable_logging(struct ctx *f, struct result *res)
{
	struct expect e = expect_dlog_enable();
	struct outcome obs = out_ret(vm_set_slot_flags(f->s.vm, f->s.slot,
						       KVM_MEM_LOG_DIRTY_PAGES));

	require_outcome(res, &obs, &e);
	if (obs.err)
		return false;
	dlog_enable(&f->m);
	return true;
}

/* The model's bitmap against what the kernel reported, as a verdict. */
static void judge_log(struct ctx *f, struct result *res, const char *when,
		      const uint64_t *obs, bool headline)
{
	uint64_t want[DLOG_WORDS];
	struct expect e = expect_dlog_log(&f->m);
	char os[96], es[96];
	bool ok;

	dlog_get(&f->m, want);
	ok = dlog_compare(obs, want, f->npages, os, es, sizeof(os));
	result_diag(res, "%s: observed %s, expected %s", when, os, es);
	if (headline)
		result_check(res, ok, os, es, e.reason);
	else
		require(res, ok, os, es, e.reason);
}

static void get_log(struct ctx *f, struct result *res, const char *when,
		    bool headline)
{
	uint64_t obs[DLOG_WORDS] = { 0 };
	int ret = kvm_get_dirty_log(f->s.vm->fd, f->s.slot->slot, obs);

	if (ret)
		test_fail("KVM_GET_DIRTY_LOG (%s): %s", when, strerror(-ret));
	judge_log(f, res, when, obs, headline);
}

/* A bitmap of the sample pages in mask. */
static void points_bitmap(struct ctx *f, uint64_t mask, uint64_t *bits)
{
	uint64_t i;

	memset(bits, 0, DLOG_WORDS * sizeof(*bits));
	for (i = 0; i < DLOG_POINTS; i++)
		if (mask >> i & 1)
			dlog_bit_set(bits, i * f->step);
}

/* Row 55: two rounds of GET_DIRTY_LOG. */
static void check_get(struct ctx *f, struct result *res)
{
	premap(f, DLOG_GET, PREMAP);
	if (!enable_logging(f, res))
		return;
	get_log(f, res, "after enable", false);
	access_points(f, ALL_POINTS, false);
	access_points(f, ROUND1, true);
	get_log(f, res, "round 1", true);
	access_points(f, ROUND2, true);
	get_log(f, res, "round 2, pages of round 1 again", true);
}

static void clear_log(struct ctx *f, struct result *res, uint64_t mask)
{
	uint64_t bits[DLOG_WORDS];
	struct expect e = expect_dlog_log(&f->m);
	struct outcome obs, want = out_ret(0);

	points_bitmap(f, mask, bits);
	obs = out_ret(kvm_clear_dirty_log(f->s.vm->fd, f->s.slot->slot, 0,
					  f->npages, bits));
	require(res, outcome_match(&obs, &want), obs.err ?
		errno_name(obs.err) : "OK", "OK", e.reason);
	dlog_clear(&f->m, bits);
}

/* Row 56: CLEAR re-protects; pages not cleared stay set. */
static void check_clear(struct ctx *f, struct result *res)
{
	premap(f, DLOG_MANUAL, PREMAP);
	if (!enable_logging(f, res))
		return;
	get_log(f, res, "after enable", false);
	clear_log(f, res, CLEARED);
	get_log(f, res, "after CLEAR", false);
	access_points(f, ALL_POINTS, false);
	access_points(f, ROUND1, true);
	get_log(f, res, "writes after CLEAR", true);
	clear_log(f, res, ROUND1);
	access_points(f, ROUND2, true);
	get_log(f, res, "writes after a second CLEAR", true);
}

/* Faults measured against the model's, as a verdict. */
static void judge_faults(struct ctx *f, struct result *res, uint64_t obs,
			 const char *what, bool headline)
{
	uint64_t want = dlog_take_faults(&f->m);
	struct expect e = expect_dlog_faults(&f->m, want, what);
	char os[48], es[48];
	bool ok;

	snprintf(os, sizeof(os), "%llu faults", (unsigned long long)obs);
	snprintf(es, sizeof(es), "%llu faults", (unsigned long long)want);
	result_diag(res, "%s: %s, model %s", what, os, es);
	ok = dlog_faults_agree(obs, want, DLOG_POINTS / 8);
	if (headline)
		result_check(res, ok, os, es, e.reason);
	else
		require(res, ok, os, es, e.reason);
}

/* The block the case is about: mapped whole before logging starts. */
static void premap_block(struct ctx *f, struct result *res)
{
	char b[16];
	uint64_t n;

	premap(f, DLOG_GET, 1);
	if (f->m.block < f->npages)
		test_skip("the host maps the %s slot with %s pages: no block "
			  "to split", f->s.ops->name,
			  size_str(backing_host_map_size(&f->s.b), b,
				   sizeof(b)));
	/* The first write faulted the block in; the others cost nothing. */
	n = access_points(f, ALL_POINTS, true);
	judge_faults(f, res, n, "writes to a mapped block, before logging",
		     false);
}

/* Row 57: the first write to each page faults; one bit per page. */
static void check_split(struct ctx *f, struct result *res)
{
	premap_block(f, res);
	if (!enable_logging(f, res))
		return;
	judge_faults(f, res, access_points(f, SPLIT_WRITES, true),
		     "writes to 4 pages of the protected block", true);
	get_log(f, res, "writes to the block", true);
	judge_faults(f, res, access_points(f, ALL_POINTS, false),
		     "reads of every sample page after the split", true);
}

/* Row 58: the block is split at enable, so reads after a write map. */
static void check_eager(struct ctx *f, struct result *res)
{
	struct expect e = expect_dlog_eager(f->s.kf, &f->caps,
					    backing_page_size(f->s.ops));
	struct outcome obs;
	uint64_t reads;

	premap_block(f, res);
	dlog_set_eager(&f->m, e.defect);
	if (!enable_logging(f, res))
		return;
	access_points(f, EAGER_WRITE, true);
	dlog_take_faults(&f->m);
	reads = access_points(f, ALL_POINTS, false);
	obs = out_value(reads < DLOG_POINTS / 8);
	result_diag(res, "reads of every sample page after one write: %llu "
		    "faults (1: split at enable, 0: at the first write)",
		    (unsigned long long)reads);
	result_expect(res, &obs, &e);
	judge_faults(f, res, reads, "reads after one write", true);
	get_log(f, res, "one write to the split block", true);
}

/* Harvest the ring into a bitmap, then reset it: the entries read. */
static uint64_t harvest(struct ctx *f, uint64_t *bits, uint64_t *others)
{
	struct kvm_dirty_gfn *g;
	uint64_t n = 0;
	uint32_t flags;
	int ret;

	memset(bits, 0, DLOG_WORDS * sizeof(*bits));
	*others = 0;
	for (;;) {
		g = &f->ring[f->ring_next % f->ring_entries];
		flags = __atomic_load_n(&g->flags, __ATOMIC_ACQUIRE);
		if (!(flags & KVM_DIRTY_GFN_F_DIRTY))
			break;
		if (g->slot == f->s.slot->slot && g->offset < f->npages)
			dlog_bit_set(bits, g->offset);
		else
			(*others)++;
		__atomic_store_n(&g->flags, KVM_DIRTY_GFN_F_RESET,
				 __ATOMIC_RELEASE);
		f->ring_next++;
		n++;
	}
	ret = kvm_reset_dirty_rings(f->s.vm->fd);
	if (ret < 0)
		test_fail("KVM_RESET_DIRTY_RINGS: %s", strerror(-ret));
	return n;
}

static void ring_log(struct ctx *f, struct result *res, const char *when,
		     bool headline)
{
	uint64_t obs[DLOG_WORDS], others, n = harvest(f, obs, &others);

	result_diag(res, "%s: %llu ring entries, %llu not of the slot", when,
		    (unsigned long long)n, (unsigned long long)others);
	judge_log(f, res, when, obs, headline);
}

/* Row 59: the written pages come out of the ring, once per round. */
static void check_ring(struct ctx *f, struct result *res)
{
	premap(f, DLOG_RING, PREMAP);
	if (!enable_logging(f, res))
		return;
	ring_log(f, res, "after enable", false);
	access_points(f, ALL_POINTS, false);
	access_points(f, ROUND1, true);
	ring_log(f, res, "round 1", true);
	access_points(f, ROUND2, true);
	ring_log(f, res, "round 2, pages of round 1 again", true);
}
