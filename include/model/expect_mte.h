/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_mte.h - MTE: rows 4, 10, 11, 41-47.
 */
#ifndef S2_MODEL_EXPECT_MTE_H
#define S2_MODEL_EXPECT_MTE_H

#include <stdint.h>

#include "expect.h"

struct expect expect_mte_cap(bool cpu_mte);
struct expect expect_mte_enable_after_vcpu(void);
struct expect expect_mte_touch_after_enable(const struct kernel_facts *kf,
					    unsigned int vma);
struct expect expect_mte_prot_probe(const struct kernel_facts *kf,
				    unsigned int vma);
struct expect expect_copy_tags_to_guest_dirty(const struct kernel_facts *kf,
					      uint64_t len);
struct expect expect_copy_tags_huge_len(const struct kernel_facts *kf);
struct expect expect_copy_tags_invalid(const char *what);
/* Granules of the reused page still carrying the old tag: all of them. */
#define MTE_REUSE_STALE	256
struct expect expect_mte_reused_hugetlb(const struct kernel_facts *kf);

#endif
