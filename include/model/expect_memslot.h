/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_memslot.h - RAM memslots: creation, exec, read-only slots,
 * mprotect, MADV_DONTNEED, slot delete (rows 1-3, 5-9, 12, 33-38). A
 * PFNMAP VMA is handed to expect_pfnmap.h.
 */
#ifndef S2_MODEL_EXPECT_MEMSLOT_H
#define S2_MODEL_EXPECT_MEMSLOT_H

#include <stdint.h>

#include "expect.h"

struct expect expect_slot_create(const struct kernel_facts *kf,
				 unsigned int vma, bool mte);
struct expect expect_exec(const struct kernel_facts *kf, unsigned int vma);
struct expect expect_ro_slot_store(bool has_syndrome, uint64_t gpa);
struct expect expect_mprotect_ro_store(void);
struct expect expect_dontneed_load(unsigned int vma, uint64_t old_data,
				   uint64_t file_data);
struct expect expect_deleted_load(uint64_t gpa);
struct expect expect_deleted_exec(void);
/* Row 50: a guest load whose stage-1 walk needs a table page stage 2 lost. */
struct expect expect_s1_table_refault(const struct kernel_facts *kf,
				      uint64_t data);
/* The two above by kind: a guest_memfd VMA follows expect_gmem.h. */
struct expect expect_slot_create_flags(const struct kernel_facts *kf,
				       unsigned int vma, uint32_t flags,
				       bool mte);
struct expect expect_mprotect_ro_store_kind(unsigned int vma);
/*
 * Kernel-independent rows: whatever KVM maps, both sides see every word
 * (first mismatch at index `words`, i.e. none), a RO slot's load reads the
 * backing, and a RO VMA's loads and (once writable again) stores work.
 */
struct expect expect_rw_host_sees(uint64_t words);
struct expect expect_rw_guest_sees(uint64_t words);
struct expect expect_ro_slot_load(uint64_t backing);
struct expect expect_mprotect_ro_load(const struct expect *store,
				      uint64_t stored, uint64_t old);
struct expect expect_mprotect_rw_store(void);

#endif
