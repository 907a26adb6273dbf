// SPDX-License-Identifier: GPL-2.0
/*
 * nested_test - an L2 guest under the test VM's own stage 2. The vCPU
 * starts at EL2 (KVM_ARM_VCPU_HAS_EL2, kvm-arm.mode=nested): the guest
 * runtime is an L1 guest hypervisor that keeps a stage 2 for its L2 in
 * its own memory and runs the ordinary probes in L2 at EL1
 * (lib/arm64/guest/l2.c, arm64/nested.h). KVM (L0) must shadow that
 * stage 2 (arch/arm64/kvm/nested.c) and keep the shadow coherent with
 * both sides. Rows N0-N6 of docs/behaviours.md:
 *
 *   N1  L2 reads, writes and executes L1 memory through L1's stage 2
 *       (page-mapped over anon_4k; one L1 block over anon_thp)
 *   N2  L1's XN / read-only / missing entry: L1 (EL2) takes the abort
 *   N3  L1 maps Device over L0's Normal: the type L2 sees (known defect)
 *   N4  the host's munmap / MADV_DONTNEED reaches the shadow
 *   N5  L1's TLBI IPAS2E1IS after a remap, and a VTTBR_EL2 switch
 *   N6  L1's ID registers hide MTE; the tag cases SKIP naming it
 *
 * Every case is a handful of L2 entries: each costs an L2 -> L0 -> L1
 * round trip of emulated exception handling under TCG.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "kernel_facts.h"
#include "model/expect_nested.h"
#include "model/memtype.h"
#include "nested.h"
#include "probe.h"
#include "slot.h"
#include "suite.h"
#include "vm.h"

#define PAT_A		0x4c31415041474541ULL
#define PAT_B		0x4c31425041474542ULL
#define PAT_L2		0x4c325354524f4c32ULL

/* The region's pages, in L1's stage-2 granule (L2_PAGE). */
enum { PG_DATA, PG_STORE, PG_EXEC, PG_XN, PG_RO, PG_NONE, PG_OTHER };

struct ctx {
	struct backed_slot s;
	struct vcpu *vcpu;
	struct l2_space s2;
	const struct check *c;
	bool huge;
};

static void setup(struct ctx *f, const struct kase *k);
static void check_access(struct ctx *f, struct result *res);
static void check_memtype(struct ctx *f, struct result *res);
static void check_unmap(struct ctx *f, struct result *res);
static void check_remap(struct ctx *f, struct result *res);
static void check_mte_hidden(struct ctx *f, struct result *res);
static void check_mte_tags(struct ctx *f, struct result *res);

/*
 * Few cases, several steps each: every VM that ran an L2 costs seconds
 * to tear down under TCG (each of its shadow stage 2s is destroyed over
 * the whole PARange in 1 GiB steps, mmu.c kvm_stage2_destroy).
 */
static const struct check checks[] = {
	{ "l2_access", check_access },
	{ "memtype_device", check_memtype, .kind = "anon_4k" },
	{ "dontneed", check_unmap, .kind = "anon_4k" },
	{ "remap", check_remap, .kind = "anon_4k" },
	{ "mte/l1_hidden", check_mte_hidden, .single = true },
	{ "mte/l2_tags", check_mte_tags, .single = true },
};

SUITE(.name = "nested_test",
      .summary = "an L2 guest through the test VM's own stage 2: KVM's "
		 "shadow stage 2 (rows N0-N6)",
      .kinds = KINDS("anon_4k", "anon_thp"),
      CHECKS(checks),
      CTX(struct ctx, setup));

/* Guest code: the probes and l2_call() of the guest runtime. */

/* Host code */

static uint64_t ipa_of(struct ctx *f, int pg)
{
	return f->s.gpa + pg * L2_PAGE;
}

static void *hva_of(struct ctx *f, int pg)
{
	return (char *)f->s.b.hva + pg * L2_PAGE;
}

static void need_nested(const struct kernel_facts *kf)
{
	char why[200];

	if (kf->kvm)
		test_skip("/dev/kvm: %s", strerror(-kf->kvm));
	if (!nested_runs(kf, why, sizeof(why)))
		test_skip("%s", why);
}

/* L1 picks the 4K stage-2 granule: KVM offers L1 only >= host page. */
static void need_l1_granule(struct vcpu *vcpu)
{
	uint64_t mmfr0 = l1_call1(vcpu, l1_read_mmfr0, 0);
	unsigned int t2 = (mmfr0 >> 40) & 0xf, t = (mmfr0 >> 28) & 0xf;

	if (t2 == 1 || (t2 == 0 && t == 0xf))
		test_skip("L1's ID_AA64MMFR0_EL1.TGran4_2 says no 4K stage-2 "
			  "granule (KVM offers a guest hypervisor none "
			  "smaller than the host page)");
}

/* The VM, its L1 vCPU, the slot at stage 1 and an empty L1 stage 2. */
static void setup(struct ctx *f, const struct kase *k)
{
	struct vm_opts o = { .el2 = true };
	char why[240];
	struct vm *vm;
	int ret;

	need_nested(kernel_facts());
	f->c = k->check;
	if (!k->ops)
		return;
	if (k->check->run == check_unmap &&
	    !nested_unmap_feasible(kernel_facts(), why, sizeof(why)))
		test_skip("%s", why);
	backed_slot_init(&f->s, k->ops, backing_region_size(k->ops));
	ret = __vm_create(&vm, &o);
	if (ret)
		test_fail("KVM_CREATE_VM with a vGICv3: %s", strerror(-ret));
	backed_slot_add(&f->s, vm, 0, MAP_MT(MT_NORMAL));
	f->vcpu = vcpu_add(vm);
	f->huge = k->ops->map == MAP_THP;
	need_l1_granule(f->vcpu);
	l2_space_init(vm, &f->s2, 1);
}

static void judge(struct result *res, const char *what,
		  const struct outcome *obs, const struct expect *e)
{
	char o[96];

	outcome_format(obs, o, sizeof(o));
	result_diag(res, "%s: %s", what, o);
	result_expect(res, obs, e);
}

static void host_write(struct ctx *f, int pg, uint64_t val)
{
	*(volatile uint64_t *)hva_of(f, pg) = val;
}

static uint64_t host_read(struct ctx *f, int pg)
{
	return *(volatile uint64_t *)hva_of(f, pg);
}

static const enum probe_kind probe_of[] = {
	[L2_LOAD] = PROBE_LOAD, [L2_STORE] = PROBE_STORE,
	[L2_EXEC] = PROBE_EXEC,
};

/* One L2 access to page pg, judged against what L1 mapped there. */
static void l2_step(struct ctx *f, struct result *res, enum l1_s2 s2,
		    enum l2_access a, int pg, uint64_t want)
{
	struct expect e = expect_l2_access(s2, a, want);
	struct outcome o = probe(f->vcpu, probe_of[a], ipa_of(f, pg), PAT_L2);
	const struct guest_fault *gf = &f->vcpu->cpu->fault;
	char what[64];

	snprintf(what, sizeof(what), "L2 %s, page %d", probe_name(probe_of[a]),
		 pg);
	judge(res, what, &o, &e);
	if (o.kind != OUT_GUEST_FAULT)
		return;
	/* A fault L1 took names the L2 IPA in HPFAR_EL2 (+ FAR[11:0]). */
	result_diag(res, "taken at vector %llu, IPA 0x%llx",
		    (unsigned long long)gf->vector,
		    (unsigned long long)gf->ipa);
	e = expect_l2_access(L1_S2_NORMAL, L2_LOAD, ipa_of(f, pg));
	o = out_value(gf->ipa);
	result_expect(res, &o, &e);
}

/*
 * N1 and N2. Page-mapped (anon_4k): data, store and exec pages Normal,
 * then one page each with L1's XN, read-only, and no entry. Block-mapped
 * (anon_thp, one L1 block over L0's THP): the N1 steps only.
 */
static void check_access(struct ctx *f, struct result *res)
{
	unsigned int n = L2_MT(L2_MT_NORMAL);
	struct expect e;
	struct outcome o;

	host_write(f, PG_DATA, PAT_A);
	exec_stub_write(hva_of(f, PG_EXEC));
	exec_stub_write(hva_of(f, PG_XN));
	host_write(f, PG_RO, PAT_B);
	if (f->huge) {
		l2_map(&f->s2, f->s.gpa, f->s.gpa, f->s.size, n | L2_BLOCK);
	} else {
		l2_map(&f->s2, f->s.gpa, f->s.gpa, PG_XN * L2_PAGE, n);
		l2_map(&f->s2, ipa_of(f, PG_XN), ipa_of(f, PG_XN), L2_PAGE,
		       n | L2_XN);
		l2_map(&f->s2, ipa_of(f, PG_RO), ipa_of(f, PG_RO), L2_PAGE,
		       n | L2_RO);
	}
	l2_enter(f->vcpu, &f->s2);
	l2_step(f, res, L1_S2_NORMAL, L2_LOAD, PG_DATA, PAT_A);
	l2_step(f, res, L1_S2_NORMAL, L2_STORE, PG_STORE, 0);
	e = expect_l2_access(L1_S2_NORMAL, L2_LOAD, PAT_L2);
	o = out_value(host_read(f, PG_STORE));
	judge(res, "the host reads L2's store", &o, &e);
	l2_step(f, res, L1_S2_NORMAL, L2_EXEC, PG_EXEC, GUEST_EXEC_MAGIC);
	if (f->huge)
		return;
	l2_step(f, res, L1_S2_XN, L2_EXEC, PG_XN, 0);
	l2_step(f, res, L1_S2_RO, L2_LOAD, PG_RO, PAT_B);
	l2_step(f, res, L1_S2_RO, L2_STORE, PG_RO, 0);
	l2_step(f, res, L1_S2_NONE, L2_LOAD, PG_NONE, 0);
}

/*
 * N3: memtype_probe()'s unaligned accesses, run in L2, on a page L1 maps
 * Device (first: it decides the case) and one it maps Normal (the
 * control). The host writes both
 * first: no zero page, whose copy-on-write would be a host invalidation.
 */
static void check_memtype(struct ctx *f, struct result *res)
{
	static const enum l1_s2 kinds[] = { L1_S2_DEVICE, L1_S2_NORMAL };
	struct memtype_result m;
	struct outcome o;
	struct expect e;
	unsigned int i;

	host_write(f, PG_DATA, PAT_A);
	host_write(f, PG_OTHER, PAT_B);
	l2_map(&f->s2, ipa_of(f, PG_DATA), ipa_of(f, PG_DATA), L2_PAGE,
	       L2_MT(L2_MT_NORMAL));
	l2_map(&f->s2, ipa_of(f, PG_OTHER), ipa_of(f, PG_OTHER), L2_PAGE,
	       L2_MT(L2_MT_DEVICE));
	l2_enter(f->vcpu, &f->s2);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		e = expect_l2_memtype(f->s.kf, kinds[i]);
		m = memtype_probe(f->vcpu, ipa_of(f, i ? PG_DATA : PG_OTHER),
				  f->s.kf->tcg);
		result_diag(res, "L1 %s: %s", i ? "Normal" : "Device",
			    m.detail);
		o = out_value(m.type);
		judge(res, memtype_name(m.type), &o, &e);
	}
}

/*
 * N4: L2 stores, the host MADV_DONTNEEDs the L0 backing, L2 stores
 * again: the host must see the second store in its new page. Store
 * first after the op: a load would map the zero page and the store's
 * copy-on-write be a second invalidation.
 */
static void check_unmap(struct ctx *f, struct result *res)
{
	struct expect e = expect_l2_access(L1_S2_NORMAL, L2_STORE, 0);
	struct outcome o;

	l2_map(&f->s2, f->s.gpa, f->s.gpa, PG_OTHER * L2_PAGE,
	       L2_MT(L2_MT_NORMAL));
	l2_enter(f->vcpu, &f->s2);
	o = probe(f->vcpu, PROBE_STORE, ipa_of(f, PG_DATA), PAT_A);
	judge(res, "L2 store before", &o, &e);
	if (host_read(f, PG_DATA) != PAT_A)
		test_fail("the host does not see L2's first store");
	if (madvise(f->s.b.hva, f->s.size, MADV_DONTNEED))
		test_fail("madvise: %s", strerror(errno));
	e = expect_l2_after_unmap(false, L2_STORE, 0);
	o = probe(f->vcpu, PROBE_STORE, ipa_of(f, PG_DATA), PAT_B);
	judge(res, "L2 store after", &o, &e);
	e = expect_l2_after_unmap(false, L2_LOAD, PAT_B);
	o = out_value(host_read(f, PG_DATA));
	judge(res, "the host reads L2's later store", &o, &e);
}

/*
 * N5: L1 repoints an L2 page and invalidates (TLBI IPAS2E1IS), then
 * switches VTTBR_EL2 to a second stage 2 (VMID 2) that maps the same L2
 * IPA to a third page, and back.
 */
static void check_remap(struct ctx *f, struct result *res)
{
	uint64_t ipa = ipa_of(f, PG_DATA);
	struct l2_space other;
	struct outcome o;
	struct expect e;

	host_write(f, PG_DATA, PAT_A);
	host_write(f, PG_OTHER, PAT_B);
	host_write(f, PG_STORE, PAT_L2);
	l2_map(&f->s2, ipa, ipa, L2_PAGE, L2_MT(L2_MT_NORMAL));
	l2_space_init(f->s.vm, &other, 2);
	l2_map(&other, ipa, ipa_of(f, PG_STORE), L2_PAGE, L2_MT(L2_MT_NORMAL));
	l2_enter(f->vcpu, &f->s2);
	/* The shadow entry the TLBI must remove: built by this load. */
	o = probe(f->vcpu, PROBE_LOAD, ipa, 0);
	if (o.kind != OUT_COMPLETED || o.value != PAT_A)
		test_fail("L2's first load did not read L1's first page "
			  "(l2_access judges that)");
	result_diag(res, "VMID 1: the first page");
	l1_remap(f->vcpu, &f->s2, ipa, ipa_of(f, PG_OTHER),
		 L2_MT(L2_MT_NORMAL));
	e = expect_l2_remapped(PAT_B, false);
	o = probe(f->vcpu, PROBE_LOAD, ipa, 0);
	judge(res, "VMID 1 after remap + TLBI", &o, &e);
	l1_switch(f->vcpu, &other);
	e = expect_l2_remapped(PAT_L2, true);
	o = probe(f->vcpu, PROBE_LOAD, ipa, 0);
	judge(res, "VMID 2", &o, &e);
	l1_switch(f->vcpu, &f->s2);
	e = expect_l2_remapped(PAT_B, true);
	o = probe(f->vcpu, PROBE_LOAD, ipa, 0);
	judge(res, "VMID 1 again", &o, &e);
}

/*
 * N6: an MTE VM (the CPU has MTE, else the field proves nothing): L1
 * must still read ID_AA64PFR1_EL1.MTE == 0.
 */
static void check_mte_hidden(struct ctx *f, struct result *res)
{
	struct vm_opts opts = { .el2 = true, .mte = true };
	struct expect e = expect_l1_mte_field();
	struct vcpu *vcpu;
	struct outcome o;
	struct vm *vm;
	int ret;

	if (!kernel_facts()->cap_mte)
		test_skip("no KVM_CAP_ARM_MTE: no MTE for KVM to hide");
	ret = __vm_create(&vm, &opts);
	if (ret)
		test_fail("KVM_CREATE_VM (MTE, vGICv3): %s", strerror(-ret));
	vcpu = vcpu_add(vm);
	o = out_value((vcpu_call(vcpu, l1_read_pfr1) >> 8) & 0xf);
	judge(res, "L1 ID_AA64PFR1_EL1.MTE", &o, &e);
}

/* N6: what the tag cases would check in L2 does not exist there. */
static void check_mte_tags(struct ctx *f, struct result *res)
{
	test_skip("%s", nested_mte_skip_reason());
}
