/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_pfnmap.h - driver VM_PFNMAP memory (the fixture module's kinds):
 * rows 21-31.
 */
#ifndef S2_MODEL_EXPECT_PFNMAP_H
#define S2_MODEL_EXPECT_PFNMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "expect.h"

/*
 * cap: KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED read on a VM fd (1 or 0;
 * kernels without it answer 0), or -1 when not read: then kf's FWB and
 * DIC decide. Returns 1, 0, or -1 when unknown.
 */
int pfnmap_cacheable_supported(const struct kernel_facts *kf, int cap);
/* Row 30: KVM refuses a refcount-0 tail page on this kernel. */
bool pfnmap_tail_refused(const struct kernel_facts *kf, unsigned int vma);
/* Row 25: the fault itself is refused (cacheable, no FWB+DIC, 7.x). */
bool pfnmap_fault_refused(const struct kernel_facts *kf, unsigned int vma,
			  int cap);
struct expect_attr expect_pfnmap_attr(const struct kernel_facts *kf,
				      unsigned int vma, int cap);
struct expect expect_pfnmap_create(const struct kernel_facts *kf,
				   unsigned int vma, bool mte, int cap);
struct expect expect_pfnmap_access(const struct kernel_facts *kf,
				   unsigned int vma, bool tail, int cap,
				   uint64_t value);
struct expect expect_pfnmap_exec(const struct kernel_facts *kf,
				 unsigned int vma, bool tail, int cap);
struct expect expect_pfnmap_mte_after(const struct kernel_facts *kf,
				      unsigned int vma, int cap);
struct expect expect_pfnmap_replace(const struct kernel_facts *kf,
				    unsigned int vma, int cap,
				    uint64_t value);
struct expect expect_pfnmap_refault(const struct kernel_facts *kf,
				    unsigned int vma, bool tail,
				    uint64_t fresh);
/* Rows 21-29: once a load completed, a store does and the host sees it. */
struct expect expect_pfnmap_guest_store(void);
struct expect expect_pfnmap_host_sees(uint64_t value);
struct expect expect_ttm_refcount(bool tail);
struct expect expect_ttm_refcount_mapped(void);
/* Row 31, after an eviction: 1 if the driver's block is new (a new pfn). */
struct expect expect_ttm_refault_block(void);
struct expect expect_ttm_quarantine_pfn(void);
struct expect expect_pfnmap_dontneed(void);

#endif
