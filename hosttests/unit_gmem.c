// SPDX-License-Identifier: GPL-2.0
/* unit_gmem.c - guest_memfd and memfd_secret expectations (rows 32, 48). */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "expect_gmem.h"
#include "expect_memslot.h"
#include "expect_unmap.h"
#include "unit.h"

#define GMEM_SHARED	(VMA_SHARED | VMA_GMEM | VMA_GMEM_MMAP | \
			 VMA_GMEM_SHARED)
#define GMEM_MMAP_ONLY	(VMA_SHARED | VMA_GMEM | VMA_GMEM_MMAP)
#define GMEM_PRIVATE	VMA_GMEM
#define SECRET		(VMA_SHARED | VMA_SECRETMEM)

static struct kernel_facts facts(int major, int minor, bool gmem)
{
	struct kernel_facts kf = { .major = major, .minor = minor,
				   .fwb = -1, .tlbirange = -1,
				   .cap_gmem = gmem,
				   .gmem_flags = gmem ? 3 : 0 };

	facts_apply_versions(&kf);
	return kf;
}

static int err_of(struct expect e)
{
	return e.out.kind == OUT_ERRNO ? e.out.err : -1;
}

UNIT(gmem_slot_rules_follow_the_capability)
{
	struct kernel_facts k72 = facts(7, 2, true);
	/* A backport with guest_memfd, whatever its version says. */
	struct kernel_facts back = facts(6, 12, true);
	struct kernel_facts none = facts(7, 2, false);

	CHECK(err_of(expect_slot_create(&k72, GMEM_SHARED, false)) == 0);
	CHECK(err_of(expect_slot_create(&back, GMEM_SHARED, false)) == 0);
	CHECK(err_of(expect_slot_create(&none, GMEM_SHARED, false)) ==
	      EINVAL);
	CHECK(err_of(expect_slot_create(&k72, GMEM_MMAP_ONLY, false)) == 0);
	CHECK(err_of(expect_slot_create(&k72, GMEM_PRIVATE, false)) ==
	      EINVAL);
	/* Row 48 */
	CHECK(err_of(expect_slot_create(&k72, GMEM_SHARED, true)) == EINVAL);
	CHECK(strstr(expect_slot_create(&k72, GMEM_SHARED, true).reason,
		     "row 48"));
	CHECK(err_of(expect_gmem_mte_after_slot()) == EINVAL);
}

UNIT(gmem_refuses_readonly_and_dirty_logging)
{
	struct kernel_facts k72 = facts(7, 2, true);

	CHECK(err_of(expect_slot_create_flags(&k72, GMEM_SHARED,
					      KVM_MEM_READONLY, false)) ==
	      EINVAL);
	CHECK(err_of(expect_slot_create_flags(&k72, GMEM_SHARED,
					      KVM_MEM_LOG_DIRTY_PAGES,
					      false)) == EINVAL);
	/* Other kinds keep their own rules. */
	CHECK(err_of(expect_slot_create_flags(&k72, VMA_ANON,
					      KVM_MEM_READONLY, false)) == 0);
}

UNIT(gmem_file_flags_from_the_cap)
{
	struct kernel_facts k72 = facts(7, 2, true);

	CHECK(err_of(expect_gmem_file(&k72, 0)) == 0);
	CHECK(err_of(expect_gmem_file(&k72, GUEST_MEMFD_FLAG_MMAP |
				      GUEST_MEMFD_FLAG_INIT_SHARED)) == 0);
	CHECK(err_of(expect_gmem_file(&k72, 1ULL << 63)) == EINVAL);
	k72.gmem_flags = GUEST_MEMFD_FLAG_MMAP;
	CHECK(err_of(expect_gmem_file(&k72, GUEST_MEMFD_FLAG_INIT_SHARED)) ==
	      EINVAL);
}

UNIT(gmem_host_view_and_guest_faults)
{
	struct kernel_facts kf = facts(7, 2, true);
	const char *why;

	CHECK(err_of(expect_gmem_mmap(GMEM_SHARED)) == 0);
	CHECK(err_of(expect_gmem_mmap(GMEM_PRIVATE)) == ENODEV);
	CHECK(expect_gmem_host_touch(GMEM_SHARED).out.value == 0);
	CHECK(expect_gmem_host_touch(GMEM_MMAP_ONLY).out.value == SIGBUS);
	CHECK(err_of(expect_gmem_truncate()) == EINVAL);
	kf.dic = 1;
	CHECK(expect_gmem_exec_faults(&kf).out.value == 0);
	kf.dic = 0;
	CHECK(expect_gmem_exec_faults(&kf).out.value == 1);
	CHECK(!expect_block_mapped(GMEM_SHARED, true, &why));
	CHECK(strstr(why, "PAGE_SIZE"));
	CHECK(expect_block_mapped(VMA_ANON | VMA_THP, true, &why));
	CHECK(!expect_block_mapped(VMA_ANON, false, &why));
	CHECK(expect_mprotect_ro_store_kind(GMEM_SHARED).out.kind ==
	      OUT_COMPLETED);
	CHECK(expect_mprotect_ro_store_kind(VMA_ANON).out.kind ==
	      OUT_RUN_ERRNO);
	CHECK(!unmap_op_applies(UNMAP_MPROTECT_RO, GMEM_SHARED));
	CHECK(unmap_op_applies(UNMAP_PUNCH_HOLE, GMEM_SHARED));
}

UNIT(secretmem_slot_ok_access_efault)
{
	struct kernel_facts k61 = facts(6, 1, false);
	struct kernel_facts k72 = facts(7, 2, true);

	CHECK(err_of(expect_slot_create(&k61, SECRET, false)) == 0);
	CHECK(err_of(expect_slot_create(&k61, SECRET, true)) == EINVAL);
	CHECK(err_of(expect_slot_create(&k72, SECRET, true)) == EINVAL);
	CHECK(expect_secretmem_access().out.kind == OUT_RUN_ERRNO &&
	      expect_secretmem_access().out.err == EFAULT);
}

UNIT(row49_injected_from_7_2)
{
	struct kernel_facts k612 = facts(6, 12, false);
	struct kernel_facts k72 = facts(7, 2, true);
	struct expect e = expect_excl_atomic(&k72);

	CHECK(e.out.kind == OUT_GUEST_FAULT && e.out.fsc == FSC_EXCL_ATOMIC);
	e = expect_excl_atomic(&k612);
	CHECK(e.out.kind == OUT_RUN_ERRNO && e.out.err == EFAULT);
}

UNIT(mprotect_ro_load_follows_the_store)
{
	struct expect efault = expect_mprotect_ro_store_kind(VMA_ANON);
	struct expect done = expect_mprotect_ro_store_kind(GMEM_SHARED);

	CHECK(expect_mprotect_ro_load(&efault, 2, 1).out.value == 1);
	CHECK(expect_mprotect_ro_load(&done, 2, 1).out.value == 2);
	CHECK(expect_rw_host_sees(8).out.value == 8);
	CHECK(strstr(expect_rw_guest_sees(8).reason, "row 2"));
	CHECK(expect_mprotect_rw_store().out.kind == OUT_COMPLETED);
}
