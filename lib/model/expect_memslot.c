// SPDX-License-Identifier: GPL-2.0
/*
 * expect_memslot.c - RAM memslots: what creation, exec, read-only slots,
 * mprotect, MADV_DONTNEED and slot delete must do (rows 1-3, 5-9, 12,
 * 33-38). PFNMAP VMAs follow expect_pfnmap.c's rules.
 */
#include <errno.h>

#include "expect_gmem.h"
#include "expect_memslot.h"
#include "expect_pfnmap.h"

/* VM_MTE_ALLOWED as arch_calc_vm_flag_bits() computes it. */
static bool mte_allowed(const struct kernel_facts *kf, unsigned int vma)
{
	if (vma & VMA_PFNMAP)
		return false;
	if ((vma & VMA_HUGETLB) && !kf->feat[FEAT_MTE_HUGETLB])
		return false;
	return (vma & (VMA_ANON | VMA_SHMEM | VMA_HUGETLB)) != 0;
}

/* Rows 1, 6, 7, 9, 12: kvm_arch_prepare_memory_region(). */
struct expect expect_slot_create(const struct kernel_facts *kf,
				 unsigned int vma, bool mte)
{
	if (vma & VMA_GMEM)
		return expect_gmem_slot(kf, vma, 0, mte);
	/* Rows 16/22/26/28: VM_PFNMAP has its own rules (expect_pfnmap.c). */
	if (vma & VMA_PFNMAP)
		return expect_pfnmap_create(kf, vma, mte,
					    kf->cap_cacheable_pfnmap);
	if (!mte && (vma & VMA_SECRETMEM))
		return make_expect(out_ret(0), "row 32: the slot is made; GUP "
				   "meets secretmem only at fault time");
	if (!mte)
		return make_expect(out_ret(0), "rows 1/9: any VMA makes a slot "
			      "without MTE");
	if (!kf->feat[FEAT_MTE_MAP_SHARED]) {
		if (vma & VMA_SHARED)
			return make_expect(out_ret(-EINVAL), "row 9: MTE VMs "
				      "refuse VM_SHARED slots before 6.2");
		return make_expect(out_ret(0), "rows 1/6/12: before 6.2 only "
			      "VM_SHARED is refused with MTE");
	}
	if (mte_allowed(kf, vma))
		return make_expect(out_ret(0), "rows 1/7/9: VMA has "
			      "VM_MTE_ALLOWED (%s)",
			      kf->feat_src[FEAT_MTE_MAP_SHARED]);
	return make_expect(out_ret(-EINVAL), "rows 6/7/12: no VM_MTE_ALLOWED on "
		      "this VMA (%s; hugetlb %s)",
		      kf->feat_src[FEAT_MTE_MAP_SHARED],
		      kf->feat_src[FEAT_MTE_HUGETLB]);
}

/* Rows 3 and 8: cacheable RAM is mapped executable on fault. */
struct expect expect_exec(const struct kernel_facts *kf, unsigned int vma)
{
	/* Rows 18/21/24/27/29: X only on what KVM maps Normal. */
	if (vma & VMA_PFNMAP)
		return expect_pfnmap_exec(kf, vma, false,
					  kf->cap_cacheable_pfnmap);
	return make_expect(out_value(GUEST_EXEC_MAGIC), "rows 3/8: Normal "
		      "memory is executable at stage 2");
}

/* Row 34: io_mem_abort() on a KVM_MEM_READONLY slot. */
struct expect expect_ro_slot_store(bool has_syndrome, uint64_t gpa)
{
	if (has_syndrome)
		return make_expect(out_exit(KVM_EXIT_MMIO, gpa, true), "row 34: a "
			      "store with ISV=1 to a RO slot exits as MMIO");
	return make_expect(out_run_errno(ENOSYS), "row 34: no syndrome and no "
		      "NISV cap: KVM_RUN fails with ENOSYS");
}

/* Rows 33/35, I2: GUP with FOLL_WRITE fails on a read-only VMA. */
struct expect expect_mprotect_ro_store(void)
{
	return make_expect(out_run_errno(EFAULT), "rows 33/35: store after "
		      "mprotect(PROT_READ) fails KVM_RUN with EFAULT");
}

/* Rows 36/37, I4: what a load sees after MADV_DONTNEED. */
struct expect expect_dontneed_load(unsigned int vma, uint64_t old_data,
				   uint64_t file_data)
{
	if (vma & VMA_SHARED)
		return make_expect(out_value(old_data), "row 37: shared pages "
			      "survive MADV_DONTNEED (only PTEs drop)");
	if (vma & (VMA_FILE | VMA_SHMEM))
		return make_expect(out_value(file_data), "row 36: private CoW "
			      "copies drop; the file's data shows again");
	return make_expect(out_value(0), "row 36: private anonymous memory "
		      "reads zero after MADV_DONTNEED");
}

/* Row 38, I5: no slot, no stale translation. */
struct expect expect_deleted_load(uint64_t gpa)
{
	return make_expect(out_exit(KVM_EXIT_MMIO, gpa, false), "row 38: a load "
		      "from a deleted slot exits as MMIO at its IPA");
}

struct expect expect_deleted_exec(void)
{
	return make_expect(out_fault(EC_IABT_CUR, FSC_SEA), "row 38: fetch from "
		      "a deleted slot injects SEA-IABT");
}

/* Slot creation with flags (KVM_MEM_*): guest_memfd has its own rules. */
struct expect expect_slot_create_flags(const struct kernel_facts *kf,
				       unsigned int vma, uint32_t flags,
				       bool mte)
{
	if (vma & VMA_GMEM)
		return expect_gmem_slot(kf, vma, flags, mte);
	return expect_slot_create(kf, vma, mte);
}

/* Rows 33/35 (I2), or guest_memfd's row 48 rule. */
struct expect expect_mprotect_ro_store_kind(unsigned int vma)
{
	if (vma & VMA_GMEM)
		return expect_gmem_mprotect_ro_store();
	return expect_mprotect_ro_store();
}

struct expect expect_rw_host_sees(uint64_t words)
{
	return make_expect(out_value(words), "row 2: host sees every guest "
			   "store (index of first mismatch)");
}

struct expect expect_rw_guest_sees(uint64_t words)
{
	return make_expect(out_value(words), "row 2: guest sees every host "
			   "store (index of first mismatch)");
}

struct expect expect_ro_slot_load(uint64_t backing)
{
	return make_expect(out_value(backing), "row 34: loads from a RO slot "
			   "read the backing");
}

/* Loads see the last store the store's expectation lets through. */
struct expect expect_mprotect_ro_load(const struct expect *store,
				      uint64_t stored, uint64_t old)
{
	struct outcome done = out_value(0);

	return make_expect(out_value(outcome_match(&done, &store->out) ?
				     stored : old),
			   "row 33: loads still work");
}

struct expect expect_mprotect_rw_store(void)
{
	return make_expect(out_value(0), "I2: stores work again once the "
			   "VMA is writable");
}

/*
 * Row 50: the walk takes a stage-2 fault on the table page (S1PTW).
 * With erratum 834220's workaround on, 7.2's __hpfar_valid() sends it
 * to the AT re-walk, which needs that very page, fails, and returns to
 * the guest: the vCPU retries forever. 6.12 read HPFAR for S1PTW faults.
 */
struct expect expect_s1_table_refault(const struct kernel_facts *kf,
				      uint64_t data)
{
	struct expect e;

	if (!kf->feat[FEAT_S1PTW_REWALK] || kf->erratum_834220 == 0)
		return make_expect(out_value(data), "row 50: KVM maps the "
				   "table page on the S1PTW fault from HPFAR "
				   "(%s; erratum 834220 workaround %s) and "
				   "the load completes",
				   kf->feat_src[FEAT_S1PTW_REWALK],
				   kf->erratum_834220 ? "on" : "off");
	if (kf->erratum_834220 < 0) {
		e = make_expect(out_value(data), "row 50: whether the "
				"erratum 834220 workaround is on needs the "
				"boot log's CPU features, unread here");
		e.unknown = true;
		return e;
	}
	return make_defect(out_stall(), "row 50: "
			   "__hpfar_valid() sends the S1PTW fault to the "
			   "erratum 834220 AT re-walk, which fails on the same "
			   "unmapped table page: the vCPU livelocks (%s)",
			   kf->feat_src[FEAT_S1PTW_REWALK]);
}
