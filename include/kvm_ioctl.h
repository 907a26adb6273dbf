/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_ioctl.h - thin KVM ioctl wrappers.
 *
 * Every call returns the ioctl's result or -errno, never exits: whether an
 * error is a test failure is the caller's decision (many cases expect one).
 */
#ifndef S2_KVM_IOCTL_H
#define S2_KVM_IOCTL_H

#include <stdbool.h>
#include <stdint.h>
#include "uapi_compat.h"

int kvm_open(void);
int kvm_check_cap(int cap);
int kvm_vm_check_cap(int vm_fd, int cap);
int kvm_create_vm(unsigned long type);
int kvm_create_vcpu(int vm_fd, int id);
int kvm_vcpu_mmap_size(void);
int kvm_enable_cap(int fd, int cap, uint64_t arg0);

/* One memslot as either ioctl sees it; gmem_* only with KVM_MEM_GUEST_MEMFD. */
struct memslot_desc {
	uint32_t slot;
	uint32_t flags;
	uint64_t gpa;
	uint64_t size;
	void *hva;
	int gmem_fd;
	uint64_t gmem_offset;
};

bool kvm_has_memslot2(void);
/* KVM_SET_USER_MEMORY_REGION2 if the kernel has it, else v1. */
int kvm_set_memslot2(int vm_fd, const struct memslot_desc *d);

int kvm_create_guest_memfd(int vm_fd, uint64_t size, uint64_t flags);

int kvm_vcpu_preferred_target(int vm_fd, struct kvm_vcpu_init *init);
int kvm_vcpu_init(int vcpu_fd, struct kvm_vcpu_init *init);
int kvm_get_one_reg(int vcpu_fd, uint64_t id, uint64_t *val);
int kvm_set_one_reg(int vcpu_fd, uint64_t id, uint64_t val);
int kvm_run(int vcpu_fd);
/* KVM_CREATE_DEVICE (a device fd or -errno), KVM_SET_DEVICE_ATTR. */
int kvm_create_device(int vm_fd, uint32_t type);
int kvm_device_attr_set(int dev_fd, uint32_t group, uint64_t attr,
			const void *val);

/* KVM_GET_DIRTY_LOG, KVM_CLEAR_DIRTY_LOG, KVM_RESET_DIRTY_RINGS. */
int kvm_get_dirty_log(int vm_fd, uint32_t slot, void *bitmap);
int kvm_clear_dirty_log(int vm_fd, uint32_t slot, uint64_t first_page,
			uint32_t num_pages, void *bitmap);
int kvm_reset_dirty_rings(int vm_fd);
int kvm_mte_copy_tags(int vm_fd, uint64_t gpa, uint64_t len, void *buf,
		      uint64_t flags, uint64_t reserved0);

#endif
