// SPDX-License-Identifier: GPL-2.0
/*
 * nested.c - L1's stage-2 tables for L2 (see nested.h).
 *
 * Level 1 covers 1 GiB per entry, level 2 2 MiB, level 3 4 KiB; only
 * levels 2 and 3 hold leaves. Every leaf says its MemAttr, S2AP and XN
 * explicitly, because they are what the shadow stage 2 must honour.
 */
#include <string.h>

#include "nested.h"
#include "processor.h"
#include "verdict.h"
#include "vm.h"

#define S2_PAGE		0x1000ULL
#define S2_BLOCK	(512 * S2_PAGE)
#define S2_TABLE	(PTE_VALID | PTE_TABLE)

static uint64_t *pool_hva(struct vm *vm, uint64_t gpa)
{
	return (uint64_t *)((char *)vm->sys + gpa);
}

static uint64_t s2_alloc(struct vm *vm)
{
	uint64_t gpa = vm->s2_next;

	if (gpa >= GUEST_S2_POOL_END)
		test_fail("L1 stage-2 table pool exhausted");
	vm->s2_next += S2_PAGE;
	memset(pool_hva(vm, gpa), 0, S2_PAGE);
	return gpa;
}

static uint64_t *next_table(struct vm *vm, uint64_t *entry)
{
	if (!(*entry & PTE_VALID))
		*entry = s2_alloc(vm) | S2_TABLE;
	else if (!(*entry & PTE_TABLE))
		test_fail("L1 stage 2: splitting a block is unsupported");
	return pool_hva(vm, *entry & PTE_ADDR_MASK);
}

static uint64_t leaf_desc(uint64_t pa, unsigned int attrs)
{
	static const uint64_t memattr[] = {
		[L2_MT_NORMAL] = S2_MEMATTR_NORMAL_WB,
		[L2_MT_NORMAL_NC] = S2_MEMATTR_NORMAL_NC,
		[L2_MT_DEVICE] = S2_MEMATTR_DEVICE_nGnRE,
	};
	uint64_t d = pa | PTE_VALID | S2_AF | S2AP_R |
		     S2_MEMATTR(memattr[L2_MT(attrs)]);

	if (L2_MT(attrs) != L2_MT_DEVICE)
		d |= S2_SH_INNER;
	if (!(attrs & L2_RO))
		d |= S2AP_W;
	if (attrs & L2_XN)
		d |= S2_XN;
	return d;
}

void l2_map(struct l2_space *s, uint64_t ipa, uint64_t pa, uint64_t size,
	    unsigned int attrs)
{
	struct vm *vm = s->vm;
	uint64_t end = ipa + size;

	if ((ipa | pa | size) & (S2_PAGE - 1) || end > (1ULL << L2_IPA_BITS))
		test_fail("l2_map: bad range 0x%llx->0x%llx+0x%llx",
			  (unsigned long long)ipa, (unsigned long long)pa,
			  (unsigned long long)size);
	while (ipa < end) {
		uint64_t *l1 = pool_hva(vm, s->root);
		uint64_t *l2 = next_table(vm, &l1[(ipa >> 30) & 511]);
		uint64_t *l2e = &l2[(ipa >> 21) & 511];

		if ((attrs & L2_BLOCK) && !((ipa | pa) & (S2_BLOCK - 1)) &&
		    end - ipa >= S2_BLOCK) {
			*l2e = leaf_desc(pa, attrs);	/* bit 1 = 0: block */
			ipa += S2_BLOCK;
			pa += S2_BLOCK;
			continue;
		}
		next_table(vm, l2e)[(ipa >> 12) & 511] =
			leaf_desc(pa, attrs) | PTE_TABLE;
		ipa += S2_PAGE;
		pa += S2_PAGE;
	}
}

static uint64_t leaf_gpa(struct l2_space *s, uint64_t ipa)
{
	uint64_t *l1 = pool_hva(s->vm, s->root);
	uint64_t e1 = l1[(ipa >> 30) & 511], e2;

	if ((e1 & S2_TABLE) != S2_TABLE)
		test_fail("l1_remap: 0x%llx not page-mapped",
			  (unsigned long long)ipa);
	e2 = pool_hva(s->vm, e1 & PTE_ADDR_MASK)[(ipa >> 21) & 511];
	if ((e2 & S2_TABLE) != S2_TABLE)
		test_fail("l1_remap: 0x%llx not page-mapped",
			  (unsigned long long)ipa);
	return (e2 & PTE_ADDR_MASK) + ((ipa >> 12) & 511) * 8;
}

void l2_space_init(struct vm *vm, struct l2_space *s, uint16_t vmid)
{
	s->vm = vm;
	s->vmid = vmid;
	s->root = s2_alloc(vm);
	l2_map(s, 0, 0, GUEST_SYS_SIZE, L2_MT(L2_MT_NORMAL) | L2_BLOCK);
}

uint64_t l2_vttbr(const struct l2_space *s)
{
	return VTTBR_VMID(s->vmid) | s->root;
}

void l2_enter(struct vcpu *vcpu, struct l2_space *s)
{
	uint64_t el;

	vcpu->in_l2 = false;
	el = vcpu_call(vcpu, l2_enable, l2_vttbr(s));
	if (((el >> 2) & 3) != 2)
		test_fail("the L1 vCPU runs at EL%llu, not EL2",
			  (unsigned long long)((el >> 2) & 3));
	vcpu->in_l2 = true;
}

uint64_t l1_call1(struct vcpu *vcpu, void *fn, uint64_t arg)
{
	bool in_l2 = vcpu->in_l2;
	uint64_t ret;

	vcpu->in_l2 = false;
	ret = vcpu_call(vcpu, fn, arg);
	vcpu->in_l2 = in_l2;
	return ret;
}

void l1_remap(struct vcpu *vcpu, struct l2_space *s, uint64_t ipa,
	      uint64_t pa, unsigned int attrs)
{
	bool in_l2 = vcpu->in_l2;

	vcpu->in_l2 = false;
	vcpu_call(vcpu, l2_remap, leaf_gpa(s, ipa),
		  leaf_desc(pa, attrs) | PTE_TABLE, ipa);
	vcpu->in_l2 = in_l2;
}

void l1_switch(struct vcpu *vcpu, struct l2_space *s)
{
	l1_call1(vcpu, l2_set_vttbr, l2_vttbr(s));
}
