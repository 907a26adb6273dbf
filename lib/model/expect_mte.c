// SPDX-License-Identifier: GPL-2.0
/*
 * expect_mte.c - MTE expectations (docs/behaviours.md rows 1, 4, 6-12, 41-47).
 */
#include <errno.h>

#include "expect_memslot.h"
#include "expect_mte.h"
#include "expect_pfnmap.h"

/* kvm_vm_ioctl_check_extension(): KVM_CAP_ARM_MTE = system_supports_mte(). */
struct expect expect_mte_cap(bool cpu_mte)
{
	return make_expect(out_value(cpu_mte), "KVM_CAP_ARM_MTE follows "
			   "system_supports_mte() (HWCAP2_MTE here: %d)",
			   cpu_mte);
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

/*
 * Row 4 on a recycled huge page. 6.1 maps hugetlb with MTE but its
 * arch_clear_hugepage_flags() clears only PG_dcache_clean, so a page back
 * from the hugetlb pool keeps PG_mte_tagged and KVM skips sanitising: the
 * next guest reads the previous owner's tags. 6.2 refuses hugetlb MTE
 * slots; 6.13's hugetlb MTE support clears the flag on free.
 */
struct expect expect_mte_reused_hugetlb(const struct kernel_facts *kf)
{
	struct expect e;

	if (!kf->feat[FEAT_MTE_MAP_SHARED]) {
		e = make_expect(out_value(MTE_REUSE_STALE), "known 6.1 defect: "
				"PG_mte_tagged survives the hugetlb pool, so "
				"the previous owner's tags leak (row 4)");
		e.defect = true;
		return e;
	}
	return make_expect(out_value(0), "row 4: a recycled huge page is "
			   "sanitised like a new one (%s)",
			   kf->feat_src[FEAT_MTE_HUGETLB]);
}
