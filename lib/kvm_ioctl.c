// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ioctl.c - KVM ioctl wrappers that keep errno for the caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm_ioctl.h"

static int kvm_fd = -1;

static int ret_or_errno(long ret)
{
	return ret < 0 ? -errno : (int)ret;
}

int kvm_open(void)
{
	if (kvm_fd < 0) {
		kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (kvm_fd < 0)
			return -errno;
	}
	return kvm_fd;
}

int kvm_check_cap(int cap)
{
	int fd = kvm_open();

	if (fd < 0)
		return fd;
	return ret_or_errno(ioctl(fd, KVM_CHECK_EXTENSION, cap));
}

int kvm_vm_check_cap(int vm_fd, int cap)
{
	return ret_or_errno(ioctl(vm_fd, KVM_CHECK_EXTENSION, cap));
}

int kvm_create_vm(unsigned long type)
{
	int fd = kvm_open();
	int ret;

	if (fd < 0)
		return fd;
	/* The VM fd must not leak into children forked by CoW tests. */
	do {
		ret = ioctl(fd, KVM_CREATE_VM, type);
	} while (ret < 0 && errno == EINTR);
	if (ret >= 0)
		fcntl(ret, F_SETFD, FD_CLOEXEC);
	return ret_or_errno(ret);
}

int kvm_create_vcpu(int vm_fd, int id)
{
	return ret_or_errno(ioctl(vm_fd, KVM_CREATE_VCPU, id));
}

int kvm_vcpu_mmap_size(void)
{
	int fd = kvm_open();

	if (fd < 0)
		return fd;
	return ret_or_errno(ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0));
}

int kvm_enable_cap(int fd, int cap, uint64_t arg0)
{
	struct kvm_enable_cap ec = { .cap = cap, .args = { arg0 } };

	return ret_or_errno(ioctl(fd, KVM_ENABLE_CAP, &ec));
}

/* KVM_CAP_USER_MEMORY2, asked once: 6.1 has only the v1 ioctl. */
bool kvm_has_memslot2(void)
{
	static int v2 = -1;

	if (v2 < 0)
		v2 = kvm_check_cap(KVM_CAP_USER_MEMORY2) > 0;
	return v2;
}

/*
 * v2 wherever the kernel has it, so every slot takes the path a current
 * VMM takes; v1 otherwise, which cannot carry a guest_memfd.
 */
int kvm_set_memslot2(int vm_fd, const struct memslot_desc *d)
{
	struct s2_memory_region2 r2 = {
		.slot = d->slot,
		.flags = d->flags,
		.guest_phys_addr = d->gpa,
		.memory_size = d->size,
		.userspace_addr = (uint64_t)(uintptr_t)d->hva,
	};
	struct kvm_userspace_memory_region r1 = {
		.slot = d->slot,
		.flags = d->flags,
		.guest_phys_addr = d->gpa,
		.memory_size = d->size,
		.userspace_addr = (uint64_t)(uintptr_t)d->hva,
	};

	if (d->flags & KVM_MEM_GUEST_MEMFD) {
		r2.guest_memfd = d->gmem_fd;
		r2.guest_memfd_offset = d->gmem_offset;
	}
	if (kvm_has_memslot2())
		return ret_or_errno(ioctl(vm_fd, S2_SET_USER_MEMORY_REGION2,
					  &r2));
	if (d->flags & KVM_MEM_GUEST_MEMFD)
		return -EOPNOTSUPP;
	return ret_or_errno(ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r1));
}

int kvm_create_guest_memfd(int vm_fd, uint64_t size, uint64_t flags)
{
	struct s2_create_guest_memfd args = { .size = size, .flags = flags };
	int fd = ret_or_errno(ioctl(vm_fd, S2_CREATE_GUEST_MEMFD, &args));

	/* Like the VM fd: no leak into children forked by CoW tests. */
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

int kvm_vcpu_preferred_target(int vm_fd, struct kvm_vcpu_init *init)
{
	memset(init, 0, sizeof(*init));
	return ret_or_errno(ioctl(vm_fd, KVM_ARM_PREFERRED_TARGET, init));
}

int kvm_vcpu_init(int vcpu_fd, struct kvm_vcpu_init *init)
{
	return ret_or_errno(ioctl(vcpu_fd, KVM_ARM_VCPU_INIT, init));
}

int kvm_get_one_reg(int vcpu_fd, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)val };

	return ret_or_errno(ioctl(vcpu_fd, KVM_GET_ONE_REG, &reg));
}

int kvm_set_one_reg(int vcpu_fd, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	return ret_or_errno(ioctl(vcpu_fd, KVM_SET_ONE_REG, &reg));
}

int kvm_run(int vcpu_fd)
{
	return ret_or_errno(ioctl(vcpu_fd, KVM_RUN, 0));
}

int kvm_create_device(int vm_fd, uint32_t type)
{
	struct kvm_create_device d = { .type = type };
	int ret = ioctl(vm_fd, KVM_CREATE_DEVICE, &d);

	if (ret < 0)
		return -errno;
	fcntl(d.fd, F_SETFD, FD_CLOEXEC);
	return d.fd;
}

int kvm_device_attr_set(int dev_fd, uint32_t group, uint64_t attr,
			const void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr,
				     .addr = (uint64_t)(uintptr_t)val };

	return ret_or_errno(ioctl(dev_fd, KVM_SET_DEVICE_ATTR, &a));
}

int kvm_mte_copy_tags(int vm_fd, uint64_t gpa, uint64_t len, void *buf,
		      uint64_t flags, uint64_t reserved0)
{
	struct kvm_arm_copy_mte_tags args = {
		.guest_ipa = gpa,
		.length = len,
		.addr = buf,
		.flags = flags,
		.reserved = { reserved0, 0 },
	};

	return ret_or_errno(ioctl(vm_fd, KVM_ARM_MTE_COPY_TAGS, &args));
}

int kvm_get_dirty_log(int vm_fd, uint32_t slot, void *bitmap)
{
	struct kvm_dirty_log log = { .slot = slot, .dirty_bitmap = bitmap };

	return ret_or_errno(ioctl(vm_fd, KVM_GET_DIRTY_LOG, &log));
}

int kvm_clear_dirty_log(int vm_fd, uint32_t slot, uint64_t first_page,
			uint32_t num_pages, void *bitmap)
{
	struct kvm_clear_dirty_log log = { .slot = slot,
					   .num_pages = num_pages,
					   .first_page = first_page,
					   .dirty_bitmap = bitmap };

	return ret_or_errno(ioctl(vm_fd, KVM_CLEAR_DIRTY_LOG, &log));
}

/* The number of ring entries reset, or -errno. */
int kvm_reset_dirty_rings(int vm_fd)
{
	return ret_or_errno(ioctl(vm_fd, KVM_RESET_DIRTY_RINGS, 0));
}
