// SPDX-License-Identifier: GPL-2.0
/*
 * pfnmap_test - driver VM_PFNMAP memory behind a memslot, as the fixture
 * module (s2fixture) makes it: TTM-style non-compound blocks (tail pages
 * with refcount 0) and RAM hidden from the kernel with mem=, mapped
 * cacheable, write-combine with VM_ALLOW_ANY_UNCACHED, or Device.
 *
 * Per kind: whether KVM accepts the slot (with and without MTE, and MTE
 * enabled after the slot), which stage-2 type the guest gets (alignment
 * probes), whether it executes, that guest and host share the data, and
 * that MADV_DONTNEED refuses it.
 * TTM: the head page maps on every kernel, a tail page only once KVM stops
 * taking references on PFNMAP pfns (7.x), and after the driver zaps and
 * frees a block the guest re-faults through the driver and never sees the
 * freed page. Cacheable: a VMA swapped in under a live slot.
 *
 * Rows 21-31 of docs/behaviours.md. Every
 * case SKIPs when /dev/s2fixture (fixture/build.sh) is absent.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/backing/fxmod.h"
#include "kernel_facts.h"
#include "model/expect_pfnmap.h"
#include "kvm_ioctl.h"
#include "mte.h"
#include "probe.h"
#include "slot.h"
#include "suite.h"
#include "vm.h"

/* TTM pages, tails and the fixture module all count in host pages. */
#define PAGE		host_page()
#define GUEST_DATA	0x6775657374ab5a01ULL
#define HOST_DATA	0x686f7374a55acd02ULL

struct ctx {
	struct backed_slot s;
	struct vcpu *vcpu;
	int cap;		/* KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED */
};

static void check_create(struct ctx *f, struct result *res);
static void check_create_mte(struct ctx *f, struct result *res);
static void check_mte_after_slot(struct ctx *f, struct result *res);
static void check_rw(struct ctx *f, struct result *res);
static void check_memtype(struct ctx *f, struct result *res);
static void check_exec(struct ctx *f, struct result *res);
static void check_dontneed(struct ctx *f, struct result *res);
static void check_ttm_refcount(struct ctx *f, struct result *res);
static void check_ttm_tail(struct ctx *f, struct result *res);
static void check_ttm_tail_exec(struct ctx *f, struct result *res);
static void check_ttm_evict(struct ctx *f, struct result *res);
static void check_ttm_evict_quarantine(struct ctx *f,
				       struct result *res);
static void check_ttm_evict_tail(struct ctx *f, struct result *res);
static void check_replace_vma(struct ctx *f, struct result *res);
static void check_replace_vma_no_fwb(struct ctx *f, struct result *res);
static void setup(struct ctx *f, const struct kase *k);

static const struct check checks[] = {
	{ "create", check_create, .access = ACCESS_NONE },
	{ "create_mte", check_create_mte, .access = ACCESS_NONE },
	{ "mte_after_slot", check_mte_after_slot },
	{ "rw", check_rw, .access = ACCESS_JUDGE },
	{ "memtype", check_memtype },
	{ "exec", check_exec, .access = ACCESS_EXEC },
	{ "dontneed", check_dontneed },
	{ "refcount", check_ttm_refcount, .kind = "fixture_ttm" },
	{ "tail", check_ttm_tail, .kind = "fixture_ttm" },
	{ "tail_exec", check_ttm_tail_exec, .kind = "fixture_ttm" },
	{ "evict_refault", check_ttm_evict, .kind = "fixture_ttm" },
	{ "evict_quarantine", check_ttm_evict_quarantine,
	  .kind = "fixture_ttm" },
	{ "evict_tail", check_ttm_evict_tail, .kind = "fixture_ttm" },
	{ "replace_vma", check_replace_vma, .kind = "fixture_cacheable" },
	{ "replace_vma_no_fwb", check_replace_vma_no_fwb,
	  .kind = "fixture_cacheable" },
};

SUITE(.name = "pfnmap_test",
      .summary = "driver PFNMAP memory (fixture module): TTM refcount-0 "
		 "tails, cacheable/WC/Device PFNMAP of hidden RAM",
      .kinds = KINDS("fixture_ttm", "fixture_cacheable", "fixture_wc",
		     "fixture_device"),
      CHECKS(checks), CTX(struct ctx, setup));

/* Guest code: probes and fills are in lib/arm64/guest/guest.c. */

/* Host code */

/* What the VM says about cacheable PFNMAP; kernels without it say 0. */
static int cacheable_cap(struct vm *vm)
{
	int ret = kvm_vm_check_cap(vm->fd,
				   KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED);

	return ret < 0 ? -1 : ret;
}

static void setup(struct ctx *f, const struct kase *k)
{
	f->s.ops = k->ops;
	f->cap = -1;
}

static void ctx_backing(struct ctx *f)
{
	backed_slot_init(&f->s, f->s.ops, backing_region_size(f->s.ops));
}

static void note_cap(struct ctx *f, struct result *res, struct vm *vm)
{
	f->cap = cacheable_cap(vm);
	result_diag(res, "KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED=%d fwb=%d "
		    "dic=%d", f->cap, f->s.kf->fwb, f->s.kf->dic);
}

/* A slot over the backing, Normal-WB at stage 1; must be accepted. */
static void ctx_setup(struct ctx *f, struct result *res)
{
	struct expect e;
	int ret;

	ctx_backing(f);
	f->s.vm = vm_create(NULL);
	note_cap(f, res, f->s.vm);
	ret = __backed_slot_add(&f->s, f->s.vm, 0, MAP_MT(MT_NORMAL));
	e = expect_pfnmap_create(f->s.kf, f->s.ops->vma, false, f->cap);
	if (ret && e.out.kind == OUT_ERRNO && e.out.err == -ret)
		test_skip("the slot is refused as expected (%s)", e.reason);
	if (ret)
		test_fail("memslot on %s: %s; expected %s (%s)",
			  f->s.ops->name, strerror(-ret),
			  e.out.err ? errno_name(e.out.err) : "success",
			  e.reason);
	if (e.out.err)
		test_fail("memslot on %s accepted; expected %s (%s)",
			  f->s.ops->name, errno_name(e.out.err), e.reason);
	f->vcpu = vcpu_add(f->s.vm);
}

/* Describe TTM page p (its block allocated on demand by a host read). */
static struct s2fx_page ttm_page(struct ctx *f, unsigned int p,
				 uint32_t *gen)
{
	struct s2fx_page pg;
	int ret = fxmod_ttm_query(f->s.b.fd, (uint64_t)p * PAGE, &pg, 1,
				  gen);

	if (ret)
		test_fail("S2FX_IOC_TTM_QUERY: %s", strerror(-ret));
	return pg;
}

static void diag_page(struct result *res, const char *when, unsigned int p,
		      const struct s2fx_page *pg)
{
	if (!(pg->flags & S2FX_PAGE_PRESENT)) {
		result_diag(res, "%s: page %u: no block", when, p);
		return;
	}
	result_diag(res, "%s: page %u: pfn 0x%llx refcount %d (%s)", when, p,
		    (unsigned long long)pg->pfn, pg->refcount,
		    pg->flags & S2FX_PAGE_HEAD ? "head" : "tail");
}

/* Memslot acceptance with MTE off or on: one VM, one slot attempt. */
static void create_slot(struct ctx *f, struct result *res, bool mte)
{
	struct outcome obs;
	struct expect e;
	struct vm *vm;

	ctx_backing(f);
	vm = mte ? mte_vm_create() : vm_create(NULL);
	note_cap(f, res, vm);
	e = expect_pfnmap_create(f->s.kf, f->s.ops->vma, mte, f->cap);
	obs = out_ret(vm_add_slot(vm, vm_alloc_gpa(vm, f->s.size),
				  f->s.size, f->s.b.hva, 0, NULL));
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Rows 22/28 (acceptance) and 21/27 (any other PFNMAP is accepted). */
static void check_create(struct ctx *f, struct result *res)
{
	create_slot(f, res, false);
}

/* Row 26, MTE on at creation. */
static void check_create_mte(struct ctx *f, struct result *res)
{
	create_slot(f, res, true);
}

/* Row 26, MTE enabled after the slot: the first fault decides. */
static void check_mte_after_slot(struct ctx *f, struct result *res)
{
	volatile uint64_t *host;
	struct outcome obs;
	struct expect e;
	int ret;

	mte_require();
	ctx_backing(f);
	f->s.vm = vm_create(NULL);
	note_cap(f, res, f->s.vm);
	f->s.gpa = vm_alloc_gpa(f->s.vm, f->s.size);
	ret = vm_add_slot(f->s.vm, f->s.gpa, f->s.size, f->s.b.hva, 0, NULL);
	slot_expect_accepted(f->s.ops, false, ret);
	ret = vm_enable_mte(f->s.vm);
	if (ret)
		test_fail("enabling MTE with a slot present: %s",
			  strerror(-ret));
	mte_map_tagged(f->s.vm, f->s.gpa, f->s.size);
	f->vcpu = vcpu_add(f->s.vm);
	host = f->s.b.hva;
	host[0] = HOST_DATA;
	e = expect_pfnmap_mte_after(f->s.kf, f->s.ops->vma, f->cap);
	obs = probe(f->vcpu, PROBE_LDG, f->s.gpa, 0);
	if (obs.kind == OUT_COMPLETED)
		obs = out_value((obs.value >> 56) & 0xf);
	result_outcome(res, &obs, &e.out, e.reason);
}

/* The head page: host store, guest load; guest store, host load. */
static void check_rw(struct ctx *f, struct result *res)
{
	volatile uint64_t *host;
	struct outcome obs;
	struct expect e;

	ctx_setup(f, res);
	host = f->s.b.hva;
	host[0] = HOST_DATA;
	if (slot_mode_refusal(&f->s, f->vcpu, res))
		return;
	e = expect_pfnmap_access(f->s.kf, f->s.ops->vma, false, f->cap, HOST_DATA);
	obs = probe(f->vcpu, PROBE_LOAD, f->s.gpa, 0);
	result_outcome(res, &obs, &e.out, e.reason);
	if (obs.kind != OUT_COMPLETED)
		return;
	obs = probe(f->vcpu, PROBE_STORE, f->s.gpa + 8, GUEST_DATA);
	e = expect_pfnmap_guest_store();
	result_expect(res, &obs, &e);
	obs = out_value(host[1]);
	e = expect_pfnmap_host_sees(GUEST_DATA);
	result_expect(res, &obs, &e);
}

/* Rows 21, 23, 27, 29: told apart by alignment faults. */
static void check_memtype(struct ctx *f, struct result *res)
{
	struct expect_attr a;

	ctx_setup(f, res);
	a = expect_pfnmap_attr(f->s.kf, f->s.ops->vma, f->cap);
	if (!a.known)
		test_skip("%s", a.reason);
	memtype_judge(f->vcpu, f->s.gpa, f->s.kf, &a, res);
}

static void exec_at(struct ctx *f, struct result *res, uint64_t off,
		    bool tail)
{
	struct outcome obs;
	struct expect e;

	ctx_setup(f, res);
	exec_stub_write((char *)f->s.b.hva + off);
	e = expect_pfnmap_exec(f->s.kf, f->s.ops->vma, tail, f->cap);
	obs = probe(f->vcpu, PROBE_EXEC, f->s.gpa + off, 0);
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Rows 21, 24, 27, 29. */
static void check_exec(struct ctx *f, struct result *res)
{
	exec_at(f, res, 0, false);
}

/* Rows 36/37 stop at the VMA: madvise() refuses VM_PFNMAP. */
static void check_dontneed(struct ctx *f, struct result *res)
{
	struct expect e = expect_pfnmap_dontneed();
	struct outcome obs;

	ctx_setup(f, res);
	vcpu_call(f->vcpu, guest_touch, f->s.gpa, PAGE, PAGE, 1,
		  GUEST_DATA);
	obs = out_ret(madvise(f->s.b.hva, f->s.size, MADV_DONTNEED) ?
		      -errno : 0);
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Rows 29/30: the blocks the guest is about to see. */
static void check_ttm_refcount(struct ctx *f, struct result *res)
{
	struct s2fx_page head, tail;
	struct expect eh = expect_ttm_refcount(false);
	struct expect et = expect_ttm_refcount(true);
	struct expect mapped = expect_ttm_refcount_mapped();
	struct outcome obs;
	uint32_t gen;

	ctx_setup(f, res);
	(void)*(volatile uint64_t *)f->s.b.hva;	/* allocates the block */
	head = ttm_page(f, 0, &gen);
	tail = ttm_page(f, 1, NULL);
	diag_page(res, "before the guest", 0, &head);
	diag_page(res, "before the guest", 1, &tail);
	obs = out_value(head.refcount);
	result_outcome(res, &obs, &eh.out, eh.reason);
	obs = out_value(tail.refcount);
	result_outcome(res, &obs, &et.out, et.reason);
	/* 6.x drops the reference it took once stage 2 is mapped. */
	vcpu_call(f->vcpu, guest_touch, f->s.gpa, PAGE, PAGE, 0, 0);
	head = ttm_page(f, 0, NULL);
	diag_page(res, "after a guest load", 0, &head);
	obs = out_value(head.refcount);
	result_expect(res, &obs, &mapped);
}

/* Row 30: a refcount-0 tail page. */
static void check_ttm_tail(struct ctx *f, struct result *res)
{
	struct s2fx_page pg;
	struct outcome obs;
	struct expect e;
	uint32_t gen;

	ctx_setup(f, res);
	pg = ttm_page(f, 1, &gen);
	diag_page(res, "before the guest", 1, &pg);
	e = expect_pfnmap_access(f->s.kf, f->s.ops->vma, true, f->cap,
				 S2FX_TTM_FILL(gen, 1));
	obs = probe(f->vcpu, PROBE_LOAD, f->s.gpa + PAGE, 0);
	pg = ttm_page(f, 1, NULL);
	diag_page(res, "after the guest load", 1, &pg);
	result_outcome(res, &obs, &e.out, e.reason);
}

static void check_ttm_tail_exec(struct ctx *f, struct result *res)
{
	exec_at(f, res, PAGE, true);
}

/*
 * Row 31: the guest maps page p, marks it, the driver evicts (zap, poison,
 * free or quarantine), the guest loads p again.
 */
static void evict_and_retouch(struct ctx *f, struct result *res,
			      uint32_t flags, unsigned int p)
{
	struct expect fresh = expect_ttm_refault_block();
	struct expect moved = expect_ttm_quarantine_pfn();
	struct s2fx_page before, after;
	struct s2fx_evict ev;
	struct outcome obs;
	struct expect e;
	bool present;
	uint64_t gpa;
	uint32_t gen;
	int ret;

	ctx_setup(f, res);
	gpa = f->s.gpa + (uint64_t)p * PAGE;
	/* Map the head page in stage 2 (the tail too where KVM can). */
	vcpu_call(f->vcpu, guest_touch, f->s.gpa, PAGE, PAGE, 1,
		  GUEST_DATA);
	if (!pfnmap_tail_refused(f->s.kf, f->s.ops->vma))
		vcpu_call(f->vcpu, guest_touch, gpa, PAGE, PAGE, 1,
			  GUEST_DATA);
	before = ttm_page(f, p, &gen);
	diag_page(res, "before eviction", p, &before);
	ret = fxmod_ttm_evict(f->s.b.fd, flags, &ev);
	if (ret)
		test_fail("S2FX_IOC_TTM_EVICT: %s", strerror(-ret));
	result_diag(res, "evicted %llu blocks%s; generation %u -> %u",
		    (unsigned long long)ev.blocks,
		    flags & S2FX_EVICT_QUARANTINE ? " into quarantine" : "",
		    gen, ev.gen);
	e = expect_pfnmap_refault(f->s.kf, f->s.ops->vma, p != 0,
				  S2FX_TTM_FILL(ev.gen, p));
	obs = probe(f->vcpu, PROBE_LOAD, gpa, 0);
	if (obs.kind == OUT_COMPLETED && obs.value == S2FX_POISON)
		result_diag(res, "the guest read the freed page's poison");
	result_outcome(res, &obs, &e.out, e.reason);
	/* The host never touched it again: only the guest's fault did. */
	after = ttm_page(f, p, NULL);
	diag_page(res, "after the guest's re-touch", p, &after);
	present = after.flags & S2FX_PAGE_PRESENT;
	result_check(res, present == fresh.out.value,
		     present ? "new block" : "none",
		     fresh.out.value ? "new block" : "none", fresh.reason);
	if (flags & S2FX_EVICT_QUARANTINE)
		result_check(res, (after.pfn != before.pfn) == moved.out.value,
			     after.pfn != before.pfn ? "new pfn" : "old pfn",
			     moved.out.value ? "new pfn" : "old pfn",
			     moved.reason);
}

static void check_ttm_evict(struct ctx *f, struct result *res)
{
	evict_and_retouch(f, res, 0, 0);
}

static void check_ttm_evict_quarantine(struct ctx *f, struct result *res)
{
	evict_and_retouch(f, res, S2FX_EVICT_QUARANTINE, 0);
}

static void check_ttm_evict_tail(struct ctx *f, struct result *res)
{
	evict_and_retouch(f, res, S2FX_EVICT_QUARANTINE, 1);
}

/*
 * Row 25: a slot made over anonymous memory; the VMM then maps the
 * fixture module's cacheable memory over the same HVA (MAP_FIXED: the old
 * pages are unmapped through the notifiers) and the guest touches it
 * again.
 */
static void replace_vma(struct ctx *f, struct result *res)
{
	volatile uint64_t *host;
	struct outcome obs;
	struct expect e;
	void *hva;
	int ret;

	f->s.kf = kernel_facts();
	f->s.size = backing_region_size(f->s.ops);
	/* Open the device first: SKIP before anything when it is absent. */
	backing_create(f->s.ops, f->s.size, &f->s.b);
	hva = f->s.b.hva;
	if (munmap(hva, f->s.size) ||
	    mmap(hva, f->s.size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != hva)
		test_fail("anonymous memory at %p: %s", hva, strerror(errno));
	f->s.vm = vm_create(NULL);
	note_cap(f, res, f->s.vm);
	f->s.gpa = vm_alloc_gpa(f->s.vm, f->s.size);
	ret = vm_add_slot(f->s.vm, f->s.gpa, f->s.size, hva, 0, NULL);
	if (ret)
		test_fail("slot over anonymous memory: %s", strerror(-ret));
	vm_map(f->s.vm, f->s.gpa, f->s.gpa, f->s.size, MAP_MT(MT_NORMAL));
	f->vcpu = vcpu_add(f->s.vm);
	vcpu_call(f->vcpu, guest_fill, f->s.gpa, PAGE, GUEST_DATA);
	if (!fxmod_map(&f->s.b, f->s.size, S2FX_CACHEABLE, hva))
		test_fail("mapping the cacheable kind over the slot: %s",
			  strerror(errno));
	host = hva;
	host[0] = HOST_DATA;
	e = expect_pfnmap_replace(f->s.kf, f->s.ops->vma, f->cap, HOST_DATA);
	obs = probe(f->vcpu, PROBE_LOAD, f->s.gpa, 0);
	result_outcome(res, &obs, &e.out, e.reason);
}

static void check_replace_vma(struct ctx *f, struct result *res)
{
	replace_vma(f, res);
}

/* Row 25 proper: the -EFAULT needs a 7.x host without FWB or DIC. */
static void check_replace_vma_no_fwb(struct ctx *f, struct result *res)
{
	const struct kernel_facts *kf = kernel_facts();
	struct vm *vm;
	int ok;

	if (!kf->feat[FEAT_CACHEABLE_PFNMAP])
		test_skip("row 25: the fault-time recheck is from the "
			  "cacheable PFNMAP series (%s); replace_vma covers "
			  "this kernel", kf->feat_src[FEAT_CACHEABLE_PFNMAP]);
	vm = vm_create(NULL);
	ok = pfnmap_cacheable_supported(kf, cacheable_cap(vm));
	if (ok)
		test_skip("row 25: KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED=%d "
			  "(fwb=%d dic=%d): this host has FWB and DIC, so the "
			  "KVM_RUN -EFAULT recheck cannot be reached",
			  cacheable_cap(vm), kf->fwb, kf->dic);
	replace_vma(f, res);
}
