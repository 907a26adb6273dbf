// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_reinit.c - re-run KVM_ARM_VCPU_INIT and restore the guest runtime.
 *
 * Between calls the vCPU is parked on the ucall store in guest_main() with
 * the MMIO exit not yet completed: KVM steps the pc past that store on the
 * next KVM_RUN (kvm_handle_mmio_return()), whatever INIT did to the
 * registers. Restoring the saved pc keeps that step correct.
 */
#include <stddef.h>

#include "processor.h"
#include "kvm_ioctl.h"
#include "verdict.h"
#include "vcpu_reinit.h"
#include "vm.h"

#define CORE(field)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
			 KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, field) / sizeof(uint32_t)))
#define CORE_X(n)	CORE(regs.regs[n])

/* What lib/vcpu.c:setup_regs() programs, and the live EL1 context. */
static const uint64_t sys_regs[] = {
	CORE(regs.sp),
	CORE(regs.pc),
	CORE(regs.pstate),
	CORE(sp_el1),
	CORE(elr_el1),
	ARM64_SYS_REG(3, 0, 1, 0, 0),	/* SCTLR_EL1 */
	ARM64_SYS_REG(3, 0, 1, 0, 2),	/* CPACR_EL1 */
	ARM64_SYS_REG(3, 0, 2, 0, 0),	/* TTBR0_EL1 */
	ARM64_SYS_REG(3, 0, 2, 0, 1),	/* TTBR1_EL1 */
	ARM64_SYS_REG(3, 0, 2, 0, 2),	/* TCR_EL1 */
	ARM64_SYS_REG(3, 0, 10, 2, 0),	/* MAIR_EL1 */
	ARM64_SYS_REG(3, 0, 12, 0, 0),	/* VBAR_EL1 */
	ARM64_SYS_REG(3, 0, 13, 0, 4),	/* TPIDR_EL1 */
};

#define NR_SYS	ARRAY_SIZE(sys_regs)
#define NR_GPR	31

/* Register i of the save area: the GPRs, then sys_regs[]. */
static uint64_t reg_id(unsigned int i)
{
	return i < NR_GPR ? CORE_X(i) : sys_regs[i - NR_GPR];
}

static int save(struct vcpu *vcpu, uint64_t *val)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < NR_GPR + NR_SYS && !ret; i++)
		ret = __vcpu_get_reg(vcpu, reg_id(i), &val[i]);
	return ret;
}

static int restore(struct vcpu *vcpu, const uint64_t *val)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < NR_GPR + NR_SYS && !ret; i++)
		ret = __vcpu_set_reg(vcpu, reg_id(i), val[i]);
	return ret;
}

int vcpu_reinit(struct vcpu *vcpu)
{
	uint64_t val[NR_GPR + NR_SYS];
	struct kvm_vcpu_init init;
	int i, ret;

	ret = save(vcpu, val);
	if (ret)
		return ret;
	/* KVM refuses a second INIT whose target or features differ. */
	ret = kvm_vcpu_preferred_target(vcpu->vm->fd, &init);
	if (ret)
		return ret;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	ret = kvm_vcpu_init(vcpu->fd, &init);
	if (!ret)
		ret = restore(vcpu, val);
	/* Without FWB stage 2 is gone VM-wide: tables first, every vCPU. */
	for (i = 0; !ret && i < vcpu->vm->nr_vcpus; i++)
		vcpu_reenter(vcpu->vm->vcpus[i]);
	return ret;
}
