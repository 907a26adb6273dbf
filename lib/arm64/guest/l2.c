// SPDX-License-Identifier: GPL-2.0
/*
 * l2.c - the guest runtime as an L1 guest hypervisor: a vCPU created with
 * KVM_ARM_VCPU_HAS_EL2 runs guest_main() at EL2 with HCR_EL2.E2H=1, so
 * the runtime's *_EL1 register accesses reach the EL2 registers and the
 * same code serves L1. l2_call() runs one guest function in L2 at EL1,
 * through the stage 2 that L1 keeps in its own memory (built by the host
 * side, lib/arm64/nested.c, in the sys slot's S2 pool), and reports what
 * L2 did exactly as a call at L1 would: its return value, the fault
 * record in struct guest_cpu, and ucalls, which L1 forwards.
 *
 * L2 shares L1's stage-1 tables (L1's stage 2 maps the sys slot 1:1), its
 * vectors and TPIDR_EL1, hence struct guest_cpu: a probe's
 * guest_fault_begin() in L2 arms the recovery in L1 too.
 */
#include "processor.h"
#include "guest.h"

#define read_sysreg(r) ({						\
	uint64_t __v;							\
	asm volatile("mrs %0, " #r : "=r"(__v));			\
	__v;								\
})
#define write_sysreg(v, r)						\
	asm volatile("msr " #r ", %0" : : "r"((uint64_t)(v)))

/* The EL1 registers of L2, as an E2H=1 EL2 names them (*_EL12). */
#define SCTLR_EL12	S3_5_C1_C0_0
#define CPACR_EL12	S3_5_C1_C0_2
#define TTBR0_EL12	S3_5_C2_C0_0
#define TCR_EL12	S3_5_C2_C0_2
#define MAIR_EL12	S3_5_C10_C2_0
#define VBAR_EL12	S3_5_C12_C0_0
#define __write_el12(v, r)	write_sysreg(v, r)
#define write_el12(v, r)	__write_el12(v, r)

uint64_t l2_run(uint64_t fn, const uint64_t *args, uint64_t *ctx,
		uint64_t l2_sp);
void l2_leave(const uint64_t *ctx, uint64_t ret) __attribute__((noreturn));

/*
 * Point L1's stage 2 at the table the host built (vttbr: VMID | base)
 * and give L2 the EL1&0 regime L1 runs with (E2H=1: the EL2&0 one), so
 * L2's stage 1 is L1's: same tables, attributes and vectors. Returns
 * CurrentEL, which must say EL2.
 */
uint64_t l2_enable(uint64_t vttbr)
{
	write_sysreg(VTCR_L2, vtcr_el2);
	write_sysreg(vttbr, vttbr_el2);
	write_el12(read_sysreg(sctlr_el1), SCTLR_EL12);
	write_el12(read_sysreg(cpacr_el1), CPACR_EL12);
	write_el12(read_sysreg(ttbr0_el1), TTBR0_EL12);
	write_el12(read_sysreg(tcr_el1), TCR_EL12);
	write_el12(read_sysreg(mair_el1), MAIR_EL12);
	write_el12(read_sysreg(vbar_el1), VBAR_EL12);
	asm volatile("isb" ::: "memory");
	return read_sysreg(CurrentEL);
}

/* Switch L1's stage 2 to another table (VMID | base) between L2 calls. */
uint64_t l2_set_vttbr(uint64_t vttbr)
{
	write_sysreg(vttbr, vttbr_el2);
	asm volatile("isb" ::: "memory");
	return 0;
}

/* Run fn(a0..a4) in L2 at EL1; its return value, or what l2_exit made. */
uint64_t l2_call(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2,
		 uint64_t a3, uint64_t a4)
{
	struct guest_cpu *cpu = this_cpu();
	const uint64_t args[5] = { a0, a1, a2, a3, a4 };
	uint64_t ret;

	write_sysreg(HCR_L1_GUEST, hcr_el2);
	asm volatile("isb" ::: "memory");
	cpu->l2_entries++;
	ret = l2_run(fn, args, cpu->l1_ctx,
		     (uint64_t)cpu + GUEST_CPU_STRIDE / 2);
	write_sysreg(HCR_L1_SELF, hcr_el2);
	asm volatile("isb" ::: "memory");
	return ret;
}

/*
 * L1 changes one leaf of its stage 2 (break-before-make) and invalidates
 * by IPA as the architecture asks: TLBI IPAS2E1IS for the stage-2 entry,
 * then VMALLE1IS for combined stage-1+2 entries of the L2 VMID, both with
 * HCR_EL2.TGE=0 so that they address the EL1&0 regime of VTTBR's VMID.
 */
uint64_t l2_remap(uint64_t leaf_gpa, uint64_t desc, uint64_t ipa)
{
	volatile uint64_t *leaf = (volatile uint64_t *)leaf_gpa;

	write_sysreg(HCR_L1_GUEST, hcr_el2);
	asm volatile("isb" ::: "memory");
	*leaf = 0;
	asm volatile("dsb ishst\n\t"
		     "tlbi ipas2e1is, %0\n\t"
		     "dsb ish\n\t"
		     "tlbi vmalle1is\n\t"
		     "dsb ish\n\tisb" : : "r"(ipa >> 12) : "memory");
	*leaf = desc;
	asm volatile("dsb ish\n\tisb" ::: "memory");
	write_sysreg(HCR_L1_SELF, hcr_el2);
	asm volatile("isb" ::: "memory");
	return 0;
}

/* What the L1 guest hypervisor's ID registers say. */
uint64_t l1_read_pfr1(void)
{
	return read_sysreg(id_aa64pfr1_el1);
}

uint64_t l1_read_mmfr0(void)
{
	return read_sysreg(id_aa64mmfr0_el1);
}

static void record_s2_fault(struct guest_cpu *cpu, struct ex_regs *regs,
			    uint64_t esr)
{
	if (!cpu->nfaults) {
		cpu->fault.esr = esr;
		cpu->fault.far = read_sysreg(far_el1);
		cpu->fault.elr = regs->elr;
		cpu->fault.vector = VECTOR_SYNC_LOWER_A64;
		cpu->fault.ipa = HPFAR_IPA(read_sysreg(hpfar_el2)) |
				 (cpu->fault.far & 0xfff);
	}
	cpu->nfaults++;
}

static void unhandled(struct guest_cpu *cpu, struct ex_regs *regs,
		      uint64_t esr)
{
	cpu->uc.vals[0] = VECTOR_SYNC_LOWER_A64;
	cpu->uc.vals[1] = esr;
	cpu->uc.vals[2] = read_sysreg(far_el1);
	cpu->uc.vals[3] = regs->elr;
	for (;;)
		guest_ucall(UCALL_UNHANDLED);
}

/*
 * An exit from L2 at L1's vectors. HVC: the call returned. A stage-2
 * abort on the ucall page: L2's ucall, which L1 makes in its stead (the
 * mailbox is shared) before stepping L2 past its store. A stage-2 abort
 * while a probe expects faults: recorded with HPFAR_EL2's IPA, and L2
 * resumes as after an EL1 fault (next instruction, or the exec probe's
 * return with GUEST_EXEC_FAULTED). Anything else is unhandled.
 */
void l2_exit(struct ex_regs *regs, uint64_t esr)
{
	struct guest_cpu *cpu = this_cpu();
	uint64_t ec = ESR_EC(esr), ipa;

	if (ec == EC_HVC64)
		l2_leave(cpu->l1_ctx, regs->x[0]);
	if (ec != EC_DABT_LOW && ec != EC_IABT_LOW)
		unhandled(cpu, regs, esr);
	ipa = HPFAR_IPA(read_sysreg(hpfar_el2));
	if (ec == EC_DABT_LOW && ipa == GUEST_UCALL_GPA) {
		guest_ucall(cpu->uc.cmd);
		regs->elr += 4;
		return;
	}
	if (!cpu->expect_fault)
		unhandled(cpu, regs, esr);
	record_s2_fault(cpu, regs, esr);
	if (ec == EC_IABT_LOW) {
		regs->elr = regs->x[30];
		regs->x[0] = GUEST_EXEC_FAULTED;
	} else {
		regs->elr += 4;
	}
}
