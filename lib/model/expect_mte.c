// SPDX-License-Identifier: GPL-2.0
/*
 * expect_mte.c - MTE expectations (docs/behaviours.md rows 1, 4, 6-12, 41-47).
 */
#include <errno.h>

#include "expect_memslot.h"
#include "expect_mode.h"
#include "expect_mte.h"
#include "expect_pfnmap.h"

/*
 * kvm_vm_ioctl_check_extension(): KVM_CAP_ARM_MTE = system_supports_mte(),
 * unless the mode hides it (row M4).
 */
struct expect expect_mte_cap(const struct kernel_facts *kf)
{
	if (!kf->cpu_mte)
		return make_expect(out_value(0), "KVM_CAP_ARM_MTE follows "
				   "system_supports_mte(): the CPU has no "
				   "MTE (HWCAP2_MTE 0)");
	return expect_mode_mte_cap(kf);
}

struct expect expect_mte_enable_before_vcpu(void)
{
	return make_expect(out_ret(0), "api.rst: KVM_CAP_ARM_MTE may be "
			   "enabled before any vCPU is created");
}

struct expect expect_mte_enable_after_vcpu(void)
{
	return make_expect(out_ret(-EINVAL), "row 47: KVM_CAP_ARM_MTE is "
			   "refused once a vCPU exists");
}

/*
 * Row 10: enabling MTE does not re-check existing slots; the first
 * translation fault does, with the same predicate as slot creation.
 */
struct expect expect_mte_touch_after_enable(const struct kernel_facts *kf,
					    unsigned int vma)
{
	struct expect create = expect_slot_create(kf, vma, true);

	/* Row 26: Device/NC PFNMAP pages skip the fault-time MTE check. */
	if (vma & VMA_PFNMAP)
		return expect_pfnmap_mte_after(kf, vma,
					       kf->cap_cacheable_pfnmap);

	if (create.out.err)
		return make_expect(out_run_errno(EFAULT), "row 10: the fault "
				   "re-checks the VMA and fails (%s)",
				   create.reason);
	return make_expect(out_value(0), "row 10: the VMA may hold tags; "
			   "first fault sanitises them to 0");
}

/*
 * From 6.2 the slot rule is !VM_MTE_ALLOWED, which is exactly what
 * mprotect(PROT_MTE) tests (arch_validate_flags()).
 */
struct expect expect_mte_prot_probe(const struct kernel_facts *kf,
				    unsigned int vma)
{
	struct expect create = expect_slot_create(kf, vma, true);

	return make_expect(create.out, "rows 6-9: mprotect(PROT_MTE) and the "
			   "MTE slot check share VM_MTE_ALLOWED (%s)",
			   kf->feat_src[FEAT_MTE_MAP_SHARED]);
}

/* Row 45. */
struct expect expect_copy_tags_to_guest_dirty(const struct kernel_facts *kf,
					      uint64_t len)
{
	if (kf->feat[FEAT_COPY_TAGS_CHECKS])
		return make_expect(out_ret(-EBUSY), "row 45: TO_GUEST is "
				   "refused while dirty logging is on (%s)",
				   kf->feat_src[FEAT_COPY_TAGS_CHECKS]);
	return make_expect(out_ret((int)len), "row 45: no dirty-log check "
			   "(%s)", kf->feat_src[FEAT_COPY_TAGS_CHECKS]);
}

/* Row 46: without the check the length is simply walked, so only EINVAL
 * is asserted where the kernel has it. */
struct expect expect_copy_tags_huge_len(const struct kernel_facts *kf)
{
	return make_expect(out_ret(-EINVAL), "row 46: length > INT_MAX is "
			   "rejected (%s)", kf->feat_src[FEAT_COPY_TAGS_CHECKS]);
}

struct expect expect_copy_tags_invalid(const char *what)
{
	return make_expect(out_ret(-EINVAL), "rows 45/46: %s is rejected with "
			   "EINVAL", what);
}

/* Row 4: sanitise_mte_tags() clears a page on its first stage-2 map. */
struct expect expect_mte_fresh_tags(void)
{
	return make_expect(out_value(0), "row 4: a page KVM maps first "
			   "reads tag 0 in every granule (granules with "
			   "another tag)");
}

struct expect expect_mte_stg_ldg(void)
{
	return make_expect(out_value(0), "row 4: STG then LDG round-trips "
			   "(granules with another tag)");
}

/* The guest runs with SCTLR_EL1.TCF = sync, so the load itself faults. */
struct expect expect_mte_tag_mismatch(void)
{
	return make_expect(out_fault(EC_DABT_CUR, FSC_TAG_CHECK), "row 4: a "
			   "pointer tag that differs from the allocation tag "
			   "faults (TCF=sync)");
}

struct expect expect_mte_tag_match(void)
{
	return make_expect(out_completed(), "row 4: the matching tag loads");
}

/* PG_mte_lock: one sanitiser per page, before any tag is written. */
struct expect expect_mte_race_lost(void)
{
	return make_expect(out_value(0), "row 4: no written tag is lost to "
			   "a racing first-touch sanitiser (pages)");
}

struct expect expect_mte_race_stale(void)
{
	return make_expect(out_value(0), "row 4: untouched granules read 0, "
			   "never stale tags (granules)");
}

struct expect expect_copy_tags_from_guest(void)
{
	return make_expect(out_value(0), "rows 45/46: FROM_GUEST returns the "
			   "tags the guest stored (granules that differ)");
}

struct expect expect_copy_tags_to_guest(void)
{
	return make_expect(out_value(0), "rows 45/46: the guest's LDG sees "
			   "tags written by TO_GUEST (granules that differ)");
}

/* Row 11: the tags are the physical page's, not a VM's or a VMA's. */
struct expect expect_mte_shared_other_vm(void)
{
	return make_expect(out_value(0), "row 11: VM B reads the tags VM A "
			   "stored in shared memory (granules that differ)");
}

struct expect expect_mte_shared_vmm_reads(void)
{
	return make_expect(out_value(0), "row 11: the VMM's PROT_MTE view "
			   "reads the guest's tags (granules that differ)");
}

struct expect expect_mte_shared_guest_reads(void)
{
	return make_expect(out_value(0), "row 11: the guest reads tags the "
			   "VMM stored (granules that differ)");
}

/* Row 42: a tag-matching store is a plain write fault: CoW, no TCF. */
struct expect expect_mte_cow_store(void)
{
	return make_expect(out_completed(), "row 42: a store with the page's "
			   "tag breaks CoW without a tag-check fault");
}

/* 1: the page behind the parent's VMA changed frame. */
struct expect expect_mte_cow_copied(void)
{
	return make_expect(out_value(1), "the guest's store really broke "
			   "CoW (new PFN)");
}

/*
 * Swap: arch_prepare_to_swap() saves the tags, arch_swap_restore() puts
 * them back; CoW and migration: copy_highpage() copies them with the data.
 */
struct expect expect_mte_tags_kept(enum mte_move how)
{
	static const char *const why[] = {
		[MTE_MOVE_SWAP] = "row 41: tags come back with the page after "
				  "swap-in",
		[MTE_MOVE_COW] = "row 42: the CoW copy carries the guest's "
				 "tags",
		[MTE_MOVE_MIGRATE] = "row 43: tags follow the page to its new "
				     "node",
	};

	return make_expect(out_value(0), "%s (granules that differ)",
			   why[how]);
}

struct expect expect_mte_data_kept(uint64_t words)
{
	return make_expect(out_value(words), "the data survives too (words "
			   "that match)");
}

/*
 * Row 44: memcmp_pages() calls tagged pages different; the untagged
 * control must merge, or KSM's silence on the MTE VM proves nothing.
 */
struct expect expect_ksm_merge(bool mte)
{
	if (mte)
		return make_expect(out_value(0), "row 44: KSM never merges "
				   "pages an MTE VM maps (pages merged)");
	return make_expect(out_value(1), "control: KSM merges the same "
			   "untagged pages (so the MTE case is meaningful)");
}

/*
 * Row 4 on a recycled huge page. 6.1 maps hugetlb with MTE but its
 * arch_clear_hugepage_flags() clears only PG_dcache_clean, so a page back
 * from the hugetlb pool keeps PG_mte_tagged and KVM skips sanitising: the
 * next guest reads the previous owner's tags. 6.2 refuses hugetlb MTE
 * slots; 6.13's hugetlb MTE support clears the flag on free.
 */
struct expect expect_mte_reused_hugetlb(const struct kernel_facts *kf)
{
	if (!kf->feat[FEAT_MTE_MAP_SHARED])
		return make_defect(out_value(MTE_REUSE_STALE), "6.1: "
				   "PG_mte_tagged survives the hugetlb pool, so "
				   "the previous owner's tags leak (row 4)");
	return make_expect(out_value(0), "row 4: a recycled huge page is "
			   "sanitised like a new one (%s)",
			   kf->feat_src[FEAT_MTE_HUGETLB]);
}

/*
 * Row 62: sanitise_mte_tags() clears every page of the stage-2 mapping it
 * is about to make, so a block mapped on one fault reads 0 everywhere.
 * Hugetlb MTE (6.13+) keeps one PG_mte_tagged per folio, and the hugetlb
 * branch clears the mapping's pages but marks the whole folio: where
 * stage 2 maps a folio in smaller pieces (a CONT_PTE huge page, page by
 * page), the first fault marks it and every later one skips it, so the
 * folio's other pages keep whatever tags they had.
 */
struct expect expect_mte_block_fresh(const struct kernel_facts *kf,
				     unsigned int vma, uint64_t host_map)
{
	if ((vma & VMA_HUGETLB) && kf->feat[FEAT_MTE_HUGETLB] &&
	    geom_s2_map_size(&kf->sizes.geom, host_map) < host_map)
		return make_defect(out_value(MTE_BLOCK_PAGES - 1), "hugetlb "
				   "MTE (%s): a folio stage 2 maps page by "
				   "page is marked tagged on its first fault, "
				   "only that page cleared (row 62)",
				   kf->feat_src[FEAT_MTE_HUGETLB]);
	return make_expect(out_value(0), "row 62: every page of a block KVM "
			   "maps is sanitised, not only the faulting one "
			   "(pages with a stale tag)");
}
