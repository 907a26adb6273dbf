/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_unmap.h - unmap with vCPUs running and vCPU re-init: rows 33-40,
 * rows 33-40.
 */
#ifndef S2_MODEL_EXPECT_UNMAP_H
#define S2_MODEL_EXPECT_UNMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "expect.h"

/*
 * The ways a VMM takes memory away (rows 33-40), X(op, name):
 *   MUNMAP       munmap() of the slot's VMA
 *   DONTNEED     madvise(MADV_DONTNEED)
 *   PUNCH_HOLE   fallocate(PUNCH_HOLE) on the backing file
 *   MPROTECT_RO  mprotect(PROT_READ)
 *   DELETE_SLOT  KVM_SET_USER_MEMORY_REGION, size 0
 */
#define UNMAP_OP_TABLE(X)						\
	X(MUNMAP, "munmap")						\
	X(DONTNEED, "dontneed")						\
	X(PUNCH_HOLE, "punch_hole")					\
	X(MPROTECT_RO, "mprotect_ro")					\
	X(DELETE_SLOT, "delete_slot")

enum unmap_op {
#define UNMAP_ENUM(op, name)	UNMAP_##op,
	UNMAP_OP_TABLE(UNMAP_ENUM)
#undef UNMAP_ENUM
	UNMAP_OP_NR,
};

/* The accesses of the unmap tests' guest loop, and what they return. */
enum unmap_access {
	UA_STORE,	/* store and read back: 0, or 1 + first page missed */
	UA_LOAD_OWN,	/* sum of the word this vCPU keeps storing */
	UA_LOAD_MARK,	/* sum of a word the host wrote before the op */
};

enum reinit_state { REINIT_KEPT, REINIT_UNMAPPED, REINIT_MIXED };
enum tlbi_strategy { TLBI_PER_PAGE, TLBI_RANGE, TLBI_UNKNOWN };

const char *unmap_op_name(enum unmap_op op);
bool unmap_op_applies(enum unmap_op op, unsigned int vma);
bool unmap_op_freezes_old_page(enum unmap_op op, unsigned int vma);
bool unmap_op_refaults(enum unmap_op op);
struct expect expect_unmap_access(enum unmap_op op, unsigned int vma,
				  enum unmap_access a, uint64_t addr,
				  uint64_t own_sum, uint64_t mark_sum);
struct expect expect_unmap_restored(enum unmap_access a, uint64_t own_sum,
				    uint64_t mark_sum);
struct expect expect_unmap_old_page(enum unmap_op op);
struct expect expect_unmap_new_page(enum unmap_op op);
const char *reinit_state_name(enum reinit_state s);
enum reinit_state reinit_classify(uint64_t exits, uint64_t baseline,
				  uint64_t pages);
struct expect expect_vcpu_reinit(const struct kernel_facts *kf);
struct expect expect_reinit_calibration(void);
const char *tlbi_strategy_name(enum tlbi_strategy s);
struct expect expect_unmap_tlbi(const struct kernel_facts *kf);
/*
 * What one stage-2 unmap of leaves leaf pages did, from kprobe counts:
 * calls of kvm_tlb_flush_vmid_range() (-1: the kernel has no such
 * function) and of __kvm_tlb_flush_vmid_ipa() (-1: not probeable).
 */
enum tlbi_strategy tlbi_classify(long range_calls, long ipa_calls,
				 uint64_t leaves);

#endif
