/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_nested.h - what an L2 guest sees through its L1 guest
 * hypervisor's stage 2 and KVM's shadow of it (docs/behaviours.md rows
 * N0-N7, arch/arm64/kvm/nested.c and mmu.c of 7.2).
 */
#ifndef S2_MODEL_EXPECT_NESTED_H
#define S2_MODEL_EXPECT_NESTED_H

#include <stddef.h>
#include <stdint.h>

#include "expect.h"

/* What L1 maps at its stage 2 for the L2 access. */
enum l1_s2 {
	L1_S2_NORMAL,		/* Normal-WB, RW, executable */
	L1_S2_RO,		/* S2AP read-only */
	L1_S2_XN,		/* XN */
	L1_S2_NONE,		/* no mapping */
	L1_S2_DEVICE,		/* Device-nGnRE over L0's Normal memory */
};

enum l2_access { L2_LOAD, L2_STORE, L2_EXEC };

/* Row N0: whether the nested cases can run at all, and if not why. */
bool nested_runs(const struct kernel_facts *kf, char *why, size_t n);

/*
 * Rows N1/N2: an L2 access through L1's stage 2 over an L0 memslot.
 * value is what a completed load returns (its data) or a store/exec
 * returns (the stub's result); faults are L1's, with the stage-2 FSC.
 */
struct expect expect_l2_access(enum l1_s2 s2, enum l2_access a,
			       uint64_t value);

/* Row N3: the memory type L2 sees (memtype.h names) for L1's choice. */
struct expect expect_l2_memtype(const struct kernel_facts *kf, enum l1_s2 s2);

/*
 * Row N4: after the host's unmap op on the L0 backing returned, what an
 * L2 access finds: op is "munmap" (KVM_RUN EFAULT) or "dontneed" (a
 * fresh zeroed page, which sees later stores).
 */
struct expect expect_l2_after_unmap(bool munmap, enum l2_access a,
				    uint64_t value);

/*
 * Row N7: whether one host invalidation of a VM with a live shadow stage
 * 2 can run in a case's time here, and if not why. kvm_nested_s2_unmap()
 * walks every shadow over the guest-visible PARange (KVM's IPA limit) in
 * 1 GiB steps, each ending in a TLBI: 2^22 steps at 52 bits, which QEMU
 * TCG takes minutes over (measured: > 60 s for one MADV_DONTNEED).
 */
bool nested_unmap_feasible(const struct kernel_facts *kf, char *why, size_t n);

/* Row N5: after L1's remap + TLBI, or VTTBR switch, L2 reads page new. */
struct expect expect_l2_remapped(uint64_t new_value, bool vttbr_switch);

/* Row N6: L1's ID_AA64PFR1_EL1.MTE, and why the tag cases SKIP. */
struct expect expect_l1_mte_field(void);
const char *nested_mte_skip_reason(void);

#endif
