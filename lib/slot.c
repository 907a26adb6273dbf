// SPDX-License-Identifier: GPL-2.0
/*
 * slot.c - the common start of a per-backing case (see slot.h).
 */
#include <string.h>

#include "slot.h"
#include "verdict.h"

void backed_slot_init(struct backed_slot *s, const struct backing_ops *ops,
		      uint64_t size)
{
	s->kf = kernel_facts();
	s->ops = ops;
	s->size = size;
	if (s->kf->kvm)
		test_skip("/dev/kvm: %s", strerror(-s->kf->kvm));
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

void backed_slot_add(struct backed_slot *s, struct vm *vm,
		     uint32_t flags, unsigned int attrs)
{
	int ret = __backed_slot_add(s, vm, flags, attrs);

	if (ret)
		test_fail("memslot on %s (flags 0x%x): %s", s->ops->name, flags,
			  strerror(-ret));
}
