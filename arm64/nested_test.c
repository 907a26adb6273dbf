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
/* The region's L2 pages (L1's granule): data, store, exec, spare. */
#define PG_DATA		0
#define PG_STORE	1
#define PG_EXEC		2
#define PG_OTHER	3

struct ctx {
	struct backed_slot s;
	struct vcpu *vcpu;
	struct l2_space s2;
	const struct check *c;
	bool huge;
};

static void setup(struct ctx *f, const struct kase *k);
static void check_rw(struct ctx *f, struct result *res);
static void check_exec(struct ctx *f, struct result *res);
static void check_l1_perm(struct ctx *f, struct result *res);
static void check_memtype(struct ctx *f, struct result *res);
static void check_unmap(struct ctx *f, struct result *res);
static void check_remap(struct ctx *f, struct result *res);
static void check_vttbr(struct ctx *f, struct result *res);
static void check_mte_hidden(struct ctx *f, struct result *res);
static void check_mte_tags(struct ctx *f, struct result *res);

/* .op: enum l1_s2 for the permission and memtype cases. */
#define CHECK_MUNMAP	1u

static const struct check checks[] = {
	{ "l2_load_store", check_rw },
	{ "l2_exec", check_exec, .kind = "anon_4k" },
	{ "l1_xn", check_l1_perm, .kind = "anon_4k", .op = L1_S2_XN },
	{ "l1_readonly", check_l1_perm, .kind = "anon_4k", .op = L1_S2_RO },
	{ "l1_unmapped", check_l1_perm, .kind = "anon_4k", .op = L1_S2_NONE },
	{ "memtype_normal", check_memtype, .kind = "anon_4k",
	  .op = L1_S2_NORMAL },
	{ "memtype_device", check_memtype, .kind = "anon_4k",
	  .op = L1_S2_DEVICE },
	{ "dontneed", check_unmap },
	{ "munmap", check_unmap, .kind = "anon_4k", .flags = CHECK_MUNMAP },
	{ "tlbi_remap", check_remap, .kind = "anon_4k" },
	{ "vttbr_switch", check_vttbr, .kind = "anon_4k" },
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
	struct vm *vm;
	int ret;

	need_nested(kernel_facts());
	f->c = k->check;
	if (!k->ops)
		return;
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

/* L1 maps the region 1:1 with attrs (a block where the kind is huge). */
static void map_region(struct ctx *f, unsigned int attrs)
{
	l2_map(&f->s2, f->s.gpa, f->s.gpa, f->s.size,
	       attrs | (f->huge ? L2_BLOCK : 0));
}

static void judge(struct result *res, const char *what,
		  const struct outcome *obs, const struct expect *e)
{
	char o[96];

	outcome_format(obs, o, sizeof(o));
	result_diag(res, "%s: %s", what, o);
	result_expect(res, obs, e);
}

/* N1: a load of the host's data, then a store the host reads back. */
static void check_rw(struct ctx *f, struct result *res)
{
	struct expect e = expect_l2_access(L1_S2_NORMAL, L2_LOAD, PAT_A);
	struct outcome o;
	uint64_t seen;

	*(volatile uint64_t *)hva_of(f, PG_DATA) = PAT_A;
	map_region(f, L2_MT(L2_MT_NORMAL));
	l2_enter(f->vcpu, &f->s2);
	o = probe(f->vcpu, PROBE_LOAD, ipa_of(f, PG_DATA), 0);
	judge(res, "L2 load", &o, &e);
	e = expect_l2_access(L1_S2_NORMAL, L2_STORE, 0);
	o = probe(f->vcpu, PROBE_STORE, ipa_of(f, PG_STORE), PAT_L2);
	judge(res, "L2 store", &o, &e);
	seen = *(volatile uint64_t *)hva_of(f, PG_STORE);
	e = expect_l2_access(L1_S2_NORMAL, L2_LOAD, PAT_L2);
	o = out_value(seen);
	judge(res, "the host reads L2's store", &o, &e);
}

static void check_exec(struct ctx *f, struct result *res)
{
	struct expect e = expect_l2_access(L1_S2_NORMAL, L2_EXEC,
					   GUEST_EXEC_MAGIC);
	struct outcome o;

	exec_stub_write(hva_of(f, PG_EXEC));
	map_region(f, L2_MT(L2_MT_NORMAL));
	l2_enter(f->vcpu, &f->s2);
	o = probe(f->vcpu, PROBE_EXEC, ipa_of(f, PG_EXEC), 0);
	judge(res, "L2 exec", &o, &e);
}

/*
 * N2: one page with L1's restriction, the rest plain; the fault must
 * reach L1 (EC from a lower EL) with HPFAR_EL2 naming the L2 IPA.
 */
static void check_l1_perm(struct ctx *f, struct result *res)
{
	enum l1_s2 s2 = f->c->op;
	enum l2_access a = s2 == L1_S2_XN ? L2_EXEC :
			   s2 == L1_S2_RO ? L2_STORE : L2_LOAD;
	static const enum probe_kind kinds[] = {
		[L2_LOAD] = PROBE_LOAD, [L2_STORE] = PROBE_STORE,
		[L2_EXEC] = PROBE_EXEC,
	};
	struct expect e = expect_l2_access(s2, a, 0);
	uint64_t ipa = ipa_of(f, PG_OTHER);
	unsigned int attrs = L2_MT(L2_MT_NORMAL);
	struct outcome o;

	exec_stub_write(hva_of(f, PG_OTHER));
	l2_map(&f->s2, f->s.gpa, f->s.gpa, PG_OTHER * L2_PAGE, attrs);
	if (s2 == L1_S2_XN)
		attrs |= L2_XN;
	if (s2 == L1_S2_RO)
		attrs |= L2_RO;
	if (s2 != L1_S2_NONE)
		l2_map(&f->s2, ipa, ipa, L2_PAGE, attrs);
	l2_enter(f->vcpu, &f->s2);
	o = probe(f->vcpu, kinds[a], ipa, PAT_L2);
	judge(res, probe_name(kinds[a]), &o, &e);
	if (o.kind == OUT_GUEST_FAULT) {
		result_diag(res, "fault taken at vector %llu, IPA 0x%llx",
			    (unsigned long long)f->vcpu->cpu->fault.vector,
			    (unsigned long long)f->vcpu->cpu->fault.ipa);
		e = expect_l2_access(L1_S2_NORMAL, L2_LOAD, ipa);
		o = out_value(f->vcpu->cpu->fault.ipa);
		judge(res, "HPFAR_EL2 + FAR_EL2[11:0]", &o, &e);
	}
}

/* N3: the unaligned-access probes of memtype_probe(), run in L2. */
static void check_memtype(struct ctx *f, struct result *res)
{
	enum l1_s2 s2 = f->c->op;
	struct expect e = expect_l2_memtype(f->s.kf, s2);
	struct memtype_result m;
	struct outcome o;

	map_region(f, L2_MT(s2 == L1_S2_DEVICE ? L2_MT_DEVICE :
			    L2_MT_NORMAL));
	l2_enter(f->vcpu, &f->s2);
	m = memtype_probe(f->vcpu, f->s.gpa, f->s.kf->tcg);
	result_diag(res, "%s", m.detail);
	o = out_value(m.type);
	result_diag(res, "L2 sees %s", memtype_name(m.type));
	result_expect(res, &o, &e);
}

/*
 * N4: L2 stores, the host drops the L0 backing under it, L2 comes back:
 * the shadow entry must be gone with the page.
 */
static void check_unmap(struct ctx *f, struct result *res)
{
	bool unmap = f->c->flags & CHECK_MUNMAP;
	struct expect e = expect_l2_access(L1_S2_NORMAL, L2_STORE, 0);
	struct outcome o;
	uint64_t seen;

	map_region(f, L2_MT(L2_MT_NORMAL));
	l2_enter(f->vcpu, &f->s2);
	o = probe(f->vcpu, PROBE_STORE, ipa_of(f, PG_DATA), PAT_A);
	judge(res, "L2 store before", &o, &e);
	if (*(volatile uint64_t *)hva_of(f, PG_DATA) != PAT_A)
		test_fail("the host does not see L2's first store");
	if (unmap ? munmap(f->s.b.hva, f->s.size) :
	    madvise(f->s.b.hva, f->s.size, MADV_DONTNEED))
		test_fail("%s: %s", unmap ? "munmap" : "madvise",
			  strerror(errno));
	if (!unmap) {
		e = expect_l2_after_unmap(false, L2_LOAD, 0);
		o = probe(f->vcpu, PROBE_LOAD, ipa_of(f, PG_DATA), 0);
		judge(res, "L2 load after", &o, &e);
	}
	e = expect_l2_after_unmap(unmap, L2_STORE, 0);
	o = probe(f->vcpu, PROBE_STORE, ipa_of(f, PG_DATA), PAT_B);
	judge(res, "L2 store after", &o, &e);
	if (unmap)
		return;
	seen = *(volatile uint64_t *)hva_of(f, PG_DATA);
	e = expect_l2_after_unmap(false, L2_LOAD, PAT_B);
	o = out_value(seen);
	judge(res, "the host reads L2's later store", &o, &e);
}

/* N5: L1 points one L2 page at another L1 page and invalidates. */
static void check_remap(struct ctx *f, struct result *res)
{
	struct expect e = expect_l2_access(L1_S2_NORMAL, L2_LOAD, PAT_A);
	uint64_t ipa = ipa_of(f, PG_DATA);
	struct outcome o;

	*(volatile uint64_t *)hva_of(f, PG_DATA) = PAT_A;
	*(volatile uint64_t *)hva_of(f, PG_OTHER) = PAT_B;
	l2_map(&f->s2, f->s.gpa, f->s.gpa, f->s.size, L2_MT(L2_MT_NORMAL));
	l2_enter(f->vcpu, &f->s2);
	o = probe(f->vcpu, PROBE_LOAD, ipa, 0);
	judge(res, "L2 load before", &o, &e);
	l1_remap(f->vcpu, &f->s2, ipa, ipa_of(f, PG_OTHER),
		 L2_MT(L2_MT_NORMAL));
	e = expect_l2_remapped(PAT_B, false);
	o = probe(f->vcpu, PROBE_LOAD, ipa, 0);
	judge(res, "L2 load after remap + TLBI", &o, &e);
}

/* N5: two L1 stage 2s (VMIDs 1, 2) map one L2 IPA to two pages. */
static void check_vttbr(struct ctx *f, struct result *res)
{
	struct expect e = expect_l2_access(L1_S2_NORMAL, L2_LOAD, PAT_A);
	uint64_t ipa = ipa_of(f, PG_DATA);
	struct l2_space other;
	struct outcome o;

	*(volatile uint64_t *)hva_of(f, PG_DATA) = PAT_A;
	*(volatile uint64_t *)hva_of(f, PG_OTHER) = PAT_B;
	l2_space_init(f->s.vm, &other, 2);
	l2_map(&f->s2, ipa, ipa, L2_PAGE, L2_MT(L2_MT_NORMAL));
	l2_map(&other, ipa, ipa_of(f, PG_OTHER), L2_PAGE,
	       L2_MT(L2_MT_NORMAL));
	l2_enter(f->vcpu, &f->s2);
	o = probe(f->vcpu, PROBE_LOAD, ipa, 0);
	judge(res, "VMID 1", &o, &e);
	l1_switch(f->vcpu, &other);
	e = expect_l2_remapped(PAT_B, true);
	o = probe(f->vcpu, PROBE_LOAD, ipa, 0);
	judge(res, "VMID 2", &o, &e);
	l1_switch(f->vcpu, &f->s2);
	e = expect_l2_remapped(PAT_A, true);
	o = probe(f->vcpu, PROBE_LOAD, ipa, 0);
	judge(res, "VMID 1 again", &o, &e);
}

/*
 * N6: an MTE VM where the CPU has MTE (else MTE is absent anyway and the
 * field proves nothing): L1 must still read ID_AA64PFR1_EL1.MTE == 0.
 */
static uint64_t l1_mte_field(void)
{
	struct vm_opts o = { .el2 = true, .mte = true };
	struct vcpu *vcpu;
	struct vm *vm;
	int ret = __vm_create(&vm, &o);

	if (ret == -EINVAL || ret == -ENOTSUP || ret == -EOPNOTSUPP)
		test_skip("KVM_CAP_ARM_MTE refused (%s): no MTE to hide",
			  strerror(-ret));
	if (ret)
		test_fail("KVM_CREATE_VM (MTE, vGICv3): %s", strerror(-ret));
	vcpu = vcpu_add(vm);
	return (vcpu_call(vcpu, l1_read_pfr1) >> 8) & 0xf;
}

static void check_mte_hidden(struct ctx *f, struct result *res)
{
	struct expect e = expect_l1_mte_field();
	struct outcome o = out_value(l1_mte_field());

	judge(res, "L1 ID_AA64PFR1_EL1.MTE", &o, &e);
}

static void check_mte_tags(struct ctx *f, struct result *res)
{
	if (l1_mte_field() == 0)
		test_skip("%s", nested_mte_skip_reason());
	test_error("L1 sees MTE: the suite has no L2 tag cases yet");
}
