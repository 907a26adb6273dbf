/* SPDX-License-Identifier: GPL-2.0 */
/*
 * processor.h - arm64 architectural constants shared by the host harness
 * and the guest code, and the host side of a vCPU's set-up.
 * Values come from the Arm ARM; names follow the kernel's where one exists.
 */
#ifndef S2_ARM64_PROCESSOR_H
#define S2_ARM64_PROCESSOR_H

#include "model/abi.h"	/* ESR_ELx fields */

/* MAIR_EL1 slots the guest runtime programs (one byte each). */
enum mt_index {
	MT_DEVICE_nGnRnE = 0,
	MT_DEVICE_nGnRE = 1,
	MT_NORMAL_NC = 2,
	MT_NORMAL = 3,
	MT_NORMAL_TAGGED = 4,
	MT_NR,
};

#define MAIR_ATTR_DEVICE_nGnRnE	0x00ULL
#define MAIR_ATTR_DEVICE_nGnRE	0x04ULL
#define MAIR_ATTR_NORMAL_NC	0x44ULL
#define MAIR_ATTR_NORMAL	0xffULL
#define MAIR_ATTR_NORMAL_TAGGED	0xf0ULL
#define MAIR_VALUE	(MAIR_ATTR_DEVICE_nGnRnE << (8 * MT_DEVICE_nGnRnE) | \
			 MAIR_ATTR_DEVICE_nGnRE << (8 * MT_DEVICE_nGnRE) | \
			 MAIR_ATTR_NORMAL_NC << (8 * MT_NORMAL_NC) | \
			 MAIR_ATTR_NORMAL << (8 * MT_NORMAL) | \
			 MAIR_ATTR_NORMAL_TAGGED << (8 * MT_NORMAL_TAGGED))

/* Stage-1 descriptor bits, 4K granule. */
#define PTE_VALID	(1ULL << 0)
#define PTE_TABLE	(1ULL << 1)	/* table at L0-L2, page at L3 */
#define PTE_ATTRINDX(i)	((unsigned long long)(i) << 2)
#define PTE_AP_RO	(1ULL << 7)	/* AP[2]: read-only */
#define PTE_SH_INNER	(3ULL << 8)
#define PTE_AF		(1ULL << 10)
#define PTE_PXN		(1ULL << 53)
#define PTE_UXN		(1ULL << 54)
#define PTE_ADDR_MASK	0x0000fffffffff000ULL

/* TCR_EL1: 39-bit VA (3 levels from L1), 4K granule, 40-bit IPS. */
#define TCR_T0SZ(va_bits)	(64ULL - (va_bits))
#define TCR_IRGN0_WBWA	(1ULL << 8)
#define TCR_ORGN0_WBWA	(1ULL << 10)
#define TCR_SH0_INNER	(3ULL << 12)
#define TCR_EPD1	(1ULL << 23)
#define TCR_IPS_40BIT	(2ULL << 32)
#define TCR_TBI0	(1ULL << 37)
#define TCR_TCMA0	(1ULL << 57)

/* SCTLR_EL1 */
#define SCTLR_M		(1ULL << 0)
#define SCTLR_C		(1ULL << 2)
#define SCTLR_I		(1ULL << 12)
#define SCTLR_RES1	((1ULL << 11) | (1ULL << 20) | (1ULL << 22) | \
			 (1ULL << 23) | (1ULL << 28) | (1ULL << 29))
#define SCTLR_TCF_SYNC	(1ULL << 40)
#define SCTLR_ATA	(1ULL << 43)

#define CPACR_FPEN	(3ULL << 20)

/* Exception vector slots: current EL with SP_ELx, sync = 4. */
#define VECTOR_SYNC_CUR_SPX	4
#define VECTOR_NR		16

/* PSTATE for a guest entering at EL1h with DAIF masked. */
#define PSTATE_EL1H_DAIF	0x3c5ULL
/* ... and at EL2h: an L1 guest hypervisor (vCPU with KVM_ARM_VCPU_HAS_EL2). */
#define PSTATE_EL2H_DAIF	0x3c9ULL

/* Taken at EL2 from L2 at EL1: lower EL, AArch64, synchronous. */
#define VECTOR_SYNC_LOWER_A64	8

/*
 * HCR_EL2 of the L1 guest hypervisor. E2H stays 1 throughout: a 7.2
 * guest hypervisor is VHE-only unless it asks for E2H0, and E2H=1 lets
 * the guest runtime's *_EL1 accesses mean the EL2 registers at EL2, so
 * the same C and vectors run at L1 (EL2) and at L2 (EL1).
 */
#define HCR_VM		(1ULL << 0)
#define HCR_TGE		(1ULL << 27)
#define HCR_RW		(1ULL << 31)
#define HCR_E2H		(1ULL << 34)
#define HCR_L1_SELF	(HCR_E2H | HCR_TGE | HCR_RW)	/* L1 runs itself */
#define HCR_L1_GUEST	(HCR_E2H | HCR_RW | HCR_VM)	/* L2 runs */

/*
 * L1's stage 2 for L2 (VTCR_EL2): 4K granule (the L1's own choice,
 * whatever the host's), 32-bit L2 IPA walked from level 1, 32-bit output
 * (the VM's own IPA size, GUEST_EL2_IPA_BITS), inner-shareable write-back
 * table walks.
 */
#define L2_IPA_BITS	32
#define VTCR_L2		((64ULL - L2_IPA_BITS) | (1ULL << 6) | (1ULL << 8) | \
			 (1ULL << 10) | (3ULL << 12) | (0ULL << 16) | \
			 (1ULL << 31))
#define VTTBR_VMID(v)	((unsigned long long)(v) << 48)

/* Stage-2 descriptor bits (4K granule), as L1 writes them for L2. */
#define S2_MEMATTR(a)		((unsigned long long)(a) << 2)
#define S2_MEMATTR_DEVICE_nGnRE	0x1ULL
#define S2_MEMATTR_NORMAL_NC	0x5ULL
#define S2_MEMATTR_NORMAL_WB	0xfULL
#define S2AP_R			(1ULL << 6)
#define S2AP_W			(1ULL << 7)
#define S2_SH_INNER		(3ULL << 8)
#define S2_AF			(1ULL << 10)
#define S2_XN			(2ULL << 53)	/* XN[1:0] = 0b10: no exec */
#define HPFAR_IPA(hpfar)	((((hpfar) >> 4) & ((1ULL << 40) - 1)) << 12)

#ifndef __ASSEMBLER__
#ifndef S2_GUEST
/* KVM_{GET,SET}_ONE_REG ids (host side only: -DS2_GUEST is the guest). */
#include <stddef.h>
#include <linux/kvm.h>

#define CORE_REG(field) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
			 KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, field) / sizeof(uint32_t)))
#define REG_PC		CORE_REG(regs.pc)
#define REG_PSTATE	CORE_REG(regs.pstate)
#define REG_SP_EL1	CORE_REG(sp_el1)
#define REG_X(n)	CORE_REG(regs.regs[n])

#define SYS_SCTLR_EL1	ARM64_SYS_REG(3, 0, 1, 0, 0)
#define SYS_CPACR_EL1	ARM64_SYS_REG(3, 0, 1, 0, 2)
#define SYS_TTBR0_EL1	ARM64_SYS_REG(3, 0, 2, 0, 0)
#define SYS_TCR_EL1	ARM64_SYS_REG(3, 0, 2, 0, 2)
#define SYS_MAIR_EL1	ARM64_SYS_REG(3, 0, 10, 2, 0)
#define SYS_VBAR_EL1	ARM64_SYS_REG(3, 0, 12, 0, 0)
#define SYS_TPIDR_EL1	ARM64_SYS_REG(3, 0, 13, 0, 4)
/* A HAS_EL2 vCPU's own EL2 registers. */
#define SYS_SCTLR_EL2	ARM64_SYS_REG(3, 4, 1, 0, 0)
#define SYS_HCR_EL2	ARM64_SYS_REG(3, 4, 1, 1, 0)
#define SYS_CPTR_EL2	ARM64_SYS_REG(3, 4, 1, 1, 2)
#define SYS_TTBR0_EL2	ARM64_SYS_REG(3, 4, 2, 0, 0)
#define SYS_TCR_EL2	ARM64_SYS_REG(3, 4, 2, 0, 2)
#define SYS_MAIR_EL2	ARM64_SYS_REG(3, 4, 10, 2, 0)
#define SYS_VBAR_EL2	ARM64_SYS_REG(3, 4, 12, 0, 0)
#define SYS_SP_EL2	ARM64_SYS_REG(3, 6, 4, 1, 0)

struct vcpu;
/* MMU, vectors, stack and pc of a new vCPU (lib/arm64/processor.c). */
void vcpu_arch_setup(struct vcpu *vcpu);
/* Re-enter a parked vCPU with the MMU off: its tables get mapped first. */
void vcpu_reenter(struct vcpu *vcpu);
#endif
#endif

#endif
