// SPDX-License-Identifier: GPL-2.0
/*
 * expect_mode.c - rows M2-M4: protected mode. From 7.x (FEAT_PKVM_GUEST_S2)
 * the hypervisor at EL2 owns every VM's stage 2 and the host asks it to
 * share each page (arch/arm64/kvm/pkvm.c pkvm_pgtable_stage2_map() ->
 * __pkvm_host_share_guest() in hyp/nvhe/mem_protect.c). It shares only
 * RWX Normal mappings of memory the host owns from the boot memblock; the
 * other modes run the same stage-2 code as VHE for everything here.
 */
#include <errno.h>
#include <stdio.h>

#include "expect_mode.h"

bool mode_hyp_owns_s2(const struct kernel_facts *kf)
{
	return kf->mode == KVM_MODE_PROTECTED && kf->feat[FEAT_PKVM_GUEST_S2];
}

/* The prot user_mem_abort() asks for is Device or Normal-NC: not RWX. */
static bool uncached_prot(unsigned int vma)
{
	if (vma & VMA_DEVICE)
		return true;
	return (vma & VMA_DEVICE_PFN) && !(vma & VMA_CACHEABLE);
}

/* Normal memory outside the boot memblock: pmem, a mem= carve-out. */
static bool outside_memblock(unsigned int vma)
{
	return (vma & VMA_DAX) || (vma & VMA_DEVICE_PFN);
}

struct expect expect_mode_map(const struct kernel_facts *kf, unsigned int vma)
{
	if (!mode_hyp_owns_s2(kf))
		return make_expect(out_completed(), "row M2: the host maps "
				   "stage 2 itself (%s mode; %s)",
				   kvm_mode_name(kf->mode),
				   kf->feat_src[FEAT_PKVM_GUEST_S2]);
	if (uncached_prot(vma))
		return make_expect(out_run_errno(EINVAL), "row M3: protected "
				   "KVM shares only RWX Normal mappings "
				   "(__pkvm_host_share_guest: -EINVAL for a "
				   "Device/Normal-NC prot)");
	if (outside_memblock(vma))
		return make_expect(out_run_errno(EPERM), "row M2: protected "
				   "KVM shares only boot-memblock RAM "
				   "(__pkvm_host_share_guest: -EPERM)");
	return make_expect(out_completed(), "row M2: RAM the host owns is "
			   "shared with the VM in protected mode");
}

bool mode_case_runs(const struct kernel_facts *kf, unsigned int vma,
		    enum slot_access access, char *why, size_t n)
{
	struct expect e;

	if (access == ACCESS_NONE || access == ACCESS_JUDGE)
		return true;
	e = expect_mode_map(kf, vma);
	if (e.out.kind == OUT_COMPLETED)
		return true;
	/* Rows 18/24/27: an exec fault on such a prot ends before mapping. */
	if (access == ACCESS_EXEC && uncached_prot(vma))
		return true;
	snprintf(why, n, "%s mode maps none of this memory: %s; the kind's "
		 "rw case judges that", kvm_mode_name(kf->mode), e.reason);
	return false;
}

struct expect expect_mode_mte_cap(const struct kernel_facts *kf)
{
	if (mode_hyp_owns_s2(kf))
		return make_expect(out_value(0), "row M4: kvm_pkvm_ext_allowed() "
				   "hides KVM_CAP_ARM_MTE in protected mode "
				   "(%s)", kf->feat_src[FEAT_PKVM_GUEST_S2]);
	return make_expect(out_value(1), "row M4: the cap follows the CPU's "
			   "MTE in %s mode", kvm_mode_name(kf->mode));
}
