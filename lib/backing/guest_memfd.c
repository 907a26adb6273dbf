// SPDX-License-Identifier: GPL-2.0
/*
 * guest_memfd.c - KVM_CREATE_GUEST_MEMFD files as memslots (row 48).
 *
 * A guest_memfd belongs to the VM that made it (kvm_gmem_bind() refuses
 * any other), so create() only checks that the kernel has the interface
 * and attach() makes the file once the VM is known. The slot is described
 * by fd + offset; b->hva is what the VMM passes as userspace_addr: its own
 * mmap of the file where GUEST_MEMFD_FLAG_MMAP allows one, else ordinary
 * anonymous memory (the "shared half" a CoCo VMM would give).
 *
 *  gmem_shared          MMAP | INIT_SHARED: the arm64 non-CoCo case
 *  gmem_private         no flags: private-only, which arm64 refuses
 *  gmem_no_init_shared  MMAP alone: a guest_memfd-only slot whose memory
 *                       starts private, so the host's view SIGBUSes
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backing.h"
#include "kvm_ioctl.h"
#include "vm.h"

static uint64_t gmem_flags(const struct backing_ops *ops)
{
	return (ops->vma & VMA_GMEM_MMAP ? GUEST_MEMFD_FLAG_MMAP : 0) |
	       (ops->vma & VMA_GMEM_SHARED ? GUEST_MEMFD_FLAG_INIT_SHARED : 0);
}

static int gmem_create(struct backing *b, uint64_t size)
{
	uint64_t want = gmem_flags(b->ops);
	int flags;

	if (kvm_check_cap(KVM_CAP_GUEST_MEMFD) <= 0)
		return backing_unavailable(b, "no KVM_CAP_GUEST_MEMFD: this "
					   "kernel has no guest_memfd for "
					   "arm64 VMs (row 48)");
	if (!kvm_has_memslot2())
		return backing_unavailable(b, "no KVM_CAP_USER_MEMORY2 to "
					   "bind a guest_memfd with");
	flags = kvm_check_cap(KVM_CAP_GUEST_MEMFD_FLAGS);
	if (want & ~(uint64_t)(flags > 0 ? flags : 0))
		return backing_unavailable(b, "KVM_CAP_GUEST_MEMFD_FLAGS is "
					   "0x%x, lacks 0x%llx", flags,
					   (unsigned long long)want);
	b->size = size;
	return 0;
}

static int gmem_attach(struct backing *b, struct vm *vm)
{
	int mflags = MAP_PRIVATE | MAP_ANONYMOUS;
	int fd = -1;

	b->fd = kvm_create_guest_memfd(vm->fd, b->size, gmem_flags(b->ops));
	if (b->fd < 0)
		return b->fd;
	if (b->ops->vma & VMA_GMEM_MMAP) {
		mflags = MAP_SHARED;
		fd = b->fd;
	}
	return backing_mmap(b, b->size, PROT_READ | PROT_WRITE, mflags, fd,
			    0);
}

static const struct backing_ops gmem_shared = {
	.name = "gmem_shared",
	.desc = "guest_memfd MMAP|INIT_SHARED, host view mmap()ed",
	.vma = VMA_SHARED | VMA_GMEM | VMA_GMEM_MMAP | VMA_GMEM_SHARED,
	.map = MAP_PAGES,
	.create = gmem_create,
	.attach = gmem_attach,
	.destroy = backing_generic_destroy,
};
BACKING_REGISTER(gmem_shared);

/* Unlisted: KVM refuses them or the host cannot touch them. */
static const struct backing_ops gmem_private = {
	.name = "gmem_private",
	.desc = "guest_memfd without MMAP: private-only",
	.vma = VMA_GMEM,
	.map = MAP_PAGES,
	.create = gmem_create,
	.attach = gmem_attach,
	.destroy = backing_generic_destroy,
	.unlisted = true,
};
BACKING_REGISTER(gmem_private);

static const struct backing_ops gmem_no_init_shared = {
	.name = "gmem_no_init_shared",
	.desc = "guest_memfd MMAP without INIT_SHARED",
	.vma = VMA_SHARED | VMA_GMEM | VMA_GMEM_MMAP,
	.map = MAP_PAGES,
	.create = gmem_create,
	.attach = gmem_attach,
	.destroy = backing_generic_destroy,
	.unlisted = true,
};
BACKING_REGISTER(gmem_no_init_shared);
