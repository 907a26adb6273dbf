/* SPDX-License-Identifier: GPL-2.0 */
/*
 * abi.h - the numbers the model reasons about and nobody may change: the
 * architecture's fault syndromes (Arm ARM, ESR_ELx), the KVM exit reasons
 * an expectation names, and the values the guest runtime returns for an
 * exec stub. The model includes nothing outside include/model/, so these
 * are spelt here; KVM's own spellings are identical, so <linux/kvm.h>
 * included after this header redefines them silently.
 */
#ifndef S2_MODEL_ABI_H
#define S2_MODEL_ABI_H

/* ESR_ELx */
#define ESR_EC_SHIFT	26
#define ESR_EC(esr)	(((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_FSC(esr)	((esr) & 0x3f)
#define EC_UNKNOWN	0x00
#define EC_HVC64	0x16
#define EC_IABT_LOW	0x20
#define EC_IABT_CUR	0x21
#define EC_DABT_LOW	0x24
#define EC_DABT_CUR	0x25
#define EC_SERROR	0x2f

#define FSC_ALIGNMENT	0x21
#define FSC_SEA		0x10
#define FSC_TAG_CHECK	0x11
#define FSC_EXCL_ATOMIC	0x35
#define FSC_IS_TRANSLATION(fsc)	(((fsc) & 0x3c) == 0x04)
#define FSC_IS_PERMISSION(fsc)	(((fsc) & 0x3c) == 0x0c)

/* struct kvm_run exit_reason values (uAPI, never renumbered). */
#define KVM_EXIT_MMIO		6
#define KVM_EXIT_ARM_NISV	28

/*
 * Memslot and guest_memfd flags (uAPI), spelt as <linux/kvm.h> spells
 * them, for headers too old to have them.
 */
#ifndef KVM_MEM_LOG_DIRTY_PAGES
#define KVM_MEM_LOG_DIRTY_PAGES	(1UL << 0)
#define KVM_MEM_READONLY	(1UL << 1)
#endif
#ifndef KVM_MEM_GUEST_MEMFD
#define KVM_MEM_GUEST_MEMFD	(1UL << 2)
#endif
#ifndef GUEST_MEMFD_FLAG_MMAP
#define GUEST_MEMFD_FLAG_MMAP		(1ULL << 0)
#define GUEST_MEMFD_FLAG_INIT_SHARED	(1ULL << 1)
#endif

#define GUEST_EXEC_MAGIC	0x5a17ULL	/* what an exec stub returns */
#define GUEST_EXEC_FAULTED	0xfa17ULL	/* x0 after an IABT recovery */

#endif
