// SPDX-License-Identifier: GPL-2.0
/*
 * slot.c - the common start of a per-backing case (see slot.h).
 */
#include <string.h>

#include "model/expect_memslot.h"
#include "model/expect_mode.h"
#include "probe.h"
#include "slot.h"
#include "verdict.h"

void backed_slot_init(struct backed_slot *s, const struct backing_ops *ops,
		      uint64_t size)
{
	s->kf = kernel_facts();
	s->ops = ops;
	s->size = size;
	backing_create(ops, size, &s->b);
}

int __backed_slot_add(struct backed_slot *s, struct vm *vm, uint32_t flags,
		      unsigned int attrs)
{
	int ret;

	s->vm = vm ? vm : vm_create(NULL);
	s->gpa = vm_alloc_gpa(s->vm, s->size);
	ret = backing_add_slot(&s->b, s->vm, s->gpa, flags, &s->slot);
	if (!ret)
		vm_map(s->vm, s->gpa, s->gpa, s->size, attrs);
	return ret;
}

void slot_expect_accepted(const struct backing_ops *ops, bool mte, int ret)
{
	struct expect e = expect_slot_create(kernel_facts(), ops->vma, mte);
	struct outcome obs = out_ret(ret);
	const char *with = mte ? " with MTE" : "";

	if (ret && outcome_match(&obs, &e.out))
		test_skip("%s slot%s refused as expected: %s", ops->name, with,
			  e.reason);
	if (ret)
		test_fail("%s slot%s: %s; expected %s (%s)", ops->name, with,
			  strerror(-ret), e.out.err ? errno_name(e.out.err) :
			  "success", e.reason);
	if (e.out.err)
		test_fail("%s slot%s accepted; expected %s (%s)", ops->name,
			  with, errno_name(e.out.err), e.reason);
}

void backed_slot_add(struct backed_slot *s, struct vm *vm,
		     uint32_t flags, unsigned int attrs)
{
	slot_expect_accepted(s->ops, false,
			     __backed_slot_add(s, vm, flags, attrs));
}

bool slot_mode_refusal(const struct backed_slot *s, struct vcpu *vcpu,
		       struct result *res)
{
	struct expect e = expect_mode_map(s->kf, s->ops->vma);
	struct outcome obs;

	if (e.out.kind == OUT_COMPLETED)
		return false;
	obs = probe(vcpu, PROBE_STORE, s->gpa, 0);
	result_expect(res, &obs, &e);
	return true;
}
