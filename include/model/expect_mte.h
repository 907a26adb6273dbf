/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_mte.h - MTE: rows 4, 10, 11, 41-47.
 */
#ifndef S2_MODEL_EXPECT_MTE_H
#define S2_MODEL_EXPECT_MTE_H

#include <stdint.h>

#include "expect.h"

struct expect expect_mte_cap(const struct kernel_facts *kf);
struct expect expect_mte_enable_before_vcpu(void);
struct expect expect_mte_enable_after_vcpu(void);
struct expect expect_mte_touch_after_enable(const struct kernel_facts *kf,
					    unsigned int vma);
struct expect expect_mte_prot_probe(const struct kernel_facts *kf,
				    unsigned int vma);
struct expect expect_copy_tags_to_guest_dirty(const struct kernel_facts *kf,
					      uint64_t len);
struct expect expect_copy_tags_huge_len(const struct kernel_facts *kf);
struct expect expect_copy_tags_invalid(const char *what);
/*
 * Row 4 and the COPY_TAGS round trips: counts of granules (or pages) with
 * another tag than the one written, so each expects 0.
 */
struct expect expect_mte_fresh_tags(void);
struct expect expect_mte_stg_ldg(void);
struct expect expect_mte_tag_mismatch(void);
struct expect expect_mte_tag_match(void);
struct expect expect_mte_race_lost(void);
struct expect expect_mte_race_stale(void);
struct expect expect_copy_tags_from_guest(void);
struct expect expect_copy_tags_to_guest(void);
/* Row 11: tags live with the shared page, whoever wrote them. */
struct expect expect_mte_shared_other_vm(void);
struct expect expect_mte_shared_vmm_reads(void);
struct expect expect_mte_shared_guest_reads(void);
/*
 * Rows 41-43: the tags (granules that differ: 0) and the data (`words`
 * that match) of a page the host swapped, copied or migrated.
 */
enum mte_move { MTE_MOVE_SWAP, MTE_MOVE_COW, MTE_MOVE_MIGRATE };
struct expect expect_mte_tags_kept(enum mte_move how);
struct expect expect_mte_data_kept(uint64_t words);
struct expect expect_mte_cow_store(void);
struct expect expect_mte_cow_copied(void);
/* Row 44: 1 if KSM must merge the guest's pages, 0 if it must not. */
struct expect expect_ksm_merge(bool mte);
/* Granules of the reused page still carrying the old tag: all of them. */
#define MTE_REUSE_STALE	256
struct expect expect_mte_reused_hugetlb(const struct kernel_facts *kf);

/*
 * Row 62: of the pages block_fresh reads in a block (first, the faulted
 * one, middle, last) those with another tag than 0. host_map: the bytes
 * the host maps the kind with (THP or hugetlb page).
 */
#define MTE_BLOCK_PAGES	4
struct expect expect_mte_block_fresh(const struct kernel_facts *kf,
				     unsigned int vma, uint64_t host_map);

#endif
