/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uapi_compat.h - KVM uAPI constants newer than the build host's headers.
 *
 * The cross toolchain ships 6.1 headers, and the suite must build against
 * whatever a distro has. Numbers are the upstream uAPI values; they are ABI
 * and never change once merged.
 */
#ifndef S2_UAPI_COMPAT_H
#define S2_UAPI_COMPAT_H

#include <linux/kvm.h>

#ifndef KVM_CAP_ARM_NISV_TO_USER
#define KVM_CAP_ARM_NISV_TO_USER 177
#endif
#ifndef KVM_CAP_ARM_MTE
#define KVM_CAP_ARM_MTE 205
#endif
#ifndef KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE
#define KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE 228
#endif
#ifndef KVM_CAP_ARM_SUPPORTED_BLOCK_SIZES
#define KVM_CAP_ARM_SUPPORTED_BLOCK_SIZES 229
#endif
#ifndef KVM_CAP_USER_MEMORY2
#define KVM_CAP_USER_MEMORY2 231
#endif
#ifndef KVM_CAP_GUEST_MEMFD
#define KVM_CAP_GUEST_MEMFD 234
#endif
#ifndef KVM_ARM_VCPU_HAS_EL2
#define KVM_ARM_VCPU_HAS_EL2 7	/* the vCPU starts at (virtual) EL2 */
#endif
#ifndef KVM_CAP_ARM_EL2
#define KVM_CAP_ARM_EL2 240
#endif
#ifndef KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED
#define KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED 243
#endif
#ifndef KVM_CAP_GUEST_MEMFD_FLAGS
#define KVM_CAP_GUEST_MEMFD_FLAGS 244
#endif
#ifndef KVM_CAP_ARM_SEA_TO_USER
#define KVM_CAP_ARM_SEA_TO_USER 245
#endif
#ifndef KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP
#define KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP 225
#endif
/*
 * Where a vCPU's dirty ring is mmap()ed, in pages (arm64's uAPI asm/kvm.h
 * from 6.1; the cross headers' generic fallback is 0, i.e. no ring).
 */
#define S2_DIRTY_LOG_PAGE_OFFSET 64
#ifndef KVM_EXIT_ARM_NISV
#define KVM_EXIT_ARM_NISV 28
#endif
#ifndef KVM_EXIT_MEMORY_FAULT
#define KVM_EXIT_MEMORY_FAULT 39
#endif

/*
 * Memslots v2 and guest_memfd (include/uapi/linux/kvm.h of 6.8+ / 7.2).
 * The structs carry s2_ names so they never clash with a newer header's.
 */
#ifndef KVM_MEM_GUEST_MEMFD
#define KVM_MEM_GUEST_MEMFD (1u << 2)
#endif
#ifndef GUEST_MEMFD_FLAG_MMAP
#define GUEST_MEMFD_FLAG_MMAP (1ULL << 0)
#define GUEST_MEMFD_FLAG_INIT_SHARED (1ULL << 1)
#endif

struct s2_memory_region2 {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 guest_memfd_offset;
	__u32 guest_memfd;
	__u32 pad1;
	__u64 pad2[14];
};

struct s2_create_guest_memfd {
	__u64 size;
	__u64 flags;
	__u64 reserved[6];
};

#define S2_SET_USER_MEMORY_REGION2 _IOW(KVMIO, 0x49, struct s2_memory_region2)
#define S2_CREATE_GUEST_MEMFD _IOWR(KVMIO, 0xd4, struct s2_create_guest_memfd)

#ifndef KVM_ARM_TAGS_TO_GUEST
#define KVM_ARM_TAGS_TO_GUEST 0
#define KVM_ARM_TAGS_FROM_GUEST 1
#endif

#endif
