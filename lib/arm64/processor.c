// SPDX-License-Identifier: GPL-2.0
/*
 * processor.c - the host side of the arm64 guest: its stage-1 page
 * tables and the system registers a vCPU starts with.
 *
 * 4K granule, 39-bit VA, three levels (L1 1 GiB, L2 2 MiB, L3 4 KiB).
 * The guest's granule is the suite's choice and independent of the
 * host's: stage 2 follows the host page size (sizes.h), stage 1 does not.
 * Every mapping names its memory type, permission and XN explicitly,
 * because what the guest asks for at stage 1 is half of every probe.
 */
#include <string.h>

#include "processor.h"
#include "verdict.h"
#include "vm.h"

#define DESC_BLOCK	(PTE_VALID)
#define DESC_TABLE	(PTE_VALID | PTE_TABLE)
#define DESC_PAGE	(PTE_VALID | PTE_TABLE)
#define S1_BLOCK	(512 * GUEST_S1_PAGE)	/* stage-1 L2 block */

static uint64_t *table_hva(struct vm *vm, uint64_t gpa)
{
	return (uint64_t *)((char *)vm->sys + gpa);
}

static uint64_t alloc_table(struct vm *vm)
{
	uint64_t gpa = vm->pt_next;

	if (gpa >= GUEST_PT_END)
		test_fail("stage-1 page-table pool exhausted");
	vm->pt_next += GUEST_S1_PAGE;
	memset(table_hva(vm, gpa), 0, GUEST_S1_PAGE);
	return gpa;
}

static uint64_t *next_level(struct vm *vm, uint64_t *entry)
{
	if (!(*entry & PTE_VALID))
		*entry = alloc_table(vm) | DESC_TABLE;
	else if (!(*entry & PTE_TABLE))
		test_fail("stage-1: splitting a block mapping is unsupported");
	return table_hva(vm, *entry & PTE_ADDR_MASK);
}

uint64_t s1_leaf_attrs(unsigned int attrs)
{
	unsigned int mt = attrs & 0x7;
	uint64_t d = PTE_AF | PTE_ATTRINDX(mt) | PTE_UXN;

	if (mt != MT_DEVICE_nGnRnE && mt != MT_DEVICE_nGnRE)
		d |= PTE_SH_INNER;
	if (attrs & MAP_RO)
		d |= PTE_AP_RO;
	if (attrs & MAP_XN)
		d |= PTE_PXN;
	return d;
}

void vm_map(struct vm *vm, uint64_t gva, uint64_t gpa, uint64_t size,
	    unsigned int attrs)
{
	uint64_t leaf = s1_leaf_attrs(attrs);
	uint64_t end = gva + size;

	if ((gva | gpa | size) & 4095)
		test_fail("vm_map: unaligned 0x%llx->0x%llx+0x%llx",
			  (unsigned long long)gva, (unsigned long long)gpa,
			  (unsigned long long)size);
	while (gva < end) {
		uint64_t *l1 = table_hva(vm, vm->pgd);
		uint64_t *l2 = next_level(vm, &l1[(gva >> 30) & 511]);
		uint64_t *l2e = &l2[(gva >> 21) & 511];

		if ((attrs & MAP_BLOCK) && !((gva | gpa) & (S1_BLOCK - 1)) &&
		    end - gva >= S1_BLOCK) {
			*l2e = gpa | leaf | DESC_BLOCK;
			gva += S1_BLOCK;
			gpa += S1_BLOCK;
			continue;
		}
		next_level(vm, l2e)[(gva >> 12) & 511] = gpa | leaf | DESC_PAGE;
		gva += GUEST_S1_PAGE;
		gpa += GUEST_S1_PAGE;
	}
	vm->s1_gen++;
}

uint64_t vm_s1_table(struct vm *vm, uint64_t gva)
{
	uint64_t l1e = table_hva(vm, vm->pgd)[(gva >> 30) & 511];
	uint64_t l2e;

	if (!(l1e & PTE_VALID) || !(l1e & PTE_TABLE))
		test_fail("vm_s1_table: 0x%llx is not mapped by a table",
			  (unsigned long long)gva);
	l2e = table_hva(vm, l1e & PTE_ADDR_MASK)[(gva >> 21) & 511];
	if ((l2e & PTE_VALID) && (l2e & PTE_TABLE))
		return l2e & PTE_ADDR_MASK;
	return l1e & PTE_ADDR_MASK;	/* an L2 block: the L2 table */
}

extern char guest_vectors[];
extern char guest_entry[];
extern char guest_reentry[];

/*
 * An L1 guest hypervisor starts at EL2h with E2H=1, TGE=1 and the same
 * stage 1, vectors and stack its EL1 twin would have: under E2H the
 * runtime's *_EL1 accesses reach these EL2 registers (guest_entry's
 * msr sctlr_el1 turns the EL2 MMU on). L2 gets the EL1
 * ones (l2_enable() copies them again from L1, at run time) and the
 * lower half of the vCPU's stack area (l2_call()).
 */
static void vcpu_el2_setup(struct vcpu *vcpu, uint64_t tcr, uint64_t cpu_gva)
{
	vcpu_set_reg(vcpu, SYS_HCR_EL2, HCR_L1_SELF);
	vcpu_set_reg(vcpu, SYS_MAIR_EL2, MAIR_VALUE);
	vcpu_set_reg(vcpu, SYS_TCR_EL2, tcr);
	vcpu_set_reg(vcpu, SYS_TTBR0_EL2, vcpu->vm->pgd);
	vcpu_set_reg(vcpu, SYS_CPTR_EL2, CPACR_FPEN);
	vcpu_set_reg(vcpu, SYS_VBAR_EL2, (uint64_t)(uintptr_t)guest_vectors);
	vcpu_set_reg(vcpu, SYS_SCTLR_EL2, SCTLR_RES1);	/* guest_entry: on */
	vcpu_set_reg(vcpu, SYS_SP_EL2, cpu_gva + GUEST_CPU_STRIDE);
	vcpu_set_reg(vcpu, REG_SP_EL1, cpu_gva + GUEST_CPU_STRIDE / 2);
	vcpu_set_reg(vcpu, REG_PSTATE, PSTATE_EL2H_DAIF);
}

/*
 * Start (or restart) the vCPU at entry with its MMU off: the entry loads
 * every stage-1 table page (GUEST_PT_BASE up to pt_next) before it turns
 * the MMU on with sctlr, so no first walk is an S1PTW fault (row 50).
 */
static void mmu_off_entry(struct vcpu *vcpu, uint64_t sctlr,
			  const char *entry)
{
	vcpu_set_reg(vcpu, REG_X(0), sctlr);
	vcpu_set_reg(vcpu, REG_X(1), GUEST_PT_BASE);
	vcpu_set_reg(vcpu, REG_X(2), vcpu->vm->pt_next);
	vcpu->cpu->pt_mapped = vcpu->vm->pt_next;
	vcpu_set_reg(vcpu, REG_PC, (uint64_t)(uintptr_t)entry);
}

/*
 * What the guest runtime expects: the MMU on. The vCPU starts in
 * guest_entry with it off, maps its table pages at stage 2 with plain
 * loads and switches it on (lib/arm64/guest/entry.S); guest_main() maps
 * the tables added later the same way, through the identity map.
 */
void vcpu_arch_setup(struct vcpu *vcpu)
{
	uint64_t cpu_gva = GUEST_CPU_BASE + vcpu->id * GUEST_CPU_STRIDE;
	uint64_t sctlr = SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_I;
	uint64_t tcr = TCR_T0SZ(GUEST_VA_BITS) | TCR_IRGN0_WBWA |
		       TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_EPD1 |
		       TCR_IPS_40BIT | TCR_TBI0;

	if (vcpu->vm->mte)
		sctlr |= SCTLR_ATA | SCTLR_TCF_SYNC;
	vcpu_set_reg(vcpu, SYS_MAIR_EL1, MAIR_VALUE);
	vcpu_set_reg(vcpu, SYS_TCR_EL1, tcr);
	vcpu_set_reg(vcpu, SYS_TTBR0_EL1, vcpu->vm->pgd);
	vcpu_set_reg(vcpu, SYS_CPACR_EL1, CPACR_FPEN);
	vcpu_set_reg(vcpu, SYS_VBAR_EL1, (uint64_t)(uintptr_t)guest_vectors);
	vcpu_set_reg(vcpu, SYS_TPIDR_EL1, cpu_gva);
	vcpu_set_reg(vcpu, SYS_SCTLR_EL1, SCTLR_RES1);
	vcpu_set_reg(vcpu, REG_SP_EL1, cpu_gva + GUEST_CPU_STRIDE);
	vcpu_set_reg(vcpu, REG_PSTATE, PSTATE_EL1H_DAIF);
	mmu_off_entry(vcpu, sctlr, guest_entry);
	if (vcpu->vm->el2)
		vcpu_el2_setup(vcpu, tcr, cpu_gva);
}

/*
 * After a VM-wide stage-2 drop (a second KVM_ARM_VCPU_INIT without FWB)
 * a parked vCPU's next walk would be an S1PTW fault on every table page
 * (row 50): send it through the MMU-off entry again, as at its start.
 */
void vcpu_reenter(struct vcpu *vcpu)
{
	uint64_t sctlr = vcpu_get_reg(vcpu, SYS_SCTLR_EL1);

	/* Not started yet: guest_entry still lies ahead of it. */
	if (!(sctlr & SCTLR_M))
		return;
	vcpu_set_reg(vcpu, SYS_SCTLR_EL1, SCTLR_RES1);
	/* guest_main() parks at UCALL_IDLE first, as the host expects. */
	mmu_off_entry(vcpu, sctlr, guest_reentry);
}
