// SPDX-License-Identifier: GPL-2.0
/*
 * expect_device.c - device memory from real drivers: VFIO PCI BARs and
 * DAX (rows 13-20 of docs/behaviours.md). Pure logic:
 * the facts that are only known at run time (whether pmem pfns are in
 * memblock) come in as arguments, so host unit tests cover every kernel.
 */
#include <errno.h>
#include <stdio.h>

#include "expect_device.h"
#include "expect_memslot.h"

/*
 * A vfio-pci BAR: VM_PFNMAP, pgprot_noncached, pfns outside memblock; from
 * 6.9 also VM_ALLOW_ANY_UNCACHED. Not cacheable, so the 7.x cacheable-
 * PFNMAP rule never applies.
 */
static struct expect_attr bar_attr(const struct kernel_facts *kf)
{
	if (kf->feat[FEAT_ALLOW_ANY_UNCACHED])
		return make_attr(S2_ATTR_NORMAL_NC, true, "row 17: the BAR "
				 "VMA has VM_ALLOW_ANY_UNCACHED: Normal-NC "
				 "(%s)", kf->feat_src[FEAT_ALLOW_ANY_UNCACHED]);
	return make_attr(S2_ATTR_DEVICE, true, "row 17: a non-memblock pfn "
			 "is Device-nGnRE (VM_ALLOW_ANY_UNCACHED: %s)",
			 kf->feat_src[FEAT_ALLOW_ANY_UNCACHED]);
}

/*
 * fsdax/devdax: ZONE_DEVICE pages in a VMA that is neither VM_PFNMAP nor
 * VM_MIXEDMAP. 7.x ("Assume non-PFNMAP/MIXEDMAP VMAs can be mapped
 * cacheable", same series as cacheable PFNMAP) maps them Normal; before,
 * kvm_is_device_pfn() = !pfn_is_map_memory() decides for any VMA, and that
 * depends on the platform: memory hidden with mem= or described only by a
 * pmem-region node is outside memblock.
 */
static struct expect_attr dax_attr(const struct kernel_facts *kf,
				   int map_memory)
{
	if (kf->feat[FEAT_CACHEABLE_PFNMAP])
		return make_attr(S2_ATTR_NORMAL, true, "row 14: non-PFNMAP "
				 "VMAs are always Normal (%s)",
				 kf->feat_src[FEAT_CACHEABLE_PFNMAP]);
	if (map_memory < 0)
		return make_attr(S2_ATTR_DEVICE, false, "row 14: before the "
				 "VMA rule (%s) the type depends on whether the "
				 "pmem pfns are in memblock, which is unknown",
				 kf->feat_src[FEAT_CACHEABLE_PFNMAP]);
	if (map_memory)
		return make_attr(S2_ATTR_NORMAL, true, "row 14: the pmem pfns "
				 "are in memblock (memblock debugfs), so "
				 "Normal (%s)",
				 kf->feat_src[FEAT_CACHEABLE_PFNMAP]);
	return make_attr(S2_ATTR_DEVICE, true, "row 14: the pmem pfns are "
			 "outside memblock (memblock debugfs): "
			 "kvm_is_device_pfn() gives Device (%s)",
			 kf->feat_src[FEAT_CACHEABLE_PFNMAP]);
}

struct expect_attr expect_device_attr(const struct kernel_facts *kf,
				      unsigned int vma, int map_memory)
{
	if (vma & VMA_DEVICE)
		return bar_attr(kf);
	if (vma & VMA_DAX)
		return dax_attr(kf, map_memory);
	return make_attr(S2_ATTR_NORMAL, true, "rows 2/5/8: memblock RAM is "
			 "Normal-WB at stage 2");
}

/*
 * The guest maps the memory Device-nGnRE at stage 1. Over S2 Device the
 * stricter Device wins; over S2 Normal-NC, FWB MemAttr 0b0101 keeps the
 * guest's Device (row 17: "the VM may select DEVICE_*"). Over S2 Normal, FWB
 * forces Normal-WB; without FWB the combination is Device. QEMU checks
 * Device alignment per stage (docs/qemu-tcg.md section 2), so under TCG a
 * stage-1 Device mapping faults whatever stage 2 says.
 */
struct expect_attr expect_device_s1_device(const struct kernel_facts *kf,
					   unsigned int vma, int map_memory)
{
	struct expect_attr s2 = expect_device_attr(kf, vma, map_memory);

	if (!s2.known)
		return s2;
	switch (s2.attr) {
	case S2_ATTR_DEVICE:
		return make_attr(S2_ATTR_DEVICE, true, "row 17: S1 Device "
				 "over S2 Device is Device");
	case S2_ATTR_NORMAL_NC:
		return make_attr(S2_ATTR_DEVICE, true, "row 17: over S2 Normal-NC "
				 "the guest's S1 Device type is kept");
	case S2_ATTR_NORMAL:
		break;
	}
	if (kf->tcg)
		return make_attr(S2_ATTR_DEVICE, true, "docs/qemu-tcg.md section 2: TCG "
				 "checks S1 Device alignment before combining");
	if (kf->fwb < 0)
		return make_attr(S2_ATTR_DEVICE, false, "rows 14/23: S1 Device over S2 "
				 "Normal depends on FWB, which is unknown");
	if (kf->fwb)
		return make_attr(S2_ATTR_NORMAL, true, "rows 14/23: FWB MemAttr 0b0110 "
				 "forces Normal-WB over S1 Device");
	return make_attr(S2_ATTR_DEVICE, true, "rows 14/23: without FWB S1 Device "
			 "wins over S2 Normal");
}

/* Rows 13/16: MTE refuses every shared device mapping. */
struct expect expect_device_create(const struct kernel_facts *kf,
				   unsigned int vma, bool mte)
{
	const char *row = vma & VMA_DEVICE ? "16" : "13";
	struct expect e = expect_slot_create(kf, vma, mte);

	if (!mte)
		return make_expect(e.out, "row %s: device memory makes a "
				   "memslot without MTE", row);
	if (e.out.err)
		return make_expect(e.out, "row %s: an MTE VM refuses a "
				   "VM_SHARED device mapping (no "
				   "VM_MTE_ALLOWED; %s)", row,
				   kf->feat_src[FEAT_MTE_MAP_SHARED]);
	return e;
}

/*
 * Row 19: kvm_arch_prepare_memory_region() refuses dirty logging on
 * VM_PFNMAP. DAX VMAs are not VM_PFNMAP, so they may log (row 13).
 */
struct expect expect_device_dirty_log(unsigned int vma)
{
	if (vma & VMA_PFNMAP)
		return make_expect(out_ret(-EINVAL), "row 19: a VM_PFNMAP "
				   "slot cannot log dirty pages");
	return make_expect(out_ret(0), "row 13: DAX VMAs are not VM_PFNMAP, "
			   "so dirty logging is allowed");
}

/* Rows 15/18: only Normal(-WB) is mapped executable. */
struct expect expect_device_exec(const struct kernel_facts *kf,
				 unsigned int vma, int map_memory)
{
	struct expect_attr a = expect_device_attr(kf, vma, map_memory);
	const char *row = vma & VMA_DEVICE ? "18" : "15";
	struct expect e;

	if (!a.known) {
		e = make_expect(out_error("unknown"), "row %s: %s", row,
				a.reason);
		e.unknown = true;
		return e;
	}
	if (a.attr == S2_ATTR_NORMAL)
		return make_expect(out_value(GUEST_EXEC_MAGIC), "row %s: "
				   "Normal at stage 2 executes (%s)", row,
				   a.reason);
	return make_expect(out_fault(EC_IABT_CUR, FSC_SEA), "row %s: exec "
			   "on %s injects SEA-IABT (%s)", row,
			   s2_attr_name(a.attr), a.reason);
}

/*
 * Row 20: clearing PCI_COMMAND.MEMORY zaps the BAR mmap; the refault gets
 * VM_FAULT_SIGBUS from vfio, fixup_user_fault() -EFAULT, KVM_RUN -EFAULT.
 */
struct expect expect_device_decode_off(void)
{
	return make_expect(out_run_errno(EFAULT), "row 20: with memory "
			   "decode off vfio refuses the refault: KVM_RUN "
			   "fails with EFAULT");
}

/* Decode back on: vfio's fault handler maps the BAR again, data kept. */
struct expect expect_device_decode_on(uint64_t stored)
{
	return make_expect(out_value(stored), "row 20: with decode back on "
			   "the BAR refaults and still holds the guest's "
			   "data");
}

struct expect expect_device_host_sees(uint64_t words)
{
	return make_expect(out_value(words), "rows 13/16: the host mapping "
			   "sees every guest store (index of first mismatch)");
}

struct expect expect_device_guest_sees(uint64_t words)
{
	return make_expect(out_value(words), "rows 13/16: the guest sees "
			   "every host store (index of first mismatch)");
}

struct expect expect_device_read_path(uint64_t words)
{
	return make_expect(out_value(words), "rows 13/16: guest stores reach "
			   "the device's memory (index of first mismatch)");
}
