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
 *    after a slot delete every access exits as MMIO at its IPA;
 *  - row 39: a second KVM_ARM_VCPU_INIT drops stage 2 only without FWB.
 *
 * Spec §3.3 (I1-I5) and rows 33-39 of spec/kernel-behaviors.md §10.
 *
 * Watching the old page once the slot has let go of it: a shared backing
 * keeps it in its file, readable through b.alias (munmap) or the slot's
 * own mapping (delete, mprotect). Where the op frees it (DONTNEED on
 * private memory, PUNCH_HOLE, munmap of anonymous memory) the host first
 * vmsplice()s a few pages into a pipe: the pipe's page references keep
 * them alive, and tee() + read() show their current content without
 * consuming them. A host store made after the vmsplice must show through
 * the pipe, else the kernel copied and the case is skipped.
 *
 * Every wait is for a number of guest calls (counted by the host under a
 * lock, with a deadline), never a sleep.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "backing.h"
#include "expect.h"
#include "probe.h"
#include "test.h"
#include "vcpu_reinit.h"
#include "vm.h"

#define REGION_SIZE	SZ_2M
#define PAGE		SZ_4K
#define NPAGES		(REGION_SIZE / PAGE)
#define NR_WORKERS	2
#define MARK_WORD	3	/* written by the host before the op */
#define PIN_WORD	4	/* proves the pipe holds the live page */
#define MARK_VAL	0x6d61726b6d61726bULL
#define PIN_VAL		0x70696e6e65647070ULL
#define NPIN		16	/* pages in the pipe: its default size */
#define PIN_STRIDE	(NPAGES / NPIN)
#define SEQ_MASK	((1ULL << 48) - 1)
#define WARM_ITERS	3	/* iterations before the op */
#define POST_ITERS	4	/* iterations checked after it */
#define MAX_RECS	8192
#define WAIT_S		20
#define CALL_MS		20000

static void case_op(const struct test_case *tc, struct result *res);
static void case_reinit(const struct test_case *tc, struct result *res);

/* The backings the issue names; ops come from unmap_op_applies(). */
static const char *const backings[] = {
	"anon_4k", "anon_thp", "hugetlb_private", "hugetlb_shared",
	"memfd_shared",
};

static const enum unmap_op ops[] = {
	UNMAP_MUNMAP, UNMAP_DONTNEED, UNMAP_PUNCH_HOLE, UNMAP_MPROTECT_RO,
	UNMAP_DELETE_SLOT,
};

/* Guest code */

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
		addr = base + i * PAGE + word * 8;
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
		v = load_or_poison(base + i * PAGE + word * 8);
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

struct rec {
	uint64_t seq;		/* the iteration's store sequence */
	struct outcome obs;	/* first event, error, or the return */
};

struct fixture;

struct worker {
	struct fixture *f;
	struct vcpu *vcpu;
	int id;
	pthread_t th;
	atomic_uint_fast64_t started;	/* calls begun */
	atomic_uint_fast64_t seq;	/* latest store sequence begun */
	uint64_t done;			/* calls finished; f->lock */
	bool exited;			/* under f->lock */
	char why[200];			/* why it exited early */
	struct rec *recs;
};

/* How the host still sees the page the slot had before the op. */
enum view_kind { VIEW_NONE, VIEW_MAP, VIEW_PIN };

struct view {
	enum view_kind kind;
	const char *what;
	uint8_t *map;		/* VIEW_MAP: REGION_SIZE bytes */
	int pipe[2];		/* VIEW_PIN: NPIN pages, PIN_STRIDE apart */
	size_t len;
};

struct fixture {
	const struct kernel_facts *kf;
	const struct backing_ops *ops;
	struct backing b;
	struct vm *vm;
	struct region *slot;
	uint64_t gpa;
	struct view view;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_bool stop;
	struct worker w[NR_WORKERS];
};

static uint64_t seq_val(int id, uint64_t seq)
{
	return (uint64_t)(id + 1) << 48 | seq;
}

static struct outcome call_outcome(const struct call *c)
{
	if (c->status != CALL_OK)
		return out_error("%s: %s", call_status_name(c->status),
				 c->msg);
	if (c->nevents)
		return c->events[0].what;
	return out_value(c->ret);
}

static void worker_exit(struct worker *w, const char *why)
{
	pthread_mutex_lock(&w->f->lock);
	w->exited = true;
	snprintf(w->why, sizeof(w->why), "%s", why);
	pthread_cond_broadcast(&w->f->cond);
	pthread_mutex_unlock(&w->f->lock);
}

/* One call; the record is published before done moves past it. */
static bool worker_call(struct worker *w, uint64_t n, uint64_t seq)
{
	struct call c = { .recover = RECOVER_SKIP, .timeout_ms = CALL_MS,
			  .mmio_read_value = MMIO_POISON };
	uint64_t base = w->f->gpa;
	struct rec *r = &w->recs[n];

	if (n % K_NR == K_STORE)
		vcpu_call(w->vcpu, &c, guest_store_pass, base, w->id,
			  seq_val(w->id, seq));
	else
		vcpu_call(w->vcpu, &c, guest_sum_pass, base,
			  n % K_NR == K_LOAD_OWN ? w->id : MARK_WORD);
	r->seq = seq;
	r->obs = call_outcome(&c);
	pthread_mutex_lock(&w->f->lock);
	w->done = n + 1;
	pthread_cond_broadcast(&w->f->cond);
	pthread_mutex_unlock(&w->f->lock);
	return c.status == CALL_OK;
}

/* Runs every call of its vCPU: the call timer is bound to this thread. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t n, seq = 0;

	for (;;) {
		if (atomic_load(&w->f->stop)) {
			worker_exit(w, "stopped");
			break;
		}
		n = atomic_load(&w->started);
		if (n == MAX_RECS) {
			worker_exit(w, "out of call records");
			break;
		}
		if (n % K_NR == K_STORE)
			atomic_store(&w->seq, ++seq);
		atomic_store(&w->started, n + 1);
		if (!worker_call(w, n, seq)) {
			worker_exit(w, w->recs[n].obs.msg);
			break;
		}
	}
	return NULL;
}

static void deadline_in(struct timespec *ts, int s)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += s;
}

/* Wait until every worker finished target[id] calls. */
static void wait_done(struct fixture *f, const uint64_t *target,
		      const char *when)
{
	struct timespec deadline;
	int id, busy;

	deadline_in(&deadline, WAIT_S);
	pthread_mutex_lock(&f->lock);
	for (;;) {
		busy = -1;
		for (id = NR_WORKERS - 1; id >= 0; id--)
			if (f->w[id].done < target[id])
				busy = id;
		if (busy < 0)
			break;
		if (f->w[busy].exited)
			test_fail("vCPU%d stopped %s after %llu calls: %s",
				  busy, when,
				  (unsigned long long)f->w[busy].done,
				  f->w[busy].why);
		if (pthread_cond_timedwait(&f->cond, &f->lock, &deadline) ==
		    ETIMEDOUT)
			test_fail("vCPU%d: %llu of %llu calls after %d s %s",
				  busy, (unsigned long long)f->w[busy].done,
				  (unsigned long long)target[busy], WAIT_S,
				  when);
	}
	pthread_mutex_unlock(&f->lock);
}

static uint64_t round_to_iter(uint64_t n)
{
	return (n + K_NR - 1) / K_NR * K_NR;
}

/* A phase: from the first iteration begun after start[] to done[]. */
struct window {
	uint64_t lo[NR_WORKERS], hi[NR_WORKERS];
	uint64_t bound[NR_WORKERS];	/* last sequence begun before */
};

/* Call after the op returned: which calls, and sequences, come after. */
static void window_open(struct fixture *f, struct window *win)
{
	int id;

	for (id = 0; id < NR_WORKERS; id++) {
		win->bound[id] = atomic_load(&f->w[id].seq);
		win->lo[id] = round_to_iter(atomic_load(&f->w[id].started));
	}
}

/* Wait for POST_ITERS iterations inside the window. */
static void window_fill(struct fixture *f, struct window *win,
			const char *when)
{
	uint64_t target[NR_WORKERS];
	int id;

	for (id = 0; id < NR_WORKERS; id++)
		target[id] = win->lo[id] + POST_ITERS * K_NR;
	wait_done(f, target, when);
}

static void window_close(struct fixture *f, struct window *win)
{
	int id;

	pthread_mutex_lock(&f->lock);
	for (id = 0; id < NR_WORKERS; id++)
		win->hi[id] = f->w[id].done;
	pthread_mutex_unlock(&f->lock);
}

static void workers_start(struct fixture *f)
{
	uint64_t target[NR_WORKERS];
	pthread_condattr_t ca;
	int id;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cond, &ca);
	pthread_mutex_init(&f->lock, NULL);
	for (id = 0; id < NR_WORKERS; id++) {
		struct worker *w = &f->w[id];

		w->recs = calloc(MAX_RECS, sizeof(*w->recs));
		if (!w->recs)
			test_fail("out of memory");
		if (pthread_create(&w->th, NULL, worker_main, w))
			test_fail("pthread_create failed");
		target[id] = WARM_ITERS * K_NR;
	}
	wait_done(f, target, "before the op");
}

static void workers_stop(struct fixture *f)
{
	int id;

	atomic_store(&f->stop, true);
	for (id = 0; id < NR_WORKERS; id++)
		pthread_join(f->w[id].th, NULL);
}

/* The old page, through the surviving mapping or the pipe. */
static void view_read(struct fixture *f, uint8_t *buf)
{
	struct view *v = &f->view;
	int tmp[2];
	size_t off = 0;
	ssize_t n;

	if (v->kind == VIEW_MAP) {
		memcpy(buf, v->map, v->len);
		return;
	}
	if (pipe(tmp))
		test_fail("pipe: %s", strerror(errno));
	n = tee(v->pipe[0], tmp[1], v->len, SPLICE_F_NONBLOCK);
	if (n != (ssize_t)v->len)
		test_fail("tee of the pinned pages: %zd of %zu bytes (%s)", n,
			  v->len, strerror(errno));
	while (off < v->len) {
		n = read(tmp[0], buf + off, v->len - off);
		if (n <= 0)
			test_fail("reading the pinned pages: %s",
				  strerror(errno));
		off += n;
	}
	close(tmp[0]);
	close(tmp[1]);
}

/* Page i of a view_read() copy (for a pipe: the i-th pinned page). */
static uint64_t *view_page(uint8_t *buf, uint64_t i)
{
	return (uint64_t *)(buf + i * PAGE);
}

static uint64_t view_pages(struct fixture *f)
{
	return f->view.len / PAGE;
}

/* Hold NPIN pages in a pipe; skip the case if it holds copies. */
static void view_pin(struct fixture *f)
{
	struct iovec iov[NPIN];
	uint8_t *buf;
	uint64_t i, bad = 0;
	ssize_t n;

	if (pipe(f->view.pipe))
		test_fail("pipe: %s", strerror(errno));
	for (i = 0; i < NPIN; i++) {
		iov[i].iov_base = (uint8_t *)f->b.hva + i * PIN_STRIDE * PAGE;
		iov[i].iov_len = PAGE;
	}
	n = vmsplice(f->view.pipe[1], iov, NPIN, SPLICE_F_NONBLOCK);
	if (n != NPIN * PAGE)
		test_fail("vmsplice of %d pages: %zd (%s)", NPIN, n,
			  strerror(errno));
	f->view.kind = VIEW_PIN;
	f->view.what = "16 pages held by a vmsplice() pipe";
	f->view.len = NPIN * PAGE;
	for (i = 0; i < NPIN; i++)
		((volatile uint64_t *)iov[i].iov_base)[PIN_WORD] = PIN_VAL;
	buf = malloc(f->view.len);
	view_read(f, buf);
	for (i = 0; i < NPIN; i++)
		bad += view_page(buf, i)[PIN_WORD] != PIN_VAL;
	free(buf);
	if (bad)
		test_skip("the vmsplice() pipe does not see later stores to "
			  "%llu of %d pages: it holds copies, so the old page "
			  "cannot be watched", (unsigned long long)bad, NPIN);
}

static void view_setup(struct fixture *f, enum unmap_op op)
{
	unsigned int vma = f->ops->vma;

	f->view.kind = VIEW_NONE;
	if (!unmap_op_freezes_old_page(op, vma))
		return;
	if (op == UNMAP_DELETE_SLOT || op == UNMAP_MPROTECT_RO ||
	    (op == UNMAP_MUNMAP && f->b.alias)) {
		f->view.kind = VIEW_MAP;
		f->view.map = op == UNMAP_MUNMAP ? f->b.alias : f->b.hva;
		f->view.what = op == UNMAP_MUNMAP ?
			       "the whole slot through the memfd alias" :
			       "the whole slot through its own mapping";
		f->view.len = REGION_SIZE;
		return;
	}
	view_pin(f);
}

static void setup(struct fixture *f, const struct backing_ops *ops)
{
	uint64_t i;
	int id, ret;

	f->kf = kernel_facts();
	f->ops = ops;
	if (f->kf->kvm)
		test_skip("/dev/kvm: %s", strerror(-f->kf->kvm));
	backing_create_or_skip(ops, REGION_SIZE, &f->b);
	f->vm = vm_create_default();
	f->gpa = vm_alloc_gpa(f->vm, REGION_SIZE);
	ret = vm_add_slot(f->vm, f->gpa, REGION_SIZE, f->b.hva, 0, &f->slot);
	if (ret)
		test_fail("memslot on %s: %s", ops->name, strerror(-ret));
	vm_map(f->vm, f->gpa, f->gpa, REGION_SIZE,
	       MAP_MT(MT_NORMAL) | MAP_BLOCK);
	for (id = 0; id < NR_WORKERS; id++) {
		f->w[id].f = f;
		f->w[id].id = id;
		f->w[id].vcpu = vcpu_add_default(f->vm);
	}
	/* Also populates the host's pages before anything watches them. */
	for (i = 0; i < NPAGES; i++)
		((volatile uint64_t *)((uint8_t *)f->b.hva + i * PAGE))
			[MARK_WORD] = MARK_VAL;
}

static int do_op(struct fixture *f, enum unmap_op op)
{
	switch (op) {
	case UNMAP_MUNMAP:
		return munmap(f->b.hva, REGION_SIZE) ? -errno : 0;
	case UNMAP_DONTNEED:
		return madvise(f->b.hva, REGION_SIZE, MADV_DONTNEED) ?
		       -errno : 0;
	case UNMAP_PUNCH_HOLE:
		return fallocate(f->b.fd, FALLOC_FL_PUNCH_HOLE |
				 FALLOC_FL_KEEP_SIZE, 0, REGION_SIZE) ?
		       -errno : 0;
	case UNMAP_MPROTECT_RO:
		return mprotect(f->b.hva, REGION_SIZE, PROT_READ) ? -errno : 0;
	case UNMAP_DELETE_SLOT:
		return vm_delete_slot(f->vm, f->slot);
	case UNMAP_OP_NR:
		break;
	}
	return -EINVAL;
}

/* Before the op every call must have worked: else the setup is wrong. */
static void check_warm(struct fixture *f, const uint64_t *hi)
{
	uint64_t sum, n;
	int id;

	for (id = 0; id < NR_WORKERS; id++) {
		for (n = 0; n < hi[id]; n++) {
			const struct rec *r = &f->w[id].recs[n];
			struct outcome exp;
			char o[192];

			sum = NPAGES * (n % K_NR == K_LOAD_OWN ?
					seq_val(id, r->seq) : MARK_VAL);
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
static uint64_t old_page_writes(struct fixture *f, uint8_t *s1, uint8_t *s2,
				const struct window *win, uint64_t *late)
{
	uint64_t i, w, changed = 0;
	int id;

	*late = 0;
	for (i = 0; i < view_pages(f); i++) {
		uint64_t *a = view_page(s1, i), *b = view_page(s2, i);

		for (w = 0; w < PAGE / 8; w++)
			changed += a[w] != b[w];
		for (id = 0; id < NR_WORKERS; id++)
			*late += b[id] >> 48 == (uint64_t)id + 1 &&
				 (b[id] & SEQ_MASK) > win->bound[id];
	}
	return changed;
}

static void check_old_page(struct fixture *f, struct result *res,
			   enum unmap_op op, uint8_t *s1, uint8_t *s2,
			   const struct window *win)
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
static void check_new_page(struct fixture *f, struct result *res,
			   enum unmap_op op, const struct window *win)
{
	struct expect e = expect_unmap_new_page(op);
	struct outcome obs;
	uint64_t i, missing = 0;
	int id;

	for (i = 0; i < NPAGES; i++) {
		volatile uint64_t *p = (volatile uint64_t *)
				       ((uint8_t *)f->b.hva + i * PAGE);

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
static struct expect window_expect(struct fixture *f, enum unmap_op op,
				   bool restored, int id, uint64_t n,
				   const struct rec *r, const uint64_t *frozen)
{
	int k = n % K_NR;
	uint64_t addr = f->gpa + (k == K_LOAD_MARK ? MARK_WORD : id) * 8;
	uint64_t own = NPAGES * seq_val(id, r->seq);
	uint64_t mark = NPAGES * MARK_VAL;

	if (restored)
		return expect_unmap_restored(kind_access[k], own, mark);
	if (op == UNMAP_MPROTECT_RO)
		own = frozen[id];
	return expect_unmap_access(op, f->ops->vma, kind_access[k], addr, own,
				   mark);
}

/*
 * One comparison per vCPU and access kind: the first call that did not
 * do what the window expects, or else the last one that did.
 */
static void check_window(struct fixture *f, struct result *res,
			 enum unmap_op op, bool restored,
			 const struct window *win, const uint64_t *frozen)
{
	const char *after = restored ? "PROT_WRITE came back" :
			    unmap_op_name(op);
	uint64_t n, pick[K_NR];
	char seen[320];
	bool bad[K_NR];
	int id, k;

	for (id = 0; id < NR_WORKERS; id++) {
		const struct rec *recs = f->w[id].recs;

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
			const struct rec *r = &recs[pick[k]];
			struct expect e = window_expect(f, op, restored, id,
							pick[k], r, frozen);

			if (bad[k])
				result_diag(res, "vCPU%d %s call %llu "
					    "(sequence %llu) is the first "
					    "mismatch", id, kind_name[k],
					    (unsigned long long)pick[k],
					    (unsigned long long)r->seq);
			result_outcome(res, &r->obs, &e.out, e.reason);
		}
	}
}

/* Under PROT_READ the loads must see exactly the data frozen at return. */
static void frozen_sums(uint8_t *snap, uint64_t *sum)
{
	uint64_t i;
	int id;

	for (id = 0; id < NR_WORKERS; id++) {
		sum[id] = 0;
		for (i = 0; i < NPAGES; i++)
			sum[id] += view_page(snap, i)[id];
	}
}

static void case_op(const struct test_case *tc, struct result *res)
{
	const struct backing_ops *ops = tc->arg;
	enum unmap_op op = *(const enum unmap_op *)tc->arg2;
	struct fixture *f = calloc(1, sizeof(*f));
	struct window pre, win, rw;
	uint64_t frozen[NR_WORKERS] = { 0 };
	uint8_t *s1 = NULL, *s2 = NULL;
	int ret;

	setup(f, ops);
	result_diag(res, "%s: host maps the slot with %s pages", ops->name,
		    backing_host_huge(&f->b) ? "2M" : "4K");
	view_setup(f, op);
	if (f->view.kind != VIEW_NONE) {
		s1 = malloc(f->view.len);
		s2 = malloc(f->view.len);
	}
	workers_start(f);
	window_close(f, &pre);
	ret = do_op(f, op);
	if (ret)
		test_fail("%s: %s", unmap_op_name(op), strerror(-ret));
	window_open(f, &win);
	if (s1)
		view_read(f, s1);
	window_fill(f, &win, "after the op");
	if (s2)
		view_read(f, s2);
	window_close(f, &win);
	if (op == UNMAP_MPROTECT_RO) {
		frozen_sums(s1, frozen);
		if (mprotect(f->b.hva, REGION_SIZE, PROT_READ | PROT_WRITE))
			test_fail("mprotect(PROT_READ|PROT_WRITE): %s",
				  strerror(errno));
		window_open(f, &rw);
		window_fill(f, &rw, "after PROT_WRITE came back");
	}
	workers_stop(f);
	check_warm(f, pre.hi);
	if (s1)
		check_old_page(f, res, op, s1, s2, &win);
	check_window(f, res, op, false, &win, frozen);
	if (op == UNMAP_MPROTECT_RO) {
		window_close(f, &rw);
		check_window(f, res, op, true, &rw, frozen);
		check_new_page(f, res, op, &rw);
	} else if (unmap_op_refaults(op)) {
		check_new_page(f, res, op, &win);
	}
}

/* Row 39 */

#define REINIT_TRIALS	3

static uint64_t touch_exits(struct vcpu *vcpu, uint64_t gpa)
{
	uint64_t before, after;
	int ret = vcpu_stat(vcpu, "exits", &before);

	if (ret)
		test_skip("no \"exits\" vCPU statistic: %s", strerror(-ret));
	vcpu_call_ok(vcpu, guest_touch, gpa, REGION_SIZE, PAGE, 1, MARK_VAL);
	vcpu_stat(vcpu, "exits", &after);
	return after - before;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * Re-init vCPU0, then touch a 4K-mapped slot from it and another slot
 * from vCPU1: the unmap is VM-wide, so both refault or neither does.
 * Background invalidations (NUMA-balancing scans, migration) only ever
 * add exits, so the cheapest of a few trials is what the re-init did: a
 * real unmap costs a fault per page in every trial.
 */
static void case_reinit(const struct test_case *tc, struct result *res)
{
	static const char *const kinds[NR_WORKERS] = { "anon_4k",
						       "memfd_shared" };
	const struct kernel_facts *kf = kernel_facts();
	uint64_t base[NR_WORKERS], after[NR_WORKERS], x, known;
	uint64_t gpa[NR_WORKERS];
	struct backing b[NR_WORKERS];
	struct vcpu *vcpu[NR_WORKERS];
	char trials[NR_WORKERS][96] = { "", "" };
	enum reinit_state st;
	struct expect e;
	struct vm *vm;
	int i, t, ret;

	if (kf->kvm)
		test_skip("/dev/kvm: %s", strerror(-kf->kvm));
	e = expect_vcpu_reinit(kf);
	if (e.out.kind == OUT_ERROR)
		test_skip("FWB unknown: no \"CPU features: detected:\" lines "
			  "in the kernel log (%s)", e.reason);
	vm = vm_create_default();
	for (i = 0; i < NR_WORKERS; i++) {
		backing_create_or_skip(backing_find(kinds[i]), REGION_SIZE,
				       &b[i]);
		gpa[i] = vm_alloc_gpa(vm, REGION_SIZE);
		ret = vm_add_slot(vm, gpa[i], REGION_SIZE, b[i].hva, 0, NULL);
		if (ret)
			test_fail("memslot on %s: %s", kinds[i],
				  strerror(-ret));
		vm_map(vm, gpa[i], gpa[i], REGION_SIZE,
		       MAP_MT(MT_NORMAL) | MAP_BLOCK);
	}
	for (i = 0; i < NR_WORKERS; i++) {
		vcpu[i] = vcpu_add_default(vm);
		base[i] = after[i] = UINT64_MAX;
	}
	/* Both vCPUs run and map both slots before the first re-init. */
	for (i = 0; i < NR_WORKERS; i++)
		for (t = 0; t < NR_WORKERS; t++)
			touch_exits(vcpu[i], gpa[t]);
	for (t = 0; t < REINIT_TRIALS; t++) {
		for (i = 0; i < NR_WORKERS; i++)
			base[i] = min_u64(base[i], touch_exits(vcpu[i],
							       gpa[i]));
		ret = vcpu_reinit(vcpu[0]);
		if (ret)
			test_fail("second KVM_ARM_VCPU_INIT: %s",
				  strerror(-ret));
		for (i = 0; i < NR_WORKERS; i++) {
			x = touch_exits(vcpu[i], gpa[i]);
			after[i] = min_u64(after[i], x);
			snprintf(trials[i] + strlen(trials[i]),
				 sizeof(trials[i]) - strlen(trials[i]),
				 "%s%llu", t ? "/" : "", (unsigned long long)x);
		}
	}
	for (i = 0; i < NR_WORKERS; i++) {
		st = reinit_classify(after[i], base[i], NPAGES);
		result_diag(res, "vCPU%d%s, %s slot: %s exits touching %llu "
			    "pages after each re-init, %llu with stage 2 "
			    "mapped (FWB %d)", i, i ? "" : " (re-initialised)",
			    kinds[i], trials[i], (unsigned long long)NPAGES,
			    (unsigned long long)base[i], kf->fwb);
		result_check(res, st == e.out.value, reinit_state_name(st),
			     reinit_state_name(e.out.value), e.reason);
	}
	/* The channel must see a known unmap: mprotect drops stage 2 (I2). */
	if (mprotect(b[0].hva, REGION_SIZE, PROT_READ) ||
	    mprotect(b[0].hva, REGION_SIZE, PROT_READ | PROT_WRITE))
		test_fail("mprotect: %s", strerror(errno));
	known = touch_exits(vcpu[0], gpa[0]);
	st = reinit_classify(known, base[0], NPAGES);
	result_diag(res, "calibration: %llu exits touching the anon_4k slot "
		    "after mprotect(PROT_READ) and back",
		    (unsigned long long)known);
	result_check(res, st == REINIT_UNMAPPED, reinit_state_name(st),
		     reinit_state_name(REINIT_UNMAPPED), "I2: the exits "
		     "counter sees a known stage-2 unmap");
}

int main(int argc, char **argv)
{
	struct test_suite suite = {
		.name = "unmap_test",
		.summary = "stage-2 unmap with vCPUs running: munmap, "
			   "DONTNEED, PUNCH_HOLE, mprotect and slot delete "
			   "leave no stale translation (I1-I5), re-init "
			   "(row 39)",
	};
	const struct backing_ops *b;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(backings); i++) {
		b = backing_find(backings[i]);
		if (!b)
			continue;
		for (j = 0; j < ARRAY_SIZE(ops); j++)
			if (unmap_op_applies(ops[j], b->vma))
				suite_add(&suite, case_op, b, &ops[j], "%s/%s",
					  b->name, unmap_op_name(ops[j]));
	}
	suite_add(&suite, case_reinit, NULL, NULL, "reinit/second_vcpu_init");
	return test_main(argc, argv, &suite);
}
