// SPDX-License-Identifier: GPL-2.0
/*
 * expect_nested.c - rows N0-N6: an L2 guest under an L1 guest hypervisor
 * (KVM_ARM_VCPU_HAS_EL2), whose stage 2 KVM shadows (7.2
 * arch/arm64/kvm/nested.c, mmu.c). Pure logic: host unit tests link it.
 */
#include <errno.h>
#include <stdio.h>

#include "expect_nested.h"
#include "memtype.h"

/* Stage-2 permission and translation faults at level 3 (4K leaves). */
#define FSC_PERM_L3	0x0f
#define FSC_TRANS_L3	0x07

bool nested_runs(const struct kernel_facts *kf, char *why, size_t n)
{
	if (kf->cap_el2 && kf->mode == KVM_MODE_NESTED)
		return true;
	snprintf(why, n, "row N0: KVM_CAP_ARM_EL2 is %d (KVM in %s mode; "
		 "an L1 guest hypervisor needs kvm-arm.mode=nested on a CPU "
		 "with FEAT_NV2; 6.12 and 6.1 have no such cap)", kf->cap_el2,
		 kvm_mode_name(kf->mode));
	return false;
}

bool nested_unmap_feasible(const struct kernel_facts *kf, char *why, size_t n)
{
	if (!kf->tcg || kf->ipa_limit <= 48)
		return true;
	snprintf(why, n, "row N7: under QEMU TCG one host invalidation of a "
		 "VM with a live shadow stage 2 takes minutes: "
		 "kvm_nested_s2_unmap() walks each shadow over the whole "
		 "%d-bit PARange in 1 GiB steps, a TLBI each (2^%d steps); "
		 "needs hardware or a CPU with PARange <= 48",
		 kf->ipa_limit, kf->ipa_limit - 30);
	return false;
}

static struct expect l1_fault(enum l1_s2 s2, enum l2_access a)
{
	uint32_t ec = a == L2_EXEC ? EC_IABT_LOW : EC_DABT_LOW;

	if (s2 == L1_S2_NONE)
		return make_expect(out_fault(ec, FSC_TRANS_L3), "row N2: no "
				   "L1 stage-2 entry: kvm_walk_nested_s2() "
				   "fails, kvm_inject_s2_fault() gives L1 (EL2) "
				   "a level-3 translation fault, not L0");
	return make_expect(out_fault(ec, FSC_PERM_L3), "row N2: L1's %s: "
			   "kvm_s2_handle_perm_fault() injects a level-3 "
			   "permission fault into L1 (EL2), not L0",
			   s2 == L1_S2_XN ? "stage-2 XN" : "S2AP read-only");
}

struct expect expect_l2_access(enum l1_s2 s2, enum l2_access a,
			       uint64_t value)
{
	if (s2 == L1_S2_NONE || (s2 == L1_S2_XN && a == L2_EXEC) ||
	    (s2 == L1_S2_RO && a == L2_STORE))
		return l1_fault(s2, a);
	return make_expect(out_value(value), "row N1: the shadow stage 2 "
			   "maps L2's IPA to the page behind L1's IPA "
			   "(mmu.c kvm_handle_guest_abort -> "
			   "kvm_walk_nested_s2 -> user_mem_abort)");
}

struct expect expect_l2_memtype(const struct kernel_facts *kf, enum l1_s2 s2)
{
	/*
	 * Architecture: the combined type is the more restrictive one, and
	 * L1 does not set HCR_EL2.FWB, so Device at L1's stage 2 makes L2's
	 * access Device. 7.2 builds the shadow leaf from L0's memslot alone.
	 */
	if (s2 == L1_S2_DEVICE && kf->mode == KVM_MODE_NESTED)
		return make_defect(out_value(MEMTYPE_NORMAL), "row N3, "
				   "nested-s2-memattr: 7.2 nested.c "
				   "never reads L1's stage-2 MemAttr, so L2 "
				   "gets L0's Normal where the Arm ARM combines "
				   "to Device");
	if (s2 == L1_S2_DEVICE)
		return make_expect(out_value(MEMTYPE_DEVICE), "row N3: Device "
				   "at L1's stage 2 makes L2's access Device");
	return make_expect(out_value(MEMTYPE_NORMAL), "row N3: Normal at "
			   "both stages is Normal for L2");
}

struct expect expect_l2_after_unmap(bool munmap, enum l2_access a,
				    uint64_t value)
{
	if (munmap)
		return make_expect(out_run_errno(EFAULT), "row N4: munmap "
				   "ran kvm_unmap_gfn_range -> "
				   "kvm_nested_s2_unmap: L2's next access "
				   "faults to L0, which finds no VMA (EFAULT)");
	if (a == L2_STORE)
		return make_expect(out_value(0), "row N4: after "
				   "MADV_DONTNEED L2's store re-faults into the "
				   "new page (kvm_nested_s2_unmap dropped the "
				   "shadow)");
	return make_expect(out_value(value), "row N4: MADV_DONTNEED "
			   "dropped the shadow stage 2 too "
			   "(kvm_nested_s2_unmap): L2 reads the new page, "
			   "never the old one");
}

struct expect expect_l2_remapped(uint64_t new_value, bool vttbr_switch)
{
	if (vttbr_switch)
		return make_expect(out_value(new_value), "row N5: a VTTBR_EL2 "
				   "switch selects another shadow MMU "
				   "(nested.c get_s2_mmu_nested matches "
				   "VTTBR+VTCR): each L2 table keeps its page");
	return make_expect(out_value(new_value), "row N5: L1's TLBI "
			   "IPAS2E1IS traps to L0 (sys_regs.c "
			   "handle_ipas2e1is) and unmaps the shadow range: "
			   "L2 reads the remapped page");
}

struct expect expect_l1_mte_field(void)
{
	return make_expect(out_value(0), "row N6: KVM hides MTE from a guest "
			   "hypervisor (nested.c limit_nv_id_reg clears "
			   "ID_AA64PFR1_EL1.MTE)");
}

const char *nested_mte_skip_reason(void)
{
	return "row N6: L1's ID_AA64PFR1_EL1.MTE is 0 (KVM hides MTE from a "
	       "guest hypervisor): L2 has no tags to check";
}
