// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_reinit_test - a second KVM_ARM_VCPU_INIT on a vCPU that has run
 * (what a VMM does on guest reboot) unmaps every non-PFNMAP slot of the
 * VM at stage 2 (stage2_unmap_vm) only without FWB; with FWB it only
 * invalidates the I-cache and stage 2 stays. Row 39 of
 * docs/behaviours.md.
 *
 * Observed through the vCPU's "exits" statistic: touching every host page
 * of a slot costs an exit per page when stage 2 was dropped, about none
 * when it was kept. A known unmap (mprotect, I2) calibrates the channel.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "kernel_facts.h"
#include "model/expect_unmap.h"
#include "probe.h"
#include "slot.h"
#include "suite.h"
#include "vcpu_reinit.h"
#include "vm.h"

/* Host pages per slot: stage 2 maps (and re-faults) host pages. */
#define NPAGES		512
#define PAGE		host_page()
#define REGION_SIZE	(NPAGES * PAGE)
#define NR_VCPUS	2
#define TOUCH_VAL	0x6d61726b6d61726bULL
#define REINIT_TRIALS	3

static void check_reinit(struct ctx *ctx, struct result *res);

static const struct check checks[] = {
	{ "reinit/second_vcpu_init", check_reinit, .single = true },
};

SUITE(.name = "vcpu_reinit_test",
      .summary = "a second KVM_ARM_VCPU_INIT drops stage 2 only without FWB "
		 "(row 39)",
      CHECKS(checks));

/* Guest code: guest_touch() from the guest runtime (probe.h). */

/* Host code */

static uint64_t touch_exits(struct vcpu *vcpu, uint64_t gpa)
{
	uint64_t before = vcpu_stat(vcpu, VCPU_STAT_EXITS);

	vcpu_call(vcpu, guest_touch, gpa, REGION_SIZE, PAGE, 1, TOUCH_VAL);
	return vcpu_stat(vcpu, VCPU_STAT_EXITS) - before;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * Re-init vCPU0, then touch a page-mapped slot from it and another slot
 * from vCPU1: the unmap is VM-wide, so both refault or neither does.
 * Background invalidations (NUMA-balancing scans, migration) only ever
 * add exits, so the cheapest of a few trials is what the re-init did: a
 * real unmap costs a fault per page in every trial.
 */
static void check_reinit(struct ctx *ctx, struct result *res)
{
	static const char *const kinds[NR_VCPUS] = { "anon_4k",
						     "memfd_shared" };
	const struct kernel_facts *kf = kernel_facts();
	uint64_t base[NR_VCPUS], after[NR_VCPUS], x, known;
	uint64_t gpa[NR_VCPUS];
	struct backing b[NR_VCPUS];
	struct vcpu *vcpu[NR_VCPUS];
	char trials[NR_VCPUS][96] = { "", "" };
	enum reinit_state st;
	struct expect e, cal = expect_reinit_calibration();
	struct vm *vm;
	int i, t, ret;
	e = expect_vcpu_reinit(kf);
	if (e.out.kind == OUT_ERROR)
		test_skip("FWB unknown: no \"CPU features: detected:\" lines "
			  "in the kernel log (%s)", e.reason);
	vm = vm_create(NULL);
	for (i = 0; i < NR_VCPUS; i++) {
		backing_create(backing_find(kinds[i]), REGION_SIZE,
			       &b[i]);
		gpa[i] = vm_alloc_gpa(vm, REGION_SIZE);
		ret = vm_add_slot(vm, gpa[i], REGION_SIZE, b[i].hva, 0, NULL);
		slot_expect_accepted(backing_find(kinds[i]), false, ret);
		vm_map(vm, gpa[i], gpa[i], REGION_SIZE,
		       MAP_MT(MT_NORMAL) | MAP_BLOCK);
	}
	for (i = 0; i < NR_VCPUS; i++) {
		vcpu[i] = vcpu_add(vm);
		base[i] = after[i] = UINT64_MAX;
	}
	/* Both vCPUs run and map both slots before the first re-init. */
	for (i = 0; i < NR_VCPUS; i++)
		for (t = 0; t < NR_VCPUS; t++)
			touch_exits(vcpu[i], gpa[t]);
	for (t = 0; t < REINIT_TRIALS; t++) {
		for (i = 0; i < NR_VCPUS; i++)
			base[i] = min_u64(base[i], touch_exits(vcpu[i],
							       gpa[i]));
		ret = vcpu_reinit(vcpu[0]);
		if (ret)
			test_fail("second KVM_ARM_VCPU_INIT: %s",
				  strerror(-ret));
		for (i = 0; i < NR_VCPUS; i++) {
			x = touch_exits(vcpu[i], gpa[i]);
			after[i] = min_u64(after[i], x);
			snprintf(trials[i] + strlen(trials[i]),
				 sizeof(trials[i]) - strlen(trials[i]),
				 "%s%llu", t ? "/" : "", (unsigned long long)x);
		}
	}
	for (i = 0; i < NR_VCPUS; i++) {
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
	result_check(res, st == cal.out.value, reinit_state_name(st),
		     reinit_state_name(cal.out.value), cal.reason);
}
