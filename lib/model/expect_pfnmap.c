// SPDX-License-Identifier: GPL-2.0
/*
 * expect_pfnmap.c - driver PFNMAP memory as the s2fixture module makes it
 * (rows 21-31 of docs/behaviours.md). Pure logic:
 * whether KVM may map cacheable PFNMAP (a VM capability) comes in as an
 * argument, so host unit tests cover every kernel.
 */
#include <errno.h>
#include <stdio.h>

#include "expect_pfnmap.h"

/* kvm_supports_cacheable_pfnmap(): FWB && DIC, which the VM cap reports. */
int pfnmap_cacheable_supported(const struct kernel_facts *kf, int cap)
{
	if (cap >= 0)
		return cap > 0;
	if (kf->fwb < 0 || kf->dic < 0)
		return -1;
	return kf->fwb && kf->dic;
}

/*
 * Row 30: before kvm_follow_pfn, hva_to_pfn_remapped() takes a reference
 * with get_page_unless_zero(), which fails on a refcount-0 tail page.
 */
bool pfnmap_tail_refused(const struct kernel_facts *kf, unsigned int vma)
{
	return (vma & VMA_TAIL_NOREF) && !kf->feat[FEAT_PFNMAP_NO_REFCOUNT];
}

/*
 * A vfio-pci BAR (VMA_DEVICE, lib/model/expect_device.c) is a device pfn whose
 * VMA has VM_ALLOW_ANY_UNCACHED from 6.9 on: the same rules apply.
 */
static bool device_pfn(unsigned int vma)
{
	return vma & (VMA_DEVICE_PFN | VMA_DEVICE);
}

static bool allow_any_uncached(unsigned int vma)
{
	return vma & (VMA_ALLOW_ANY_UNCACHED | VMA_DEVICE);
}

/* Whether the 7.x VMA rule looks at this mapping's cacheability at all. */
static bool vma_rule_cacheable(const struct kernel_facts *kf,
			       unsigned int vma)
{
	return kf->feat[FEAT_CACHEABLE_PFNMAP] && (vma & VMA_PFNMAP) &&
	       (vma & VMA_CACHEABLE);
}

/* Row 25: kvm_s2_fault_pin_pfn() refuses cacheable device pfns sans FWB+DIC. */
bool pfnmap_fault_refused(const struct kernel_facts *kf, unsigned int vma,
			  int cap)
{
	return vma_rule_cacheable(kf, vma) && device_pfn(vma) &&
	       pfnmap_cacheable_supported(kf, cap) == 0;
}

static struct expect_attr attr(enum s2_attr a, bool known, const char *why,
			       const char *src)
{
	return make_attr(a, known, "%s (%s)", why, src);
}

/* The stage-2 type of a page KVM does map (rows 21, 23, 27, 29). */
struct expect_attr expect_pfnmap_attr(const struct kernel_facts *kf,
				      unsigned int vma, int cap)
{
	const char *cpf = kf->feat_src[FEAT_CACHEABLE_PFNMAP];
	const char *aau = kf->feat_src[FEAT_ALLOW_ANY_UNCACHED];

	if (!device_pfn(vma))
		return attr(S2_ATTR_NORMAL, true, "rows 28/29: the pfns are "
			    "memblock RAM: Normal, whatever the VMA's prot",
			    cpf);
	if (vma_rule_cacheable(kf, vma)) {
		int ok = pfnmap_cacheable_supported(kf, cap);

		if (ok > 0)
			return attr(S2_ATTR_NORMAL, true, "row 23: cacheable "
				    "PFNMAP with FWB+DIC is Normal (FWB-forced "
				    "WB)", cpf);
		return attr(S2_ATTR_DEVICE, false, ok ? "row 23: needs "
			    "FWB+DIC, unknown here" : "row 25: refused "
			    "without FWB+DIC", cpf);
	}
	if (allow_any_uncached(vma) && kf->feat[FEAT_ALLOW_ANY_UNCACHED])
		return attr(S2_ATTR_NORMAL_NC, true, "row 21: a device pfn "
			    "with VM_ALLOW_ANY_UNCACHED is Normal-NC", aau);
	if (allow_any_uncached(vma))
		return attr(S2_ATTR_DEVICE, true, "row 21: no "
			    "VM_ALLOW_ANY_UNCACHED in this kernel: a device "
			    "pfn is Device", aau);
	if (vma & VMA_CACHEABLE)
		return attr(S2_ATTR_DEVICE, true, "row 23: before the VMA "
			    "rule kvm_is_device_pfn() makes it Device whatever "
			    "vm_page_prot", cpf);
	return attr(S2_ATTR_DEVICE, true, "row 27: a non-cacheable device pfn "
		    "without VM_ALLOW_ANY_UNCACHED is Device", aau);
}

/* Rows 22, 26, 28: kvm_arch_prepare_memory_region(). */
struct expect expect_pfnmap_create(const struct kernel_facts *kf,
				   unsigned int vma, bool mte, int cap)
{
	int ok;

	if (mte && !kf->feat[FEAT_MTE_MAP_SHARED])
		return make_expect(out_ret(vma & VMA_SHARED ? -EINVAL : 0),
				   "row 26: before 6.2 an MTE VM refuses only "
				   "VM_SHARED slots (%s)",
				   kf->feat_src[FEAT_MTE_MAP_SHARED]);
	if (mte)
		return make_expect(out_ret(-EINVAL), "row 26: a PFNMAP VMA "
				   "never has VM_MTE_ALLOWED (%s)",
				   kf->feat_src[FEAT_MTE_MAP_SHARED]);
	if (!vma_rule_cacheable(kf, vma))
		return make_expect(out_ret(0), "rows 21/22/27/28: a PFNMAP "
				   "slot without dirty logging is accepted "
				   "(%s)", kf->feat_src[FEAT_CACHEABLE_PFNMAP]);
	ok = pfnmap_cacheable_supported(kf, cap);
	if (ok < 0)
		return make_expect(out_error("FWB/DIC unknown"), "rows 22/28: "
				   "acceptance needs FWB+DIC, which is "
				   "unknown");
	return make_expect(out_ret(ok ? 0 : -EINVAL), "rows 22/28: a "
			   "cacheable PFNMAP slot needs FWB+DIC (cacheable "
			   "PFNMAP supported: %d; %s)", ok,
			   kf->feat_src[FEAT_CACHEABLE_PFNMAP]);
}

/* A fault KVM refuses (rows 25, 30) in *e; else the mapped type in *a. */
static bool refused(const struct kernel_facts *kf, unsigned int vma,
		    bool tail, int cap, struct expect *e, struct expect_attr *a)
{
	if (tail && pfnmap_tail_refused(kf, vma)) {
		*e = make_expect(out_run_errno(EFAULT), "row 30: a refcount-"
				 "0 tail page fails get_page_unless_zero(): "
				 "KVM_RUN EFAULT (%s)",
				 kf->feat_src[FEAT_PFNMAP_NO_REFCOUNT]);
		return true;
	}
	if (pfnmap_fault_refused(kf, vma, cap)) {
		*e = make_expect(out_run_errno(EFAULT), "row 25: a cacheable "
				 "device pfn without FWB+DIC fails the "
				 "fault: KVM_RUN EFAULT (%s)",
				 kf->feat_src[FEAT_CACHEABLE_PFNMAP]);
		return true;
	}
	*a = expect_pfnmap_attr(kf, vma, cap);
	return false;
}

/* Rows 29/30 and the access half of 21-27: a guest load reads value. */
struct expect expect_pfnmap_access(const struct kernel_facts *kf,
				   unsigned int vma, bool tail, int cap,
				   uint64_t value)
{
	struct expect_attr a;
	struct expect e;

	if (refused(kf, vma, tail, cap, &e, &a))
		return e;
	if (vma & VMA_TAIL_NOREF)
		return make_expect(out_value(value), "row %s: KVM maps the "
				   "page %s (%s)", tail ? "30" : "29",
				   tail ? "without a reference" : "(refcount "
				   "1)", kf->feat_src[FEAT_PFNMAP_NO_REFCOUNT]);
	return make_expect(out_value(value), "mapped %s: %s",
			   s2_attr_name(a.attr), a.reason);
}

/* Rows 24 and 27: only Normal is mapped executable (no X on Device/NC). */
struct expect expect_pfnmap_exec(const struct kernel_facts *kf,
				 unsigned int vma, bool tail, int cap)
{
	struct expect_attr a;
	struct expect e;

	if (refused(kf, vma, tail, cap, &e, &a))
		return e;
	if (a.attr == S2_ATTR_NORMAL)
		return make_expect(out_value(GUEST_EXEC_MAGIC), "rows 24/29: "
				   "Normal executes; %s", a.reason);
	return make_expect(out_fault(EC_IABT_CUR, FSC_SEA), "rows 21/24/27: "
			   "exec on %s injects SEA-IABT; %s",
			   s2_attr_name(a.attr), a.reason);
}

/*
 * Row 26, MTE enabled after the slot: the first fault re-checks the VMA,
 * but only for pages KVM maps cacheable (6.x: !kvm_is_device_pfn(); 7.x:
 * !map_non_cacheable). Device and Normal-NC pages are mapped untagged, so
 * LDG reads tag 0 (RAZ, docs/qemu-tcg.md section 3).
 */
struct expect expect_pfnmap_mte_after(const struct kernel_facts *kf,
				      unsigned int vma, int cap)
{
	struct expect_attr a;
	struct expect e;

	if (refused(kf, vma, false, cap, &e, &a))
		return e;
	if (a.attr != S2_ATTR_NORMAL)
		return make_expect(out_value(0), "row 26: %s is mapped without "
				   "the MTE check and reads tag 0; %s",
				   s2_attr_name(a.attr), a.reason);
	if (!kf->feat[FEAT_MTE_MAP_SHARED] && !(vma & VMA_SHARED))
		return make_expect(out_value(0), "row 26: before 6.2 only "
				   "VM_SHARED fails; the tags are sanitised");
	return make_expect(out_run_errno(EFAULT), "row 26: a Normal PFNMAP "
			   "page fails the fault-time MTE check (%s)",
			   kf->feat_src[FEAT_MTE_MAP_SHARED]);
}

/* Row 25: a VMA swapped in under a live slot obeys its own rules. */
struct expect expect_pfnmap_replace(const struct kernel_facts *kf,
				    unsigned int vma, int cap, uint64_t value)
{
	struct expect_attr a;

	if (pfnmap_fault_refused(kf, vma, cap))
		return make_expect(out_run_errno(EFAULT), "row 25: the "
				   "fault-time recheck refuses a cacheable "
				   "device pfn without FWB+DIC (%s)",
				   kf->feat_src[FEAT_CACHEABLE_PFNMAP]);
	a = expect_pfnmap_attr(kf, vma, cap);
	return make_expect(out_value(value), "row 25: the new VMA maps as "
			   "%s; %s", s2_attr_name(a.attr), a.reason);
}

/*
 * Row 31: the zap ran the MMU notifiers before the free, so the guest's
 * next access faults again, goes through the driver's .fault and sees
 * the fresh block, never the freed one.
 */
struct expect expect_pfnmap_refault(const struct kernel_facts *kf,
				    unsigned int vma, bool tail,
				    uint64_t fresh)
{
	if (tail && pfnmap_tail_refused(kf, vma))
		return make_expect(out_run_errno(EFAULT), "rows 30/31: the "
				   "fresh block's tail has refcount 0 too (%s)",
				   kf->feat_src[FEAT_PFNMAP_NO_REFCOUNT]);
	return make_expect(out_value(fresh), "row 31: the re-fault goes "
			   "through .fault and reads the new block");
}

/*
 * Rows 29/30: what the fixture module's blocks look like
 * (ttm_pool_alloc_page).
 */
struct expect expect_ttm_refcount(bool tail)
{
	return make_expect(out_value(tail ? 0 : 1), "rows 29/30: alloc_pages() "
			   "without __GFP_COMP: head refcount 1, tails 0");
}

/* Rows 29/30: any reference the fault took is dropped once it mapped. */
struct expect expect_ttm_refcount_mapped(void)
{
	return make_expect(expect_ttm_refcount(false).out, "rows 29/30: KVM "
			   "holds no reference on a mapped PFNMAP page once "
			   "the fault is done");
}

struct expect expect_ttm_refault_block(void)
{
	return make_expect(out_value(1), "row 31: the re-fault went through "
			   "the driver's .fault, which allocated a fresh "
			   "block");
}

/* The fixture module never hands a quarantined block out again. */
struct expect expect_ttm_quarantine_pfn(void)
{
	return make_expect(out_value(1), "row 31: the quarantined block "
			   "cannot be reused, so a new pfn proves no stale "
			   "stage-2 entry");
}

struct expect expect_pfnmap_guest_store(void)
{
	return make_expect(out_completed(), "rows 21-29: the guest may store");
}

struct expect expect_pfnmap_host_sees(uint64_t value)
{
	return make_expect(out_value(value), "rows 21-29: the host sees the "
			   "guest's store");
}

/*
 * Rows 36/37 do not apply: madvise_dontneed_free_valid_vma() forbids
 * VM_PFNMAP (mm/madvise.c), so MADV_DONTNEED itself fails.
 */
struct expect expect_pfnmap_dontneed(void)
{
	return make_expect(out_ret(-EINVAL), "rows 36/37: MADV_DONTNEED "
			   "refuses VM_PFNMAP VMAs with EINVAL");
}
