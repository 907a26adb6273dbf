// SPDX-License-Identifier: GPL-2.0
/*
 * mte_slot_test - KVM_CAP_ARM_MTE: when it can be enabled, which memslots
 * an MTE VM accepts for every backing, whether mprotect(PROT_MTE) predicts
 * that (6.2+), and what the first guest touch does when MTE was enabled
 * after the slot was made.
 *
 * Rows 1, 6, 7, 9, 10, 12, 47 of docs/behaviours.md;
 * row 26 (device slots) waits for the PFNMAP backings.
 */
#include <errno.h>
#include <string.h>

#include "backing.h"
#include "expect_backing.h"
#include "kernel_facts.h"
#include "model/expect_gmem.h"
#include "model/expect_memslot.h"
#include "model/expect_mte.h"
#include "mte.h"
#include "probe.h"
#include "slot.h"
#include "suite.h"
#include "vm.h"


struct ctx {
	const struct backing_ops *ops;
};

static void check_cap(struct ctx *f, struct result *res);
static void check_enable_before_vcpu(struct ctx *f, struct result *res);
static void check_enable_after_vcpu(struct ctx *f, struct result *res);
static void check_create(struct ctx *f, struct result *res);
static void check_enable_after_slot(struct ctx *f, struct result *res);
static void setup(struct ctx *f, const struct kase *k);

static const struct check checks[] = {
	{ "mte/cap", check_cap, .single = true },
	{ "mte/enable_before_vcpu", check_enable_before_vcpu, .single = true },
	{ "mte/enable_after_vcpu", check_enable_after_vcpu, .single = true },
	{ "create", check_create },
	{ "enable_after_slot", check_enable_after_slot },
};

SUITE(.name = "mte_slot_test",
      .summary = "KVM_CAP_ARM_MTE enabling and MTE memslot acceptance per "
		 "backing",
      CHECKS(checks), CTX(struct ctx, setup));

/* Guest code: lib/arm64/guest/mte.S (tag reads) and guest.c (probes). */

/* Host code */

static void setup(struct ctx *f, const struct kase *k)
{
	f->ops = k->ops;
}

static void check_cap(struct ctx *f, struct result *res)
{
	const struct kernel_facts *kf = kernel_facts();
	struct expect e = expect_mte_cap(kf);
	struct outcome obs;
	obs = out_value(kf->cap_mte);
	result_outcome(res, &obs, &e.out, e.reason);
}

static void check_enable_before_vcpu(struct ctx *f, struct result *res)
{
	struct expect e = expect_mte_enable_before_vcpu();
	struct vm *vm;
	struct outcome obs;
	int ret;

	mte_require();
	ret = __vm_create(&vm, NULL);
	if (ret)
		test_fail("KVM_CREATE_VM: %s", strerror(-ret));
	obs = out_ret(vm_enable_mte(vm));
	result_expect(res, &obs, &e);
}

static void check_enable_after_vcpu(struct ctx *f, struct result *res)
{
	struct expect e = expect_mte_enable_after_vcpu();
	struct vm *vm;
	struct outcome obs;

	mte_require();
	vm = vm_create(NULL);
	vcpu_add(vm);
	obs = out_ret(vm_enable_mte(vm));
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Rows 1, 6, 7, 9, 12; on 6.2+ mprotect(PROT_MTE) must agree. */
static void check_create(struct ctx *f, struct result *res)
{
	const struct backing_ops *ops = f->ops;
	const struct kernel_facts *kf = kernel_facts();
	struct expect e = expect_slot_create(kf, ops->vma, true);
	struct expect p = expect_mte_prot_probe(kf, ops->vma);
	struct outcome obs;
	struct backing b;
	struct vm *vm = mte_vm_create();

	backing_create(ops, backing_region_size(ops), &b);
	obs = out_ret(backing_add_slot(&b, vm, vm_alloc_gpa(vm,
				       backing_region_size(ops)), 0, NULL));
	result_outcome(res, &obs, &e.out, e.reason);
	if (!kf->feat[FEAT_MTE_MAP_SHARED])
		return;	/* 6.1 checks VM_SHARED, not VM_MTE_ALLOWED */
	obs = out_ret(mte_prot_probe(b.hva, backing_region_size(ops)));
	result_diag(res, "mprotect(PROT_MTE): %s", errno_name(obs.err));
	result_outcome(res, &obs, &p.out, p.reason);
}

/* Row 10: the slot predates MTE, so only the first fault can refuse. */
static void check_enable_after_slot(struct ctx *f, struct result *res)
{
	const struct backing_ops *ops = f->ops;
	struct expect e;
	struct outcome obs;
	struct backing b;
	struct vcpu *vcpu;
	struct vm *vm;
	uint64_t gpa;
	int ret;

	mte_require();
	backing_create(ops, backing_region_size(ops), &b);
	vm = vm_create(NULL);
	gpa = vm_alloc_gpa(vm, backing_region_size(ops));
	ret = backing_add_slot(&b, vm, gpa, 0, NULL);
	slot_expect_accepted(ops, false, ret);
	ret = vm_enable_mte(vm);
	if (ops->vma & VMA_GMEM) {
		e = expect_gmem_mte_after_slot();
		obs = out_ret(ret);
		result_outcome(res, &obs, &e.out, e.reason);
		return;
	}
	if (ret)
		test_fail("enabling MTE with a slot present: %s",
			  strerror(-ret));
	mte_map_tagged(vm, gpa, backing_region_size(ops));
	vcpu = vcpu_add(vm);
	/* Host data first, so the page has content but no tags yet. */
	memset(b.hva, 0xa5, host_page());
	e = expect_backing_mte_after(kernel_facts(), &b);
	obs = probe(vcpu, PROBE_LDG, gpa, 0);
	if (obs.kind == OUT_COMPLETED)
		obs = out_value((obs.value >> 56) & 0xf);
	result_outcome(res, &obs, &e.out, e.reason);
}
