/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slot.h - where most per-backing cases start: the kernel facts, a fresh
 * backing of one kind, and a test memslot over it, mapped at stage 1.
 * Tests embed struct backed_slot in their own case state and add vCPUs,
 * workers or MTE state around it.
 */
#ifndef S2_SLOT_H
#define S2_SLOT_H

#include <stdint.h>

#include "backing.h"
#include "kernel_facts.h"
#include "vm.h"

struct backed_slot {
	const struct kernel_facts *kf;
	const struct backing_ops *ops;
	struct backing b;
	uint64_t size;
	struct vm *vm;
	struct region *slot;
	uint64_t gpa;
};

/* Facts and a backing of ops (the framework has checked /dev/kvm). */
void backed_slot_init(struct backed_slot *s, const struct backing_ops *ops,
		      uint64_t size);

/*
 * A memslot over the backing in vm (a new default VM when NULL) at a fresh
 * GPA, identity-mapped at stage 1 with attrs once KVM accepts it. Returns
 * the ioctl's 0 or -errno: some cases expect a refusal.
 */
int __backed_slot_add(struct backed_slot *s, struct vm *vm, uint32_t flags,
		      unsigned int attrs);

/*
 * A case that needs the slot judges KVM's answer ret against the
 * expectation: a refusal it predicts SKIPs naming the row (the kind's
 * create case judges the refusal itself), one it does not predict FAILs,
 * and so does an acceptance where it predicts a refusal.
 */
void slot_expect_accepted(const struct backing_ops *ops, bool mte, int ret);

/*
 * Rows M2/M3: where the KVM mode maps none of the slot's memory, judge the
 * refusal on one guest store from vcpu and return true (the case has its
 * verdict); false where the memory maps, and the case goes on.
 */
struct result;
bool slot_mode_refusal(const struct backed_slot *s, struct vcpu *vcpu,
		       struct result *res);

/* __backed_slot_add(), judged by slot_expect_accepted(). */
void backed_slot_add(struct backed_slot *s, struct vm *vm,
		     uint32_t flags, unsigned int attrs);

#endif
