/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_gmem.h - guest_memfd and memfd_secret: rows 32, 48,
 * 49. A guest_memfd slot faults through gmem_abort(), which takes the pfn
 * from the file and never looks at the VMA. expect_memslot.h hands
 * guest_memfd VMAs here.
 */
#ifndef S2_MODEL_EXPECT_GMEM_H
#define S2_MODEL_EXPECT_GMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "expect.h"

struct expect expect_gmem_slot(const struct kernel_facts *kf,
			       unsigned int vma, uint32_t flags, bool mte);
struct expect expect_gmem_file(const struct kernel_facts *kf,
			       uint64_t flags);
struct expect expect_gmem_mmap(unsigned int vma);
struct expect expect_gmem_mmap_private(void);
struct expect expect_gmem_host_touch(unsigned int vma);
struct expect expect_gmem_mte_after_slot(void);
struct expect expect_gmem_truncate(void);
struct expect expect_gmem_truncate_kept(uint64_t words);
/*
 * Counts of `words` words compared (first mismatch at `words`: none), or
 * the value read at the punched page.
 */
struct expect expect_gmem_cleared(uint64_t words);
struct expect expect_gmem_guest_rw(uint64_t words);
struct expect expect_gmem_punched(void);
struct expect expect_gmem_punched_host(void);
struct expect expect_gmem_punch_before(uint64_t words);
struct expect expect_gmem_punch_after(uint64_t words);
struct expect expect_gmem_exec_faults(const struct kernel_facts *kf);
struct expect expect_gmem_mprotect_ro_store(void);
bool expect_block_mapped(unsigned int vma, bool host_huge,
			 const char **reason);
struct expect expect_secretmem_access(void);
struct expect expect_excl_atomic(const struct kernel_facts *kf);

#endif
