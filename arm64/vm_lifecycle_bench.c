// SPDX-License-Identifier: GPL-2.0
/*
 * vm_lifecycle_bench - what one VM costs the host before any guest code
 * runs: the harness's vm_create() (KVM_CREATE_VM, the system memslot with
 * the guest image), vcpu_add() and vm_destroy(), whose last close tears the
 * VM down. Every case of the suite makes at least one VM, so this is the
 * floor of a case's time, and it differs by KVM mode: 7.2's protected mode
 * tears a normal VM down in about 2 s under QEMU TCG where VHE takes a few
 * ms (docs/columns.md), which is most of that column's wall time.
 *
 * Numbers, not verdicts: one case, three VMs, the median of each phase as
 * "# metric vm.PHASE_ns" lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "kernel_facts.h"
#include "suite.h"
#include "vm.h"

#define ROUNDS	3

enum phase { PH_CREATE, PH_VCPU, PH_DESTROY, PH_NR };

static const char *const phase_names[PH_NR] = {
	[PH_CREATE] = "vm.create_ns", [PH_VCPU] = "vm.vcpu_ns",
	[PH_DESTROY] = "vm.destroy_ns",
};

struct ctx {
	uint64_t ns[PH_NR][ROUNDS];
};

static void check_lifecycle(struct ctx *c, struct result *res);

static const struct check checks[] = {
	{ "vm/lifecycle", check_lifecycle, .single = true,
	  .access = ACCESS_NONE },
};

SUITE(.name = "vm_lifecycle_bench",
      .summary = "the host's cost of one VM's create, vCPU and teardown",
      .metrics = true,
      CHECKS(checks), CTX(struct ctx, NULL));

/* Host code: no guest code runs. */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void one_vm(struct ctx *c, int round)
{
	uint64_t t0 = now_ns();
	struct vm *vm = vm_create(NULL);

	c->ns[PH_CREATE][round] = now_ns() - t0;
	t0 = now_ns();
	vcpu_add(vm);
	c->ns[PH_VCPU][round] = now_ns() - t0;
	t0 = now_ns();
	vm_destroy(vm);
	c->ns[PH_DESTROY][round] = now_ns() - t0;
}

static void check_lifecycle(struct ctx *c, struct result *res)
{
	int r, p;

	for (r = 0; r < ROUNDS; r++)
		one_vm(c, r);
	for (p = 0; p < PH_NR; p++) {
		qsort(c->ns[p], ROUNDS, sizeof(c->ns[p][0]), cmp_u64);
		result_metric(res, phase_names[p], c->ns[p][ROUNDS / 2], 0,
			      "ns");
	}
	result_measured(res, "one VM's create, vCPU and teardown");
}
