// SPDX-License-Identifier: GPL-2.0
/*
 * mte_vm.c - host-side MTE helpers: MTE VMs, Tagged stage-1 maps,
 * COPY_TAGS, PROT_MTE.
 */
#include <errno.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "kernel_facts.h"
#include "kvm_ioctl.h"
#include "mte.h"
#include "verdict.h"
#include "vm.h"
#include "model/expect_mte.h"

bool cpu_has_mte(void)
{
	return kernel_facts()->cpu_mte;
}

void mte_require(void)
{
	const struct kernel_facts *kf = kernel_facts();

	if (!kf->cap_mte)
		test_skip("KVM_CAP_ARM_MTE is 0: %s",
			  expect_mte_cap(kf).reason);
}

struct vm *mte_vm_create(void)
{
	struct vm_opts opts = { .mte = true };
	struct vm *vm;
	int ret;

	mte_require();
	ret = __vm_create(&vm, &opts);
	if (ret)
		test_fail("VM with MTE: %s", strerror(-ret));
	return vm;
}

void mte_map_tagged(struct vm *vm, uint64_t gpa, uint64_t size)
{
	vm_map(vm, gpa, gpa, size, MAP_MT(MT_NORMAL_TAGGED));
}

long mte_tags_from_guest(struct vm *vm, uint64_t gpa, uint64_t size,
			 uint8_t *tags)
{
	return kvm_mte_copy_tags(vm->fd, gpa, size, tags,
				 KVM_ARM_TAGS_FROM_GUEST, 0);
}

long mte_tags_to_guest(struct vm *vm, uint64_t gpa, uint64_t size,
		       const uint8_t *tags)
{
	return kvm_mte_copy_tags(vm->fd, gpa, size, (void *)tags,
				 KVM_ARM_TAGS_TO_GUEST, 0);
}

int mte_prot_probe(void *hva, uint64_t size)
{
	if (mprotect(hva, size, PROT_READ | PROT_WRITE | PROT_MTE_FLAG))
		return -errno;
	return 0;
}
