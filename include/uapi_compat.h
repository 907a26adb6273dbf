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
#ifndef KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED
#define KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED 243
#endif
#ifndef KVM_CAP_ARM_SEA_TO_USER
#define KVM_CAP_ARM_SEA_TO_USER 245
#endif
#ifndef KVM_EXIT_ARM_NISV
#define KVM_EXIT_ARM_NISV 28
#endif
#ifndef KVM_EXIT_MEMORY_FAULT
#define KVM_EXIT_MEMORY_FAULT 39
#endif

#ifndef KVM_ARM_TAGS_TO_GUEST
#define KVM_ARM_TAGS_TO_GUEST 0
#define KVM_ARM_TAGS_FROM_GUEST 1
#endif

#endif
