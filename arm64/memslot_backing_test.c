// SPDX-License-Identifier: GPL-2.0
/*
 * memslot_backing_test - for every backing kind, KVM accepts the memslot,
 * the guest reads, writes and executes it as Normal memory, and each way a
 * VMM takes memory away (read-only slot, mprotect, MADV_DONTNEED, slot
 * delete) has the documented effect on the guest's next access.
 *
 * Rows 1-3, 5, 8, 33, 34, 36-38 of docs/behaviours.md.
 * Block mappings (rows 5/8) are seen through the vCPU's "exits" counter:
 * Debian kernels lack CONFIG_PTDUMP_STAGE2_DEBUGFS, and a block costs one
 * stage-2 fault where pages cost one per page. Each slot is one stage-2
 * block of the host's granule (backing_region_size()); the guest reads
 * and writes its first WINDOW_PAGES host pages and samples the rest.
 * s1_table_refault (row 50) takes the guest's own stage-1 table page
 * away from stage 2 and walks it again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "expect_backing.h"
#include "kernel_facts.h"
#include "model/expect_gmem.h"
#include "model/expect_memslot.h"
#include "model/expect_pfnmap.h"
#include "probe.h"
#include "s2_watch.h"
#include "slot.h"
#include "suite.h"
#include "vm.h"

#define WINDOW_PAGES	512	/* host pages read and written: all of 2M at 4K */
#define BLOCK_POINTS	64	/* words touched per block by check_block */
#define OLD_DATA	0x0123456789abcdefULL
#define HOST_DATA	0xfedcba9876543210ULL

struct ctx {
	struct backed_slot s;
	struct vcpu *vcpu;
	uint64_t window;	/* bytes read and written from the start */
	uint64_t exec_off;	/* the exec stub: second host page */
};

/* check.flags */
#define PAST_FIRST_PAGE	(1u << 0)	/* touches pages beyond the first */
#define NO_SLOT		(1u << 1)	/* makes the slot itself */

static void check_create(struct ctx *f, struct result *res);
static void check_rw(struct ctx *f, struct result *res);
static void check_exec(struct ctx *f, struct result *res);
static void check_memtype(struct ctx *f, struct result *res);
static void check_block(struct ctx *f, struct result *res);
static void check_ro_load(struct ctx *f, struct result *res);
static void check_ro_store(struct ctx *f, struct result *res);
static void check_ro_store_nosyndrome(struct ctx *f,
				      struct result *res);
static void check_mprotect_ro(struct ctx *f, struct result *res);
static void check_dontneed(struct ctx *f, struct result *res);
static void check_delete_load(struct ctx *f, struct result *res);
static void check_delete_exec(struct ctx *f, struct result *res);
static void check_s1_table_refault(struct ctx *f, struct result *res);
static void setup(struct ctx *f, const struct kase *k);

static const struct check checks[] = {
	{ "create", check_create, .flags = NO_SLOT, .access = ACCESS_NONE },
	{ "rw", check_rw, .flags = PAST_FIRST_PAGE, .access = ACCESS_JUDGE },
	{ "exec", check_exec, .flags = PAST_FIRST_PAGE,
	  .access = ACCESS_EXEC },
	{ "memtype", check_memtype },
	{ "block", check_block, .flags = PAST_FIRST_PAGE },
	{ "ro_slot_load", check_ro_load, .slot_flags = KVM_MEM_READONLY },
	{ "ro_slot_store", check_ro_store, .slot_flags = KVM_MEM_READONLY },
	{ "ro_slot_store_nosyndrome", check_ro_store_nosyndrome,
	  .slot_flags = KVM_MEM_READONLY },
	{ "mprotect_ro", check_mprotect_ro },
	{ "dontneed", check_dontneed },
	{ "delete_load", check_delete_load },
	{ "delete_exec", check_delete_exec, .flags = PAST_FIRST_PAGE,
	  .access = ACCESS_EXEC },
	{ "s1_table_refault", check_s1_table_refault, .single = true },
};

SUITE(.name = "memslot_backing_test",
      .summary = "memslots of every backing: accepted, Normal, executable, "
		 "and RO/mprotect/DONTNEED/delete semantics",
      CHECKS(checks), CTX(struct ctx, setup));

/* Guest code: everything the guest does here is in lib/arm64/guest/guest.c. */

/* Host code */

/* The slot over the backing, mapped with blocks, and a vCPU. */
static int __slot_setup(struct ctx *f, uint32_t slot_flags)
{
	int ret = __backed_slot_add(&f->s, NULL, slot_flags,
				    MAP_MT(MT_NORMAL) | MAP_BLOCK);

	if (!ret)
		f->vcpu = vcpu_add(f->s.vm);
	return ret;
}

static void setup(struct ctx *f, const struct kase *k)
{
	const struct check *c = k->check;
	uint64_t region;
	struct outcome obs;
	struct expect e;

	if (c->single)
		return;
	region = backing_region_size(k->ops);
	if ((c->flags & PAST_FIRST_PAGE) &&
	    pfnmap_tail_refused(kernel_facts(), k->ops->vma))
		test_skip("row 30: %s's tail pages have refcount 0, which KVM "
			  "refuses (%s); pfnmap_test covers it", k->ops->name,
			  kernel_facts()->feat_src[FEAT_PFNMAP_NO_REFCOUNT]);
	f->window = WINDOW_PAGES * host_page();
	if (f->window > region)
		f->window = region;
	f->exec_off = host_page();
	backed_slot_init(&f->s, k->ops, region);
	if (c->flags & NO_SLOT)
		return;
	e = expect_slot_create_flags(kernel_facts(), k->ops->vma,
				     c->slot_flags, false);
	/* A kind that refuses the check's slot flags (row 48): the verdict. */
	if (e.out.kind == OUT_ERRNO && e.out.err) {
		obs = out_ret(__slot_setup(f, c->slot_flags));
		result_outcome(test_result(), &obs, &e.out, e.reason);
		return;
	}
	/* Any other refusal: predicted SKIPs (create judges it), else FAIL. */
	slot_expect_accepted(k->ops, false, __slot_setup(f, c->slot_flags));
}

static void check_create(struct ctx *f, struct result *res)
{
	int ret = __slot_setup(f, 0);
	struct outcome obs = out_ret(ret);
	struct expect e = expect_slot_create(f->s.kf, f->s.ops->vma, false);

	result_outcome(res, &obs, &e.out, e.reason);
}

/* Row 2: the guest and the host see each other's writes. */
static void check_rw(struct ctx *f, struct result *res)
{
	uint64_t words = f->window / 8, i, bad = words;
	uint64_t *host = f->s.b.alias ? f->s.b.alias : f->s.b.hva;
	struct expect host_e = expect_rw_host_sees(words);
	struct expect guest_e = expect_rw_guest_sees(words);
	struct outcome obs;

	if (slot_mode_refusal(&f->s, f->vcpu, res))
		return;
	vcpu_call(f->vcpu, guest_fill, f->s.gpa, f->window, OLD_DATA);
	for (i = 0; i < words && bad == words; i++)
		if (host[i] != OLD_DATA)
			bad = i;
	obs = out_value(bad);
	result_outcome(res, &obs, &host_e.out, host_e.reason);
	for (i = 0; i < words; i++)
		host[i] = HOST_DATA;
	obs = out_value(vcpu_call(f->vcpu, guest_check, f->s.gpa,
				  f->window, HOST_DATA));
	result_outcome(res, &obs, &guest_e.out, guest_e.reason);
}

/* Rows 3 and 8. */
static void check_exec(struct ctx *f, struct result *res)
{
	struct expect e = expect_backing_exec(f->s.kf, &f->s.b);

	if (e.unknown)
		test_skip("%s", e.reason);
	exec_stub_write((char *)f->s.b.hva + f->exec_off);
	exec_judge(f->vcpu, f->s.gpa + f->exec_off, f->s.kf, &e, res);
}

/* Rows 2, 5 and 8: no alignment faults, i.e. Normal at stage 2. */
static void check_memtype(struct ctx *f, struct result *res)
{
	struct expect_attr a = expect_backing_attr(f->s.kf, &f->s.b);

	if (!a.known)
		test_skip("%s", a.reason);
	memtype_judge(f->vcpu, f->s.gpa, f->s.kf, &a, res);
}

/*
 * Row 60: the sizes KVM asked stage 2 to map are the block verdict's
 * second witness.
 */
static void installed_granule(struct result *res, struct s2_watch *w,
			      long calls, uint64_t min, uint64_t max,
			      const char *want, const char *why)
{
	uint64_t page = host_page();
	const char *got;

	if (calls <= 0) {
		result_diag(res, "installed sizes not judged (row 60): %s",
			    calls ? w->why : "no map call in the slot");
		return;
	}
	got = max <= page ? "pages" : min > page ? "block" : "mixed";
	result_diag(res, "stage 2 installed %ld mappings of %llu to %llu "
		    "bytes", calls, (unsigned long long)min,
		    (unsigned long long)max);
	result_check(res, !strcmp(got, want), got, want, why);
}

/*
 * Rows 5/8: KVM maps a block exactly when the host maps the range huge.
 * One word per 1/BLOCK_POINTS of the slot: a block takes one fault, host
 * pages one per point (sizes.h), whatever the granule.
 */
static void check_block(struct ctx *f, struct result *res)
{
	const struct page_geom *g = &f->s.kf->sizes.geom;
	uint64_t stride = geom_touch_stride(g, f->s.size, BLOCK_POINTS);
	uint64_t points = f->s.size / stride, before, delta, host, s2;
	uint64_t min = 0, max = 0;
	const char *granule, *want, *why;
	struct s2_watch w;
	long calls;
	bool live;
	char hs[16], ss[16];

	if (f->s.ops->vma & (VMA_PFNMAP | VMA_DAX | VMA_DEVICE))
		test_skip("the host's mapping size of a device VMA is not "
			  "visible to userspace; rows 5/8 are about RAM");
	/* Fault in the guest's own code and stack before counting. */
	vcpu_call(f->vcpu, guest_touch, f->s.gpa, 0, stride, 1, OLD_DATA);
	live = s2_watch_map_start(&w, f->s.kf, f->s.gpa, f->s.size);
	before = vcpu_stat(f->vcpu, VCPU_STAT_EXITS);
	vcpu_call(f->vcpu, guest_touch, f->s.gpa, f->s.size, stride, 1,
		  OLD_DATA);
	delta = vcpu_stat(f->vcpu, VCPU_STAT_EXITS) - before;
	calls = live ? s2_watch_map_sizes(&w, &min, &max) : -1;
	/* After the touch: a THP exists only once it has been faulted. */
	host = backing_host_map_size(&f->s.b);
	s2 = geom_s2_map_size(g, host);
	granule = delta < points / 8 ? "block" : delta >= points ? "pages" :
		  "mixed";
	want = expect_block_mapped(f->s.ops->vma,
				   geom_touch_faults(f->s.size, stride, s2) <
				   points / 8, &why) ? "block" : "pages";
	result_diag(res, "%llu exits while touching %llu points %llu bytes "
		    "apart; host maps %s, stage 2 may map %s",
		    (unsigned long long)delta, (unsigned long long)points,
		    (unsigned long long)stride, size_str(host, hs, sizeof(hs)),
		    size_str(s2, ss, sizeof(ss)));
	result_check(res, !strcmp(granule, want), granule, want, why);
	installed_granule(res, &w, calls, min, max, want, why);
}

static void check_ro_load(struct ctx *f, struct result *res)
{
	struct expect e = expect_ro_slot_load(HOST_DATA);
	struct outcome obs;

	*(volatile uint64_t *)f->s.b.hva = HOST_DATA;
	obs = probe(f->vcpu, PROBE_LOAD, f->s.gpa, 0);
	result_outcome(res, &obs, &e.out, e.reason);
}

static void check_ro_store(struct ctx *f, struct result *res)
{
	struct expect e = expect_ro_slot_store(true, f->s.gpa);
	struct outcome obs = probe(f->vcpu, PROBE_STORE, f->s.gpa, OLD_DATA);

	result_outcome(res, &obs, &e.out, e.reason);
}

static void check_ro_store_nosyndrome(struct ctx *f, struct result *res)
{
	struct expect e = expect_ro_slot_store(false, f->s.gpa);
	struct outcome stp, zva;

	stp = probe(f->vcpu, PROBE_STORE_PAIR, f->s.gpa, OLD_DATA);
	result_outcome(res, &stp, &e.out, e.reason);
	zva = probe(f->vcpu, PROBE_DC_ZVA, f->s.gpa, 0);
	result_outcome(res, &zva, &e.out, e.reason);
}

/* Rows 33/35 (I2): RO VMA under a RW slot; stores fail until restored. */
static void check_mprotect_ro(struct ctx *f, struct result *res)
{
	struct expect e = expect_mprotect_ro_store_kind(f->s.ops->vma);
	struct expect load = expect_mprotect_ro_load(&e, HOST_DATA, OLD_DATA);
	struct expect rw = expect_mprotect_rw_store();
	struct outcome obs;

	vcpu_call(f->vcpu, guest_fill, f->s.gpa, host_page(), OLD_DATA);
	if (mprotect(f->s.b.hva, f->s.size, PROT_READ))
		test_fail("mprotect(PROT_READ): %s", strerror(errno));
	obs = probe(f->vcpu, PROBE_STORE, f->s.gpa, HOST_DATA);
	result_outcome(res, &obs, &e.out, e.reason);
	obs = probe(f->vcpu, PROBE_LOAD, f->s.gpa, 0);
	result_outcome(res, &obs, &load.out, load.reason);
	if (mprotect(f->s.b.hva, f->s.size, PROT_READ | PROT_WRITE))
		test_fail("mprotect(PROT_READ|PROT_WRITE): %s",
			  strerror(errno));
	obs = probe(f->vcpu, PROBE_STORE, f->s.gpa, HOST_DATA);
	result_outcome(res, &obs, &rw.out, rw.reason);
}

/* Rows 36/37 (I4). */
static void check_dontneed(struct ctx *f, struct result *res)
{
	struct expect e = expect_dontneed_load(f->s.ops->vma, OLD_DATA,
					       f->s.b.file_fill);
	struct outcome obs;

	vcpu_call(f->vcpu, guest_fill, f->s.gpa, host_page(), OLD_DATA);
	if (f->s.ops->vma & VMA_PFNMAP) {
		e = expect_pfnmap_dontneed();
		obs = out_ret(madvise(f->s.b.hva, f->s.size, MADV_DONTNEED) ?
			      -errno : 0);
		result_outcome(res, &obs, &e.out, e.reason);
		return;
	}
	if (madvise(f->s.b.hva, f->s.size, MADV_DONTNEED))
		test_fail("MADV_DONTNEED: %s", strerror(errno));
	obs = probe(f->vcpu, PROBE_LOAD, f->s.gpa, 0);
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Row 38 (I5): the old data is unreachable once the delete returns. */
static void check_delete_load(struct ctx *f, struct result *res)
{
	struct expect e = expect_deleted_load(f->s.gpa);
	struct outcome obs;
	int ret;

	vcpu_call(f->vcpu, guest_fill, f->s.gpa, host_page(), OLD_DATA);
	ret = vm_delete_slot(f->s.vm, f->s.slot);
	if (ret)
		test_fail("deleting the memslot: %s", strerror(-ret));
	obs = probe(f->vcpu, PROBE_LOAD, f->s.gpa, 0);
	result_outcome(res, &obs, &e.out, e.reason);
}

static void check_delete_exec(struct ctx *f, struct result *res)
{
	struct expect e = expect_deleted_exec();
	struct expect x = expect_backing_exec(f->s.kf, &f->s.b);
	struct outcome obs, ran = out_value(GUEST_EXEC_MAGIC);
	int ret;

	if (x.unknown)
		test_skip("%s", x.reason);
	if (!outcome_match(&ran, &x.out))
		test_skip("nothing to delete: the kind does not execute (%s)",
			  x.reason);
	exec_stub_write((char *)f->s.b.hva + f->exec_off);
	obs = probe(f->vcpu, PROBE_EXEC, f->s.gpa + f->exec_off, 0);
	if (!outcome_match(&obs, &ran))
		test_fail("exec before delete did not run the stub");
	ret = vm_delete_slot(f->s.vm, f->s.slot);
	if (ret)
		test_fail("deleting the memslot: %s", strerror(-ret));
	obs = probe(f->vcpu, PROBE_EXEC, f->s.gpa + f->exec_off, 0);
	result_outcome(res, &obs, &e.out, e.reason);
}

/* A stall ends the call in seconds; this bounds it where none is seen. */
#define REFAULT_CALL_MS	10000

static struct outcome load_bounded(struct vcpu *vcpu, uint64_t gva,
				   struct result *res)
{
	struct call c = { .recover = RECOVER_SKIP,
			  .timeout_ms = REFAULT_CALL_MS,
			  .mmio_read_value = MMIO_POISON };

	__vcpu_call(vcpu, &c, guest_probe, PROBE_LOAD, gva, 0);
	if (c.status == CALL_STALL) {
		result_diag(res, "%s", c.msg);
		return out_stall();
	}
	if (c.status != CALL_OK)
		return out_error("%s: %s", call_status_name(c.status), c.msg);
	if (c.nevents)
		return c.events[0].what;
	if (vcpu->cpu->nfaults)
		return out_fault(ESR_EC(vcpu->cpu->fault.esr),
				 ESR_FSC(vcpu->cpu->fault.esr));
	return out_value(c.ret);
}

/*
 * Row 50: MADV_DONTNEED on the host page that holds the last-level
 * stage-1 table of a mapped page, its contents put back at once: the
 * host has the table, stage 2 does not. The guest's next load of that
 * page must walk the table (its TLB is flushed), an S1PTW fault.
 */
static void check_s1_table_refault(struct ctx *f, struct result *res)
{
	struct vm *vm = vm_create(NULL);
	uint64_t size = host_page(), gpa = vm_alloc_gpa(vm, size);
	struct vcpu *vcpu;
	struct outcome obs;
	struct expect e;
	uint64_t *data;
	char *table, *copy;

	(void)f;
	data = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (data == MAP_FAILED)
		test_fail("mmap: %s", strerror(errno));
	data[0] = OLD_DATA;
	if (vm_add_slot(vm, gpa, size, data, 0, NULL))
		test_fail("test memslot refused");
	vm_map(vm, gpa, gpa, size, MAP_MT(MT_NORMAL));
	vcpu = vcpu_add(vm);
	obs = probe(vcpu, PROBE_LOAD, gpa, 0);
	if (obs.kind != OUT_COMPLETED)
		test_fail("the first load did not complete");
	table = vm_gpa2hva(vm, vm_s1_table(vm, gpa));
	table -= (uintptr_t)table % host_page();
	copy = malloc(host_page());
	memcpy(copy, table, host_page());
	if (madvise(table, host_page(), MADV_DONTNEED))
		test_fail("MADV_DONTNEED: %s", strerror(errno));
	memcpy(table, copy, host_page());
	free(copy);
	vm->s1_gen++;	/* the guest flushes its TLB: the load must walk */
	e = expect_s1_table_refault(kernel_facts(), OLD_DATA);
	obs = load_bounded(vcpu, gpa, res);
	result_expect(res, &obs, &e);
}
