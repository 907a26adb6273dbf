// SPDX-License-Identifier: GPL-2.0
/*
 * expect_gmem.c - guest_memfd and memfd_secret slots (rows 32,
 * 48, 49). Pure logic, no KVM: host unit tests link it on x86.
 *
 * Where guest_memfd exists is a capability, never a version: 6.1 and
 * 6.12 have no KVM_CAP_GUEST_MEMFD for arm64 VMs and their backings are
 * unavailable before any of this is asked.
 */
#include <errno.h>
#include <signal.h>

#include "expect_gmem.h"

/* Row 48: check_memory_region_flags(), then the arm64 rules. */
struct expect expect_gmem_slot(const struct kernel_facts *kf,
			       unsigned int vma, uint32_t flags, bool mte)
{
	if (!kf->cap_gmem)
		return make_expect(out_ret(-EINVAL), "row 48: without "
				   "KVM_CAP_GUEST_MEMFD KVM_MEM_GUEST_MEMFD "
				   "is not a valid memslot flag");
	if (flags & KVM_MEM_READONLY)
		return make_expect(out_ret(-EINVAL), "row 48: "
				   "check_memory_region_flags() never allows "
				   "KVM_MEM_READONLY with KVM_MEM_GUEST_MEMFD");
	if (flags & KVM_MEM_LOG_DIRTY_PAGES)
		return make_expect(out_ret(-EINVAL), "row 48: "
				   "check_memory_region_flags(): no dirty "
				   "logging of guest_memfd memory");
	if (!(vma & VMA_GMEM_MMAP))
		return make_expect(out_ret(-EINVAL), "row 48: arm64 takes only "
				   "guest_memfd-only (GUEST_MEMFD_FLAG_MMAP) "
				   "slots: no private-only CoCo VMs");
	if (mte)
		return make_expect(out_ret(-EINVAL), "row 48: "
				   "kvm_arch_prepare_memory_region(): "
				   "guest_memfd is incompatible with MTE");
	return make_expect(out_ret(0), "row 48: an mmap-able guest_memfd is a "
			   "guest_memfd-only slot, which arm64 accepts");
}

/* kvm_gmem_create(): flags beyond the VM's KVM_CAP_GUEST_MEMFD_FLAGS. */
struct expect expect_gmem_file(const struct kernel_facts *kf,
			       uint64_t flags)
{
	if (kf->gmem_flags < 0 || (flags & ~(uint64_t)kf->gmem_flags))
		return make_expect(out_ret(-EINVAL), "row 48: flags 0x%llx "
				   "outside KVM_CAP_GUEST_MEMFD_FLAGS 0x%llx",
				   (unsigned long long)flags,
				   (long long)kf->gmem_flags);
	return make_expect(out_ret(0), "row 48: flags 0x%llx are in "
			   "KVM_CAP_GUEST_MEMFD_FLAGS 0x%llx",
			   (unsigned long long)flags,
			   (long long)kf->gmem_flags);
}

/* kvm_gmem_mmap(): only GUEST_MEMFD_FLAG_MMAP files map at all. */
struct expect expect_gmem_mmap(unsigned int vma)
{
	if (vma & VMA_GMEM_MMAP)
		return make_expect(out_ret(0), "row 48: GUEST_MEMFD_FLAG_MMAP: "
				   "the VMM may mmap(MAP_SHARED) the file");
	return make_expect(out_ret(-ENODEV), "row 48: kvm_gmem_mmap() refuses "
			   "a file without GUEST_MEMFD_FLAG_MMAP");
}

/* kvm_gmem_mmap(): the file's folios are one set, so only MAP_SHARED. */
struct expect expect_gmem_mmap_private(void)
{
	return make_expect(out_ret(-EINVAL), "row 48: kvm_gmem_mmap() wants "
			   "VM_SHARED|VM_MAYSHARE: no MAP_PRIVATE view");
}

/* kvm_gmem_fault_user_mapping(): host faults need INIT_SHARED. */
struct expect expect_gmem_host_touch(unsigned int vma)
{
	if (vma & VMA_GMEM_SHARED)
		return make_expect(out_value(0), "row 48: INIT_SHARED memory is "
				   "shared: the host's mapping faults in "
				   "(signal 0)");
	return make_expect(out_value(SIGBUS), "row 48: without INIT_SHARED "
			   "the memory is private: a host fault is SIGBUS");
}

/* Row 48, the other order: KVM_CAP_ARM_MTE looks for gmem memslots. */
struct expect expect_gmem_mte_after_slot(void)
{
	return make_expect(out_ret(-EINVAL), "row 48: enabling "
			   "KVM_CAP_ARM_MTE fails once a guest_memfd memslot "
			   "exists");
}

/* kvm_gmem_setattr(): the size of a guest_memfd never changes. */
struct expect expect_gmem_truncate(void)
{
	return make_expect(out_ret(-EINVAL), "row 48: kvm_gmem_setattr() "
			   "refuses every size change, so truncate never "
			   "invalidates");
}

struct expect expect_gmem_truncate_kept(uint64_t words)
{
	return make_expect(out_value(words), "row 48: the guest's data "
			   "survives a refused truncate (first mismatch)");
}

/* kvm_gmem_get_pfn() clears a new folio before it is mapped. */
struct expect expect_gmem_cleared(uint64_t words)
{
	return make_expect(out_value(words), "row 48: a new guest_memfd folio "
			   "is cleared before the guest maps it (first "
			   "non-zero word)");
}

struct expect expect_gmem_guest_rw(uint64_t words)
{
	return make_expect(out_value(words), "row 48: the guest reads back "
			   "its own stores (first mismatch)");
}

/*
 * I4 on guest_memfd: kvm_gmem_punch_hole() invalidates stage 2 before it
 * returns, and the next fault gets a new, cleared folio.
 */
struct expect expect_gmem_punched(void)
{
	return make_expect(out_value(0), "I4, row 48: once PUNCH_HOLE returns "
			   "the guest reads the new, cleared page");
}

struct expect expect_gmem_punched_host(void)
{
	return make_expect(out_value(0), "row 48: the host's view of the "
			   "hole reads zero too");
}

/* Only the punched range is invalidated: its neighbours keep data. */
struct expect expect_gmem_punch_before(uint64_t words)
{
	return make_expect(out_value(words), "I4: the page before the hole "
			   "keeps its data (first mismatch)");
}

struct expect expect_gmem_punch_after(uint64_t words)
{
	return make_expect(out_value(words), "I4: the pages after the hole "
			   "keep their data (first mismatch)");
}

/*
 * gmem_abort() sets X on an exec fault, or on any fault when the CPU has
 * DIC: the first fetch after a data fault costs one permission fault
 * exactly when DIC is absent.
 */
struct expect expect_gmem_exec_faults(const struct kernel_facts *kf)
{
	if (kf->dic)
		return make_expect(out_value(0), "row 48: with DIC gmem_abort() "
				   "maps X on the data fault already: no "
				   "fault on the first fetch");
	return make_expect(out_value(1), "row 48: without DIC gmem_abort() "
			   "maps X only on an exec fault: one permission "
			   "fault on the first fetch");
}

/* Rows 33/35 are GUP's: gmem_abort() never looks at the VMA. */
struct expect expect_gmem_mprotect_ro_store(void)
{
	return make_expect(out_value(0), "row 48: gmem_abort() takes the pfn "
			   "from the file, not the VMA: the host's "
			   "mprotect(PROT_READ) leaves guest stores alone");
}

/* Rows 5/8 and 48: whether stage 2 maps the range as one block. */
bool expect_block_mapped(unsigned int vma, bool host_huge,
			 const char **reason)
{
	if (vma & VMA_GMEM) {
		*reason = "row 48: gmem_abort() maps PAGE_SIZE only (7.2), "
			  "whatever the folio size";
		return false;
	}
	if (host_huge) {
		*reason = "rows 5/8: a huge host mapping with co-aligned "
			  "HVA/GPA is mapped as a stage-2 block";
		return true;
	}
	*reason = "rows 2/5: host pages (and CONT_PTE hugetlb pages) are "
		  "mapped page by page";
	return false;
}

/* Row 32: the slot is fine, the fault's GUP is not. */
struct expect expect_secretmem_access(void)
{
	return make_expect(out_run_errno(EFAULT), "row 32: GUP refuses "
			   "secretmem pages: the guest's fault fails KVM_RUN "
			   "with EFAULT");
}

/* Row 49: an unsupported exclusive/atomic the CPU reported as FSC 0x35. */
struct expect expect_excl_atomic(const struct kernel_facts *kf)
{
	if (kf->feat[FEAT_EXCL_ATOMIC_INJECT])
		return make_expect(out_fault(EC_DABT_CUR, FSC_EXCL_ATOMIC),
				   "row 49: KVM injects the FSC 0x35 data "
				   "abort into the guest (%s)",
				   kf->feat_src[FEAT_EXCL_ATOMIC_INJECT]);
	return make_expect(out_run_errno(EFAULT), "row 49: \"Unsupported "
			   "FSC\": KVM_RUN fails with EFAULT (%s)",
			   kf->feat_src[FEAT_EXCL_ATOMIC_INJECT]);
}
