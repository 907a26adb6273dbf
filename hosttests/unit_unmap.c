// SPDX-License-Identifier: GPL-2.0
/* unit_unmap.c - unmap expectations (rows 33-40), log facts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "expect_unmap.h"
#include "unit.h"

#define ANON		VMA_ANON
#define MEMFD		(VMA_SHARED | VMA_SHMEM)
#define HUGE_PRIV	(VMA_ANON | VMA_HUGETLB)
#define HUGE_SHARED	(VMA_SHARED | VMA_HUGETLB)

static struct kernel_facts facts(int major, int minor)
{
	struct kernel_facts kf = { .major = major, .minor = minor,
				   .fwb = -1, .tlbirange = -1 };

	facts_apply_versions(&kf);
	return kf;
}

UNIT(unmap_ops_apply_per_backing)
{
	CHECK(unmap_op_applies(UNMAP_PUNCH_HOLE, MEMFD));
	CHECK(unmap_op_applies(UNMAP_PUNCH_HOLE, HUGE_SHARED));
	CHECK(!unmap_op_applies(UNMAP_PUNCH_HOLE, ANON));
	CHECK(!unmap_op_applies(UNMAP_PUNCH_HOLE, HUGE_PRIV));
	CHECK(!unmap_op_applies(UNMAP_PUNCH_HOLE, VMA_SHMEM));
	CHECK(unmap_op_applies(UNMAP_MUNMAP, ANON));
	CHECK(unmap_op_applies(UNMAP_DONTNEED, HUGE_PRIV));
	CHECK(!unmap_op_applies(UNMAP_DONTNEED, VMA_PFNMAP));
	CHECK(unmap_op_applies(UNMAP_DELETE_SLOT, VMA_PFNMAP));
	CHECK(!strcmp(unmap_op_name(UNMAP_PUNCH_HOLE), "punch_hole"));
}

/* I1: which ops must leave the old page frozen, which re-fault. */
UNIT(unmap_old_page_frozen)
{
	CHECK(unmap_op_freezes_old_page(UNMAP_DONTNEED, ANON));
	CHECK(unmap_op_freezes_old_page(UNMAP_DONTNEED, HUGE_PRIV));
	CHECK(!unmap_op_freezes_old_page(UNMAP_DONTNEED, MEMFD));
	CHECK(!unmap_op_freezes_old_page(UNMAP_DONTNEED, HUGE_SHARED));
	CHECK(unmap_op_freezes_old_page(UNMAP_MUNMAP, MEMFD));
	CHECK(unmap_op_freezes_old_page(UNMAP_PUNCH_HOLE, MEMFD));
	CHECK(unmap_op_freezes_old_page(UNMAP_DELETE_SLOT, ANON));
	CHECK(unmap_op_freezes_old_page(UNMAP_MPROTECT_RO, ANON));
	CHECK(unmap_op_refaults(UNMAP_DONTNEED));
	CHECK(unmap_op_refaults(UNMAP_PUNCH_HOLE));
	CHECK(!unmap_op_refaults(UNMAP_MUNMAP));
	CHECK(!unmap_op_refaults(UNMAP_DELETE_SLOT));
	CHECK(expect_unmap_old_page(UNMAP_MUNMAP).out.value == 0);
	CHECK(strstr(expect_unmap_old_page(UNMAP_MUNMAP).reason, "I1"));
	CHECK(strstr(expect_unmap_old_page(UNMAP_DELETE_SLOT).reason, "I5"));
	CHECK(strstr(expect_unmap_new_page(UNMAP_DONTNEED).reason, "I1"));
}

/* Rows 33/35 (I2), 36/37 (I4), 38 (I5) and I3, per access. */
UNIT(unmap_access_rows)
{
	const uint64_t gpa = 0x40000000, own = 7, mark = 9;
	struct expect e;

	e = expect_unmap_access(UNMAP_MUNMAP, MEMFD, UA_LOAD_MARK, gpa, own,
				mark);
	CHECK(e.out.kind == OUT_RUN_ERRNO && e.out.err == EFAULT);
	CHECK(strstr(e.reason, "I3") != NULL);
	e = expect_unmap_access(UNMAP_MPROTECT_RO, ANON, UA_STORE, gpa, own,
				mark);
	CHECK(e.out.kind == OUT_RUN_ERRNO && e.out.err == EFAULT);
	e = expect_unmap_access(UNMAP_MPROTECT_RO, ANON, UA_LOAD_OWN, gpa,
				own, mark);
	CHECK(e.out.check_value && e.out.value == own);
	e = expect_unmap_access(UNMAP_DELETE_SLOT, ANON, UA_STORE, gpa + 8,
				own, mark);
	CHECK(e.out.kind == OUT_EXIT && e.out.write &&
	      e.out.addr == gpa + 8 && e.out.exit_reason == KVM_EXIT_MMIO);
	e = expect_unmap_access(UNMAP_DELETE_SLOT, ANON, UA_LOAD_MARK,
				gpa + 24, own, mark);
	CHECK(e.out.kind == OUT_EXIT && !e.out.write &&
	      e.out.addr == gpa + 24);
	e = expect_unmap_access(UNMAP_DONTNEED, ANON, UA_STORE, gpa, own,
				mark);
	CHECK(e.out.check_value && e.out.value == 0);
	e = expect_unmap_access(UNMAP_DONTNEED, ANON, UA_LOAD_OWN, gpa, own,
				mark);
	CHECK(e.out.value == own);
	e = expect_unmap_access(UNMAP_DONTNEED, ANON, UA_LOAD_MARK, gpa, own,
				mark);
	CHECK(e.out.check_value && e.out.value == 0);
	e = expect_unmap_access(UNMAP_DONTNEED, HUGE_PRIV, UA_LOAD_MARK, gpa,
				own, mark);
	CHECK(e.out.value == 0);
	e = expect_unmap_access(UNMAP_DONTNEED, MEMFD, UA_LOAD_MARK, gpa, own,
				mark);
	CHECK(e.out.value == mark);
	e = expect_unmap_access(UNMAP_DONTNEED, HUGE_SHARED, UA_LOAD_MARK,
				gpa, own, mark);
	CHECK(e.out.value == mark);
	e = expect_unmap_access(UNMAP_PUNCH_HOLE, MEMFD, UA_LOAD_MARK, gpa,
				own, mark);
	CHECK(e.out.check_value && e.out.value == 0);
	CHECK(strstr(e.reason, "row 37") != NULL);
	e = expect_unmap_restored(UA_STORE, own, mark);
	CHECK(e.out.check_value && e.out.value == 0);
	e = expect_unmap_restored(UA_LOAD_MARK, own, mark);
	CHECK(e.out.value == mark);
}

/* Row 39: exits while touching 512 pages after a second VCPU_INIT. */
UNIT(reinit_row_39)
{
	CHECK(reinit_classify(515, 3, 512) == REINIT_UNMAPPED);
	CHECK(reinit_classify(4, 3, 512) == REINIT_KEPT);
	CHECK(reinit_classify(2, 3, 512) == REINIT_KEPT);
	CHECK(reinit_classify(67, 3, 512) == REINIT_KEPT);
	CHECK(reinit_classify(300, 3, 512) == REINIT_MIXED);
	struct kernel_facts kf = facts(6, 12);

	kf.fwb = 1;
	CHECK(expect_vcpu_reinit(&kf).out.value == REINIT_KEPT);
	CHECK(strstr(expect_vcpu_reinit(&kf).reason, "row 39") != NULL);
	kf.fwb = 0;
	CHECK(expect_vcpu_reinit(&kf).out.value == REINIT_UNMAPPED);
	kf.fwb = -1;
	CHECK(expect_vcpu_reinit(&kf).out.kind == OUT_ERROR);
	CHECK(!strcmp(reinit_state_name(REINIT_KEPT), "stage2-kept"));
}

static uint64_t tlbi(struct kernel_facts *kf, int tlbirange, int fwb)
{
	kf->tlbirange = tlbirange;
	kf->fwb = fwb;
	return expect_unmap_tlbi(kf).out.value;
}

/* Row 40 per kernel: 6.1 always per page; 6.6+ range iff both. */
UNIT(tlbi_strategy_row_40)
{
	struct kernel_facts k61 = facts(6, 1), k612 = facts(6, 12);
	struct kernel_facts k72 = facts(7, 2);

	CHECK(tlbi(&k61, 1, 1) == TLBI_PER_PAGE);
	CHECK(tlbi(&k612, 1, 1) == TLBI_RANGE);
	CHECK(tlbi(&k72, 1, 1) == TLBI_RANGE);
	CHECK(tlbi(&k72, 0, 1) == TLBI_PER_PAGE);
	CHECK(tlbi(&k72, 1, 0) == TLBI_PER_PAGE);
	CHECK(strstr(expect_unmap_tlbi(&k72).reason, "FWB") != NULL);
	CHECK(tlbi(&k612, -1, 1) == TLBI_UNKNOWN);
	CHECK(tlbi(&k61, -1, -1) == TLBI_PER_PAGE);
}

/* Row 40 measured: what the kprobe counts of one unmap say. */
UNIT(tlbi_classified_from_kprobe_counts)
{
	CHECK(tlbi_classify(1, 1, 64) == TLBI_RANGE);
	CHECK(tlbi_classify(1, -1, 64) == TLBI_RANGE);
	CHECK(tlbi_classify(0, 65, 64) == TLBI_PER_PAGE);
	/* VHE code may not be probeable: an uncalled range path decides. */
	CHECK(tlbi_classify(0, -1, 64) == TLBI_PER_PAGE);
	CHECK(tlbi_classify(-1, 64, 64) == TLBI_PER_PAGE);
	CHECK(tlbi_classify(-1, -1, 64) == TLBI_UNKNOWN);
	/* Neither a range flush nor a flush per leaf: nothing to judge. */
	CHECK(tlbi_classify(0, 3, 64) == TLBI_UNKNOWN);
	CHECK(tlbi_classify(2, 64, 64) == TLBI_UNKNOWN);
}
