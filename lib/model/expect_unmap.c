// SPDX-License-Identifier: GPL-2.0
/*
 * expect_unmap.c - what the guest sees once a stage-2 unmap path has run
 * (invariants I1-I6, rows 33-40). Pure
 * logic, no KVM: host unit tests link it on x86.
 */
#include <errno.h>

#include "expect_memslot.h"
#include "expect_unmap.h"

const char *unmap_op_name(enum unmap_op op)
{
	static const char *const names[UNMAP_OP_NR] = {
#define UNMAP_NAME(op, name)	[UNMAP_##op] = name,
		UNMAP_OP_TABLE(UNMAP_NAME)
#undef UNMAP_NAME
	};

	return op < UNMAP_OP_NR ? names[op] : "?";
}

/* A hole punched in a file a private mapping copied from is not an unmap. */
bool unmap_op_applies(enum unmap_op op, unsigned int vma)
{
	/*
	 * gmem_abort() never looks at the VMA: what the host does to its
	 * own view of a guest_memfd leaves the guest's memory alone.
	 */
	if (vma & VMA_GMEM)
		return op == UNMAP_PUNCH_HOLE || op == UNMAP_DELETE_SLOT;
	if (op == UNMAP_PUNCH_HOLE)
		return (vma & VMA_SHARED) &&
		       (vma & (VMA_SHMEM | VMA_HUGETLB | VMA_FILE));
	if (vma & VMA_PFNMAP)
		return op == UNMAP_DELETE_SLOT || op == UNMAP_MUNMAP;
	return op < UNMAP_OP_NR;
}

/*
 * I1: once the op returns, no guest store may change the page the slot
 * had. MADV_DONTNEED on a shared mapping only drops PTEs: the guest
 * re-faults the very same page, so that one is not frozen (row 37).
 */
bool unmap_op_freezes_old_page(enum unmap_op op, unsigned int vma)
{
	if (op == UNMAP_DONTNEED)
		return !(vma & VMA_SHARED);
	return op < UNMAP_OP_NR;
}

/* The slot stays usable: the next access re-faults a page and completes. */
bool unmap_op_refaults(enum unmap_op op)
{
	return op == UNMAP_DONTNEED || op == UNMAP_PUNCH_HOLE;
}

static struct expect access_munmap(void)
{
	return make_expect(out_run_errno(EFAULT), "I3: no VMA behind "
			   "the slot once munmap returns: KVM_RUN fails with "
			   "EFAULT");
}

static struct expect access_mprotect(enum unmap_access a, uint64_t own_sum,
				     uint64_t mark_sum)
{
	if (a == UA_STORE)
		return expect_mprotect_ro_store();
	return make_expect(out_value(a == UA_LOAD_OWN ? own_sum : mark_sum),
			   "row 33, I2: loads still work under PROT_READ and "
			   "read the data frozen when mprotect returned");
}

static struct expect access_delete(enum unmap_access a, uint64_t addr)
{
	if (a == UA_STORE)
		return make_expect(out_exit(KVM_EXIT_MMIO, addr, true),
				   "row 38, I5: a store to a deleted slot "
				   "exits as MMIO at its IPA");
	return expect_deleted_load(addr);
}

static struct expect access_refault(enum unmap_op op, unsigned int vma,
				    enum unmap_access a, uint64_t own_sum,
				    uint64_t mark_sum)
{
	const char *what = unmap_op_name(op);

	if (a == UA_STORE)
		return make_expect(out_value(0), "rows 36/37: after %s the "
				   "guest re-faults and every store completes "
				   "(1 + first page missed)", what);
	if (a == UA_LOAD_OWN)
		return make_expect(out_value(own_sum), "rows 36/37: after %s "
				   "the guest reads back its own later stores",
				   what);
	if (op == UNMAP_PUNCH_HOLE)
		return make_expect(out_value(0), "row 37, I4: PUNCH_HOLE "
				   "frees the page; the guest reads zeroes");
	return expect_dontneed_load(vma, mark_sum, 0);
}

/*
 * A guest access started after the op returned. addr is the IPA it
 * touches first; own_sum/mark_sum are the sums the loads would see if
 * the op left the data alone.
 */
struct expect expect_unmap_access(enum unmap_op op, unsigned int vma,
				  enum unmap_access a, uint64_t addr,
				  uint64_t own_sum, uint64_t mark_sum)
{
	switch (op) {
	case UNMAP_MUNMAP:
		return access_munmap();
	case UNMAP_MPROTECT_RO:
		return access_mprotect(a, own_sum, mark_sum);
	case UNMAP_DELETE_SLOT:
		return access_delete(a, addr);
	case UNMAP_DONTNEED:
	case UNMAP_PUNCH_HOLE:
		return access_refault(op, vma, a, own_sum, mark_sum);
	case UNMAP_OP_NR:
		break;
	}
	return make_expect(out_error("unknown op %d", op), "no such op");
}

/* I2, second half: after mprotect(PROT_READ|PROT_WRITE). */
struct expect expect_unmap_restored(enum unmap_access a, uint64_t own_sum,
				    uint64_t mark_sum)
{
	if (a == UA_STORE)
		return make_expect(out_value(0), "I2 (row 35): stores work "
				   "again once the VMA is writable (1 + first "
				   "page missed)");
	return make_expect(out_value(a == UA_LOAD_OWN ? own_sum : mark_sum),
			   "I2 (row 35): loads after PROT_WRITE is back see "
			   "the latest stores");
}

/* Counted: old-page words changed after the op, or newer than it. */
struct expect expect_unmap_old_page(enum unmap_op op)
{
	if (op == UNMAP_MPROTECT_RO)
		return make_expect(out_value(0), "I2 (row 35): no guest store "
				   "lands while the VMA is PROT_READ (words "
				   "written after mprotect returned)");
	if (op == UNMAP_DELETE_SLOT)
		return make_expect(out_value(0), "I1/I5 (row 38): no guest "
				   "store reaches the old page once the delete "
				   "returns (words written after it)");
	return make_expect(out_value(0), "I1: no guest store reaches "
			   "the old page once %s returns (words written after "
			   "it)", unmap_op_name(op));
}

/* Counted: pages of the current mapping a later store did not reach. */
struct expect expect_unmap_new_page(enum unmap_op op)
{
	if (op == UNMAP_MPROTECT_RO)
		return make_expect(out_value(0), "I2 (row 35): once PROT_WRITE "
				   "is back the host sees every later guest "
				   "store (pages missing one)");
	return make_expect(out_value(0), "I1 (rows 36/37): after %s every "
			   "guest store lands in the page the host maps now, "
			   "none in a stale one (pages missing one)",
			   unmap_op_name(op));
}

const char *reinit_state_name(enum reinit_state s)
{
	switch (s) {
	case REINIT_KEPT:
		return "stage2-kept";
	case REINIT_UNMAPPED:
		return "stage2-unmapped";
	case REINIT_MIXED:
		break;
	}
	return "mixed";
}

/*
 * exits: vCPU exits while touching `pages` host pages after the re-init;
 * baseline: the same touch with stage 2 known to be populated. A
 * dropped stage 2 costs one fault per page, a kept one none.
 */
enum reinit_state reinit_classify(uint64_t exits, uint64_t baseline,
				  uint64_t pages)
{
	uint64_t extra = exits > baseline ? exits - baseline : 0;

	if (extra >= pages)
		return REINIT_UNMAPPED;
	if (extra <= pages / 8)
		return REINIT_KEPT;
	return REINIT_MIXED;
}

/* Row 39; FWB comes from the boot log (kf->fwb). */
struct expect expect_vcpu_reinit(const struct kernel_facts *kf)
{
	if (kf->fwb > 0)
		return make_expect(out_value(REINIT_KEPT), "row 39: with FWB "
				   "a second KVM_ARM_VCPU_INIT only "
				   "invalidates the I-cache; stage 2 stays "
				   "(FWB: kernel log)");
	if (!kf->fwb)
		return make_expect(out_value(REINIT_UNMAPPED), "row 39: "
				   "without FWB a second KVM_ARM_VCPU_INIT "
				   "unmaps every non-PFNMAP slot "
				   "(stage2_unmap_vm)");
	return make_expect(out_error("FWB unknown"), "row 39: depends on "
			   "FWB, which the kernel log does not establish");
}

/*
 * I2: mprotect(PROT_READ) and back drops stage 2 on every kernel, so the
 * exits counter must call it unmapped, or row 39's verdict means nothing.
 */
struct expect expect_reinit_calibration(void)
{
	return make_expect(out_value(REINIT_UNMAPPED), "I2: the exits "
			   "counter sees a known stage-2 unmap");
}

const char *tlbi_strategy_name(enum tlbi_strategy s)
{
	switch (s) {
	case TLBI_PER_PAGE:
		return "per-page";
	case TLBI_RANGE:
		return "range";
	case TLBI_UNKNOWN:
		break;
	}
	return "unknown";
}

/*
 * The range path calls kvm_tlb_flush_vmid_range() once per <= 1 GiB after
 * the walk; the per-leaf path calls __kvm_tlb_flush_vmid_ipa() per leaf
 * (both paths also flush per freed table, so a few IPA calls are noise).
 */
enum tlbi_strategy tlbi_classify(long range_calls, long ipa_calls,
				 uint64_t leaves)
{
	bool many_ipa = ipa_calls >= 0 && (uint64_t)ipa_calls >= leaves;

	if (range_calls > 0)
		return many_ipa ? TLBI_UNKNOWN : TLBI_RANGE;
	if (many_ipa || (range_calls == 0 && ipa_calls < 0))
		return TLBI_PER_PAGE;
	/* No range function and no IPA count: nothing was seen at all. */
	return TLBI_UNKNOWN;
}

/*
 * Row 40: how the unmap walker invalidates. The range-TLBI series is in
 * "KVM/arm64 updates for Linux 6.6"; from then on leaf TLBIs are
 * deferred to one range TLBI per <= 1 GiB chunk iff the CPU has
 * TLBIRANGE and FWB (stage2_unmap_defer_tlb_flush()); both come from the
 * boot log (kf->tlbirange, kf->fwb: 1, 0, or -1 unknown).
 */
struct expect expect_unmap_tlbi(const struct kernel_facts *kf)
{
	int tlbirange = kf->tlbirange, fwb = kf->fwb;

	if (!version_at_least(kf, 6, 6))
		return make_expect(out_value(TLBI_PER_PAGE), "row 40: before "
				   "6.6 the unmap walker issues one TLBI IPA "
				   "per leaf");
	if (tlbirange < 0 || fwb < 0)
		return make_expect(out_value(TLBI_UNKNOWN), "row 40: 6.6+ "
				   "needs TLBIRANGE and FWB for range TLBI; "
				   "the kernel log does not say (TLBIRANGE %d, "
				   "FWB %d)", tlbirange, fwb);
	if (tlbirange && fwb)
		return make_expect(out_value(TLBI_RANGE), "row 40: 6.6+ with "
				   "TLBIRANGE and FWB defers leaf TLBIs to one "
				   "range TLBI per <= 1 GiB chunk");
	return make_expect(out_value(TLBI_PER_PAGE), "row 40: 6.6+ without "
			   "%s keeps one TLBI per leaf", tlbirange ? "FWB" :
			   fwb ? "TLBIRANGE" : "TLBIRANGE and FWB");
}
