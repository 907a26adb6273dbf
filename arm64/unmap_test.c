// SPDX-License-Identifier: GPL-2.0
/*
 * unmap_test - every way a VMM takes memory from a running guest has
 * unmapped stage 2 by the time the syscall returns. Two vCPUs, each in
 * its own host thread, keep storing an increasing sequence into a 2 MiB
 * slot and reading it back while the host munmaps, MADV_DONTNEEDs,
 * punches a hole in, mprotects or deletes it. Afterwards:
 *
 *  - I1/I3: the old page is never written again, and calls that start
 *    after the op get what the op leaves (KVM_RUN -EFAULT without a VMA);
 *  - I2: under PROT_READ every store fails with -EFAULT, loads see the
 *    frozen data; with PROT_WRITE back stores land again;
 *  - I4/I5: after DONTNEED/PUNCH_HOLE loads see zeroes or the old data,
 *    after a slot delete every access exits as MMIO at its IPA.
 *
 * Invariants I1-I5 and rows 33-38 of docs/behaviours.md; row
 * 39 (a second vCPU init) is vcpu_reinit_test.
 *
 * Watching the old page once the slot has let go of it (page_view.h): a
 * shared backing keeps it in its file, readable through b.alias (munmap)
 * or the slot's own mapping (delete, mprotect). Where the op frees it
 * (DONTNEED on private memory, PUNCH_HOLE, munmap of anonymous memory)
 * the host first vmsplice()s a few pages into a pipe, whose references
 * keep them alive; if the pipe holds copies instead, the case is skipped.
 *
 * The vCPUs are vcpu_workers.h workers: every wait is for a number of
 * guest calls (with a deadline), never a sleep, and a window holds the
 * calls that began after the op returned.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "host_numa.h"
#include "model/expect_unmap.h"
#include "page_view.h"
#include "probe.h"
#include "slot.h"
#include "suite.h"
#include "vcpu_workers.h"
#include "vm.h"

/*
 * The slot is one block of the kind (backing_region_size()), cut into
 * NPAGES units of unit_bytes: one host page at 4K, several host pages on
 * larger granules, so every unit is its own host page whatever the size.
 */
#define NPAGES		512
#define NR_WORKERS	2
#define MARK_WORD	3	/* written by the host before the op */
#define PIN_WORD	4	/* proves the pipe holds the live page */
#define MARK_VAL	0x6d61726b6d61726bULL
#define NPIN		16	/* pages in the pipe: its default size */
#define PIN_STRIDE	(NPAGES / NPIN)
#define SEQ_MASK	((1ULL << 48) - 1)
#define WARM_ITERS	3	/* iterations before the op */
#define POST_ITERS	4	/* iterations checked after it */
#define MAX_RECS	8192
#define WAIT_S		20
#define CALL_MS		20000

struct ctx {
	enum unmap_op op;
	struct backed_slot s;
	/* How the host still sees the page the slot had before the op. */
	struct page_view view;
	struct vcpu *vcpu[NR_WORKERS];
	struct vcpu_workers ws;
};

static void check_op(struct ctx *f, struct result *res);
static void setup(struct ctx *f, const struct kase *k);

static bool op_applies(const struct backing_ops *ops, const struct check *c)
{
	return unmap_op_applies(c->op, ops->vma);
}

/* Every op on every backing the issue names where unmap_op_applies(). */
static const struct check checks[] = {
#define UNMAP_CHECK(o, name)						\
	{ name, check_op, .op = UNMAP_##o, .applies = op_applies },
	UNMAP_OP_TABLE(UNMAP_CHECK)
#undef UNMAP_CHECK
};

SUITE(.name = "unmap_test",
      .summary = "stage-2 unmap with vCPUs running: munmap, DONTNEED, "
		 "PUNCH_HOLE, mprotect and slot delete leave no stale "
		 "translation (I1-I5)",
      .kinds = KINDS("anon_4k", "anon_thp", "hugetlb_private",
		     "hugetlb_shared", "memfd_shared", "gmem_shared"),
      CHECKS(checks), CTX(struct ctx, setup));

/* Guest code */

static uint64_t unit_bytes;	/* set by the host before any vCPU runs */

/*
 * A load that tells when it did not happen: KVM_RUN -EFAULT recovered by
 * skipping leaves the poison in the register, an MMIO read returns it.
 */
static inline uint64_t load_or_poison(uint64_t addr)
{
	uint64_t v = MMIO_POISON;

	asm volatile("ldr %0, [%1]" : "+r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void store(uint64_t addr, uint64_t v)
{
	asm volatile("str %0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

/*
 * Store val at word of every page and read it back: 0, or 1 + the first
 * page where it did not stick. Returning at once keeps a failing pass to
 * two KVM_RUN events (CALL_MAX_EVENTS).
 */
static uint64_t guest_store_pass(uint64_t base, uint64_t word, uint64_t val)
{
	uint64_t i, addr;

	for (i = 0; i < NPAGES; i++) {
		addr = base + i * unit_bytes + word * 8;
		store(addr, val);
		if (load_or_poison(addr) != val)
			return i + 1;
	}
	return 0;
}

/* Sum of word over every page, or MMIO_POISON at the first failed load. */
static uint64_t guest_sum_pass(uint64_t base, uint64_t word)
{
	uint64_t i, v, sum = 0;

	for (i = 0; i < NPAGES; i++) {
		v = load_or_poison(base + i * unit_bytes + word * 8);
		if (v == MMIO_POISON)
			return MMIO_POISON;
		sum += v;
	}
	return sum;
}

/* Host code */

/* Each worker iteration: store its sequence, sum it, sum the marker. */
enum { K_STORE, K_LOAD_OWN, K_LOAD_MARK, K_NR };

static const enum unmap_access kind_access[K_NR] = {
	UA_STORE, UA_LOAD_OWN, UA_LOAD_MARK,
};
static const char *const kind_name[K_NR] = { "store", "load", "marker" };

static uint64_t seq_val(int id, uint64_t seq)
{
	return (uint64_t)(id + 1) << 48 | seq;
}

/* A call's tag is the sequence its iteration stores. */
static uint64_t worker_tag(void *ctx, int id, uint64_t n, uint64_t seq)
{
	return n % K_NR == K_STORE ? seq + 1 : seq;
}

/* Call n of vCPU id: the iteration's store, own sum or marker sum. */
static void worker_call(void *ctx, struct vcpu *vcpu, int id, uint64_t n,
			uint64_t seq, struct call *c)
{
	struct ctx *f = ctx;

	if (n % K_NR == K_STORE)
		__vcpu_call(vcpu, c, guest_store_pass, f->s.gpa, id,
			    seq_val(id, seq));
	else
		__vcpu_call(vcpu, c, guest_sum_pass, f->s.gpa,
			    n % K_NR == K_LOAD_OWN ? id : MARK_WORD);
}

static void workers_start(struct ctx *f)
{
	struct vcpu_workers_cfg cfg = {
		.nr = NR_WORKERS,
		.tag = worker_tag,
		.call = worker_call,
		.ctx = f,
		.proto = { .recover = RECOVER_SKIP, .timeout_ms = CALL_MS,
			   .mmio_read_value = MMIO_POISON },
		.max_calls = MAX_RECS,
		.iter = K_NR,
		.wait_s = WAIT_S,
	};
	int id;

	for (id = 0; id < NR_WORKERS; id++)
		cfg.vcpu[id] = f->vcpu[id];
	vcpu_workers_start(&f->ws, &cfg);
	vcpu_workers_wait(&f->ws, WARM_ITERS * K_NR, "before the op");
}

static void view_setup(struct ctx *f, enum unmap_op op)
{
	unsigned int vma = f->s.ops->vma;

	f->view.kind = VIEW_NONE;
	if (!unmap_op_freezes_old_page(op, vma))
		return;
	if (op == UNMAP_DELETE_SLOT || op == UNMAP_MPROTECT_RO ||
	    (op == UNMAP_MUNMAP && f->s.b.alias)) {
		/* Every word the guest stores to is in a unit's first page. */
		if (op == UNMAP_MUNMAP)
			page_view_map(&f->view, f->s.b.alias, NPAGES,
				      host_page(), unit_bytes,
				      "every unit's first page through the "
				      "memfd alias");
		else
			page_view_map(&f->view, f->s.b.hva, NPAGES,
				      host_page(), unit_bytes,
				      "every unit's first page through its own "
				      "mapping");
		return;
	}
	page_view_pin(&f->view, f->s.b.hva, NPIN, host_page(),
		      PIN_STRIDE * unit_bytes, PIN_WORD);
}

/*
 * Dropping a private hugetlb page or punching a shared one out makes the
 * next access fault in a new huge page while the pipe still pins the old
 * one: an empty pool would end the case in SIGBUS, not in a verdict.
 */
static void need_spare_huge(struct ctx *f, const struct backing_ops *ops)
{
	uint64_t hp = backing_page_size(ops);
	long spare;

	if (!(ops->vma & VMA_HUGETLB) ||
	    !(f->op == UNMAP_PUNCH_HOLE ||
	      (f->op == UNMAP_DONTNEED && !(ops->vma & VMA_SHARED))))
		return;
	spare = host_numa_free_huge(-1, hp);
	if (spare >= 0 && (uint64_t)spare < f->s.size / hp)
		test_skip_env("HUGETLB", "%s refaults %llu new %llukB huge "
			      "pages; the pool has %ld free",
			      unmap_op_name(f->op),
			      (unsigned long long)(f->s.size / hp),
			      (unsigned long long)(hp >> 10), spare);
}

static void setup(struct ctx *f, const struct kase *k)
{
	uint64_t i;
	int id;

	f->op = k->check->op;
	backed_slot_init(&f->s, k->ops, backing_region_size(k->ops));
	backed_slot_add(&f->s, NULL, 0, MAP_MT(MT_NORMAL) | MAP_BLOCK);
	unit_bytes = f->s.size / NPAGES;
	sync_global_to_guest(f->s.vm, unit_bytes);
	for (id = 0; id < NR_WORKERS; id++)
		f->vcpu[id] = vcpu_add(f->s.vm);
	/* Also populates the host's pages before anything watches them. */
	for (i = 0; i < NPAGES; i++)
		((volatile uint64_t *)((uint8_t *)f->s.b.hva + i * unit_bytes))
			[MARK_WORD] = MARK_VAL;
	need_spare_huge(f, k->ops);
	/*
	 * A host mapping of a guest_memfd page would let the mmu notifier
	 * unmap it at stage 2 too; without one only guest_memfd's own
	 * invalidation can. The data stays in the file.
	 */
	if ((k->ops->vma & VMA_GMEM) &&
	    madvise(f->s.b.hva, f->s.size, MADV_DONTNEED))
		test_fail("MADV_DONTNEED of the host view: %s",
			  strerror(errno));
}

static int do_op(struct ctx *f, enum unmap_op op)
{
	if (op == UNMAP_DELETE_SLOT)
		return vm_delete_slot(f->s.vm, f->s.slot);
	return backing_unmap(&f->s.b, f->s.size, op);
}

/* Before the op every call must have worked: else the setup is wrong. */
static void check_warm(struct ctx *f, const uint64_t *hi)
{
	uint64_t sum, n;
	int id;

	for (id = 0; id < NR_WORKERS; id++) {
		for (n = 0; n < hi[id]; n++) {
			const struct vcpu_worker_rec *r = &f->ws.w[id].recs[n];
			struct outcome exp;
			char o[192];

			sum = NPAGES * (n % K_NR == K_LOAD_OWN ?
					seq_val(id, r->tag) : MARK_VAL);
			exp = out_value(n % K_NR == K_STORE ? 0 : sum);
			if (outcome_match(&r->obs, &exp))
				continue;
			outcome_format(&r->obs, o, sizeof(o));
			test_fail("before the op, vCPU%d %s call %llu: %s", id,
				  kind_name[n % K_NR], (unsigned long long)n,
				  o);
		}
	}
}

/* Words the guest wrote after the op: changed between, or too new. */
static uint64_t old_page_writes(struct ctx *f, uint8_t *s1, uint8_t *s2,
				const struct call_window *win, uint64_t *late)
{
	uint64_t i, w, changed = 0;
	int id;

	*late = 0;
	for (i = 0; i < page_view_pages(&f->view); i++) {
		uint64_t *a = page_view_page(&f->view, s1, i);
		uint64_t *b = page_view_page(&f->view, s2, i);

		for (w = 0; w < f->view.page / 8; w++)
			changed += a[w] != b[w];
		for (id = 0; id < NR_WORKERS; id++)
			*late += b[id] >> 48 == (uint64_t)id + 1 &&
				 (b[id] & SEQ_MASK) > win->bound[id];
	}
	return changed;
}

static void check_old_page(struct ctx *f, struct result *res,
			   enum unmap_op op, uint8_t *s1, uint8_t *s2,
			   const struct call_window *win)
{
	struct expect e = expect_unmap_old_page(op);
	uint64_t late, changed = old_page_writes(f, s1, s2, win, &late);
	struct outcome obs = out_value(changed + late);

	result_diag(res, "old page: %s; %llu words changed after %s "
		    "returned, %llu newer than sequences %llu/%llu",
		    f->view.what, (unsigned long long)changed,
		    unmap_op_name(op), (unsigned long long)late,
		    (unsigned long long)win->bound[0],
		    (unsigned long long)win->bound[1]);
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Every page of the current mapping holds a store newer than the op. */
static void check_new_page(struct ctx *f, struct result *res,
			   enum unmap_op op, const struct call_window *win)
{
	struct expect e = expect_unmap_new_page(op);
	struct outcome obs;
	uint64_t i, missing = 0;
	int id;

	for (i = 0; i < NPAGES; i++) {
		volatile uint64_t *p = (volatile uint64_t *)
				       ((uint8_t *)f->s.b.hva + i * unit_bytes);

		for (id = 0; id < NR_WORKERS; id++)
			missing += p[id] >> 48 != (uint64_t)id + 1 ||
				   (p[id] & SEQ_MASK) <= win->bound[id];
	}
	result_diag(res, "current mapping: %llu of %llu page words lack a "
		    "store newer than sequences %llu/%llu",
		    (unsigned long long)missing,
		    (unsigned long long)NPAGES * NR_WORKERS,
		    (unsigned long long)win->bound[0],
		    (unsigned long long)win->bound[1]);
	obs = out_value(missing);
	result_outcome(res, &obs, &e.out, e.reason);
}

/* What call n (record r) of vCPU id should have done in a window. */
static struct expect window_expect(struct ctx *f, enum unmap_op op,
				   bool restored, int id, uint64_t n,
				   const struct vcpu_worker_rec *r,
				   const uint64_t *frozen)
{
	int k = n % K_NR;
	uint64_t addr = f->s.gpa + (k == K_LOAD_MARK ? MARK_WORD : id) * 8;
	uint64_t own = NPAGES * seq_val(id, r->tag);
	uint64_t mark = NPAGES * MARK_VAL;

	if (restored)
		return expect_unmap_restored(kind_access[k], own, mark);
	if (op == UNMAP_MPROTECT_RO)
		own = frozen[id];
	return expect_unmap_access(op, f->s.ops->vma, kind_access[k], addr, own,
				   mark);
}

/*
 * One comparison per vCPU and access kind: the first call that did not
 * do what the window expects, or else the last one that did.
 */
static void check_window(struct ctx *f, struct result *res,
			 enum unmap_op op, bool restored,
			 const struct call_window *win, const uint64_t *frozen)
{
	const char *after = restored ? "PROT_WRITE came back" :
			    unmap_op_name(op);
	uint64_t n, pick[K_NR];
	char seen[320];
	bool bad[K_NR];
	int id, k;

	for (id = 0; id < NR_WORKERS; id++) {
		const struct vcpu_worker_rec *recs = f->ws.w[id].recs;

		if (win->hi[id] < win->lo[id] + K_NR)
			test_fail("vCPU%d: no whole iteration after %s", id,
				  after);
		memset(bad, 0, sizeof(bad));
		for (n = win->lo[id]; n < win->hi[id]; n++) {
			struct expect e;

			k = n % K_NR;
			if (bad[k])
				continue;
			e = window_expect(f, op, restored, id, n, &recs[n],
					  frozen);
			bad[k] = !outcome_match(&recs[n].obs, &e.out);
			pick[k] = n;
		}
		for (k = 0, seen[0] = 0; k < K_NR; k++) {
			char o[96];

			outcome_format(&recs[pick[k]].obs, o, sizeof(o));
			snprintf(seen + strlen(seen), sizeof(seen) -
				 strlen(seen), " %s=%s", kind_name[k], o);
		}
		result_diag(res, "vCPU%d: %llu iterations begun after %s "
			    "returned:%s", id, (unsigned long long)
			    (win->hi[id] - win->lo[id]) / K_NR, after, seen);
		for (k = 0; k < K_NR; k++) {
			const struct vcpu_worker_rec *r = &recs[pick[k]];
			struct expect e = window_expect(f, op, restored, id,
							pick[k], r, frozen);

			if (bad[k])
				result_diag(res, "vCPU%d %s call %llu "
					    "(sequence %llu) is the first "
					    "mismatch", id, kind_name[k],
					    (unsigned long long)pick[k],
					    (unsigned long long)r->tag);
			result_outcome(res, &r->obs, &e.out, e.reason);
		}
	}
}

/* Under PROT_READ the loads must see exactly the data frozen at return. */
static void frozen_sums(struct ctx *f, uint8_t *snap, uint64_t *sum)
{
	uint64_t i;
	int id;

	for (id = 0; id < NR_WORKERS; id++) {
		sum[id] = 0;
		for (i = 0; i < NPAGES; i++)
			sum[id] += page_view_page(&f->view, snap, i)[id];
	}
}

static void check_op(struct ctx *f, struct result *res)
{
	const struct backing_ops *ops = f->s.ops;
	enum unmap_op op = f->op;
	struct call_window pre = { 0 }, win, rw;
	uint64_t frozen[NR_WORKERS] = { 0 };
	uint8_t *s1 = NULL, *s2 = NULL;
	char host_map[16];
	int ret;

	result_diag(res, "%s: host maps the slot with %s pages", ops->name,
		    size_str(backing_host_map_size(&f->s.b), host_map,
			     sizeof(host_map)));
	view_setup(f, op);
	if (f->view.kind != VIEW_NONE) {
		s1 = malloc(f->view.len);
		s2 = malloc(f->view.len);
	}
	workers_start(f);
	call_window_close(&f->ws, &pre);
	ret = do_op(f, op);
	if (ret)
		test_fail("%s: %s", unmap_op_name(op), strerror(-ret));
	call_window_open(&f->ws, &win);
	if (s1)
		page_view_read(&f->view, s1);
	call_window_wait(&f->ws, &win, POST_ITERS * K_NR, "after the op");
	if (s2)
		page_view_read(&f->view, s2);
	call_window_close(&f->ws, &win);
	if (op == UNMAP_MPROTECT_RO) {
		frozen_sums(f, s1, frozen);
		if (mprotect(f->s.b.hva, f->s.size, PROT_READ | PROT_WRITE))
			test_fail("mprotect(PROT_READ|PROT_WRITE): %s",
				  strerror(errno));
		call_window_open(&f->ws, &rw);
		call_window_wait(&f->ws, &rw, POST_ITERS * K_NR,
				 "after PROT_WRITE came back");
	}
	vcpu_workers_stop(&f->ws);
	check_warm(f, pre.hi);
	if (s1)
		check_old_page(f, res, op, s1, s2, &win);
	check_window(f, res, op, false, &win, frozen);
	if (op == UNMAP_MPROTECT_RO) {
		call_window_close(&f->ws, &rw);
		check_window(f, res, op, true, &rw, frozen);
		check_new_page(f, res, op, &rw);
	} else if (unmap_op_refaults(op)) {
		check_new_page(f, res, op, &win);
	}
}
