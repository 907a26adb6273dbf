/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_mode.h - what changes with the KVM mode (docs/behaviours.md rows
 * M1-M5): which memory a normal VM's stage 2 may hold in protected mode,
 * and which caps that mode hides.
 */
#ifndef S2_MODEL_EXPECT_MODE_H
#define S2_MODEL_EXPECT_MODE_H

#include "expect.h"

/*
 * How a case's guest first meets its slot's memory, which decides whether
 * it can run where the mode maps none of it.
 */
enum slot_access {
	ACCESS_DATA,	/* loads/stores: needs the memory mapped */
	ACCESS_NONE,	/* never runs the guest on it (slot ioctls) */
	ACCESS_EXEC,	/* an instruction fetch comes first */
	ACCESS_JUDGE,	/* judges the first data access: expect_mode_map() */
};

/*
 * Protected mode on a kernel whose hypervisor owns every VM's stage 2
 * (7.x, FEAT_PKVM_GUEST_S2): the host's stage-2 walks do not run for it.
 */
bool mode_hyp_owns_s2(const struct kernel_facts *kf);

/*
 * The first data access to a slot over memory of kind vma: completed, or
 * KVM_RUN failing with the errno the mode's refusal gives (rows M2, M3).
 */
struct expect expect_mode_map(const struct kernel_facts *kf, unsigned int vma);

/*
 * Whether a case of this access can run on kind vma in this mode; if not,
 * why (the reason names the row and that another case judges it).
 */
bool mode_case_runs(const struct kernel_facts *kf, unsigned int vma,
		    enum slot_access access, char *why, size_t n);

/* Row M4: KVM_CAP_ARM_MTE of a CPU with MTE. */
struct expect expect_mode_mte_cap(const struct kernel_facts *kf);

#endif
