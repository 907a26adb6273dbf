/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest.h - the guest runtime's contract with the host.
 *
 * Guest code is ordinary functions of the test's own static, non-PIE ELF.
 * The host copies the ELF's PT_LOAD segments into the "sys" memslot at
 * GPA == GVA == link address, so code, string literals and function pointers
 * mean the same thing on both sides. Anything the two share at run time
 * lives in struct guest_cpu (one per vCPU, in the sys slot) and is read or
 * written by the host through its HVA; guest globals are private copies.
 *
 * The guest runs a call loop: it exits with UCALL_IDLE, the host writes a
 * function pointer and arguments into the mailbox and resumes, the guest
 * calls it and exits with UCALL_RETURN. A test is host code that calls
 * guest functions one at a time, with host actions (munmap, slot delete …)
 * in between.
 */
#ifndef S2_GUEST_H
#define S2_GUEST_H

#include <stdint.h>

#include "model/abi.h"	/* GUEST_EXEC_MAGIC */

/* Guest physical layout (identity-mapped at stage 1 unless said). */
#define GUEST_SYS_SIZE		(16ULL << 20)	/* slot 0: code, data, stacks */
#define GUEST_PT_BASE		0x00100000ULL	/* stage-1 page-table pool */
#define GUEST_PT_END		0x00400000ULL
#define GUEST_IMAGE_END		0x00b00000ULL	/* the ELF must end below */
/* An L1 guest hypervisor's stage-2 tables for its L2 (lib/arm64/nested.c) */
#define GUEST_S2_POOL		0x00b00000ULL
#define GUEST_S2_POOL_END	0x00c00000ULL
#define GUEST_CPU_BASE		0x00c00000ULL	/* per-vCPU state + stack */
#define GUEST_CPU_STRIDE	0x00010000ULL
#define GUEST_MAX_VCPUS		16
#define GUEST_UCALL_GPA		0x20000000ULL	/* no memslot: MMIO exit */
#define GUEST_REGION_BASE	0x40000000ULL	/* first test memslot */
#define GUEST_VA_BITS		39
/*
 * The guest's stage-1 granule is the suite's own choice (TCR_EL1.TG0 =
 * 4K) whatever the host's page size: only stage 2 follows the host.
 */
#define GUEST_S1_PAGE		0x1000ULL
#define GUEST_IPA_BITS		40
/*
 * A VM with an L1 guest hypervisor gets the smallest IPA KVM allows:
 * every host invalidation of its memory unmaps each live shadow stage 2
 * over the VM's whole IPA range in 1 GiB steps, each with a TLBI
 * (7.2 nested.c kvm_nested_s2_unmap): at 40 bits that is ~7 s under TCG.
 */
#define GUEST_EL2_IPA_BITS	32

enum ucall_cmd {
	UCALL_NONE,
	UCALL_IDLE,		/* ready for the next call */
	UCALL_RETURN,		/* call finished, ret is valid */
	UCALL_ASSERT,		/* guest_assert_fail(): see file, line, expr */
	UCALL_UNHANDLED,	/* exception nobody expected */
};

struct ucall {
	uint64_t cmd;
	uint64_t fn;
	uint64_t args[6];
	uint64_t ret;
	uint64_t flush_tlb;	/* stage-1 tables changed since last call */
	uint64_t pt_end;	/* end of the stage-1 table pages in use */
	uint64_t vals[4];
	const char *file;
	const char *expr;
	uint64_t line;
};

struct guest_fault {
	uint64_t esr;
	uint64_t far;
	uint64_t elr;
	uint64_t vector;	/* VECTOR_SYNC_LOWER_A64: L1 took L2's fault */
	uint64_t ipa;		/* from HPFAR_EL2 when L1 took it, else 0 */
};

struct ex_regs {
	uint64_t x[31];
	uint64_t sp;
	uint64_t elr;
	uint64_t spsr;
};

typedef void (*guest_handler_t)(struct ex_regs *regs, uint64_t esr);

struct guest_cpu {
	uint64_t id;
	/* Set by guest_fault_begin(): record and resume instead of failing. */
	uint64_t expect_fault;
	uint64_t nfaults;
	struct guest_fault fault;	/* the first one recorded */
	uint64_t handler[64];		/* per-EC guest_handler_t overrides */
	uint64_t pt_mapped;		/* table pages below: loaded once */
	struct ucall uc;
	/* L1 (EL2) only: its registers while L2 runs (lib/arm64/guest/l2_entry.S) */
	uint64_t l1_ctx[13];
	uint64_t l2_entries;		/* ERETs into L2 */
};

typedef uint64_t (*guest_fn_t)(uint64_t, uint64_t, uint64_t, uint64_t,
			       uint64_t, uint64_t);

#ifdef __aarch64__
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

static inline struct guest_cpu *this_cpu(void)
{
	uint64_t v;

	asm volatile("mrs %0, tpidr_el1" : "=r"(v));
	return (struct guest_cpu *)v;
}

void guest_main(void);
void guest_ucall(uint64_t cmd);
void guest_fault_begin(void);
uint64_t guest_fault_end(void);
void guest_sync_icache(void);
/* L1 at EL2: an exception from L2 (lib/arm64/guest/l2.c). */
void l2_exit(struct ex_regs *regs, uint64_t esr);
/* L1 at EL2: run fn(a0..a4) in L2 at EL1 (what vcpu->in_l2 calls go by). */
uint64_t l2_call(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2,
		 uint64_t a3, uint64_t a4);
/* L1 at EL2: its stage 2 on (returns CurrentEL), switched, changed. */
uint64_t l2_enable(uint64_t vttbr);
uint64_t l2_set_vttbr(uint64_t vttbr);
uint64_t l2_remap(uint64_t leaf_gpa, uint64_t desc, uint64_t ipa);
uint64_t l1_read_pfr1(void);
uint64_t l1_read_mmfr0(void);

#endif /* __aarch64__ */

#endif
