/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nested.h - the stage 2 an L1 guest hypervisor keeps for its
 * L2, and entering L2 (the guest half is lib/arm64/guest/l2.c).
 *
 * The tables live in L1's memory (the sys slot's GUEST_S2_POOL) and are
 * written by the host through the slot's HVA, as vm_map() writes stage 1:
 * to KVM they are L1's own stage-2 tables, which it must walk and shadow
 * (arch/arm64/kvm/nested.c). 4K granule, 39-bit L2 IPA (VTCR_L2), the
 * L1's choice whatever the host's page size.
 */
#ifndef S2_ARM64_NESTED_H
#define S2_ARM64_NESTED_H

#include <stdint.h>

struct vm;
struct vcpu;

/* What L1 asks for at its stage 2 (l2_map() attrs). */
enum l2_mt { L2_MT_NORMAL, L2_MT_NORMAL_NC, L2_MT_DEVICE };
#define L2_MT(mt)	((unsigned int)(mt) & 0x3)
#define L2_RO		(1u << 2)	/* S2AP = read-only */
#define L2_XN		(1u << 3)	/* no instruction fetch */
#define L2_BLOCK	(1u << 4)	/* 2 MiB level-2 blocks where aligned */

/* One stage 2 of L1's: its root table and VMID. */
struct l2_space {
	struct vm *vm;
	uint64_t root;		/* GPA of the level-1 table */
	uint16_t vmid;
};

/* A new, empty stage 2 with the sys slot mapped 1:1 (Normal, RW, exec). */
void l2_space_init(struct vm *vm, struct l2_space *s, uint16_t vmid);
uint64_t l2_vttbr(const struct l2_space *s);
/* Map L2 IPA ipa -> L1 IPA pa for size bytes (4K aligned). */
void l2_map(struct l2_space *s, uint64_t ipa, uint64_t pa, uint64_t size,
	    unsigned int attrs);
/* The stage-2 granule L1 uses (its choice, not the host's page size). */
#define L2_PAGE		0x1000ULL

/*
 * From L1, between L2 calls: repoint the page-mapped ipa at pa (break,
 * TLBI IPAS2E1IS + VMALLE1IS, make: l2_remap()), or switch VTTBR_EL2.
 */
void l1_remap(struct vcpu *vcpu, struct l2_space *s, uint64_t ipa,
	      uint64_t pa, unsigned int attrs);
void l1_switch(struct vcpu *vcpu, struct l2_space *s);
/* Call fn at L1 (EL2) on a vCPU whose calls otherwise run in L2. */
uint64_t l1_call1(struct vcpu *vcpu, void *fn, uint64_t arg);

/*
 * Turn L1's stage 2 on with s and make vcpu's calls run in L2 from now
 * on (vcpu->in_l2). Fails the case if the vCPU is not at EL2.
 */
void l2_enter(struct vcpu *vcpu, struct l2_space *s);

#endif
