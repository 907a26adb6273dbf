// SPDX-License-Identifier: GPL-2.0
/* unit_memtype.c - the classifier against TCG's and hardware's answers. */
#include <errno.h>

#include "memtype.h"
#include "unit.h"

static const struct outcome done = { .kind = OUT_COMPLETED };
static const struct outcome align = { .kind = OUT_GUEST_FAULT,
				      .ec = EC_DABT_CUR,
				      .fsc = FSC_ALIGNMENT };
static const struct outcome efault = { .kind = OUT_RUN_ERRNO,
				       .err = EFAULT };
static const struct outcome enosys = { .kind = OUT_RUN_ERRNO,
				       .err = ENOSYS };

UNIT(normal_when_nothing_faults)
{
	CHECK(memtype_classify(&done, &done, &done, true) == MEMTYPE_NORMAL);
	CHECK(memtype_classify(&done, &done, &done, false) ==
	      MEMTYPE_NORMAL);
}

/* docs/qemu-tcg.md §2 hole 4: EL1 fault on a TLB hit, EFAULT on a miss. */
UNIT(device_from_either_fault_route)
{
	CHECK(memtype_classify(&align, &align, &done, true) ==
	      MEMTYPE_DEVICE);
	CHECK(memtype_classify(&efault, &align, &done, true) ==
	      MEMTYPE_DEVICE);
	CHECK(memtype_classify(&efault, &efault, &done, true) ==
	      MEMTYPE_DEVICE);
}

UNIT(dc_zva_votes_only_on_hardware)
{
	CHECK(memtype_classify(&done, &done, &align, true) ==
	      MEMTYPE_NORMAL);
	CHECK(memtype_classify(&done, &done, &align, false) ==
	      MEMTYPE_UNKNOWN);
}

UNIT(mixed_or_odd_outcomes_are_unknown)
{
	CHECK(memtype_classify(&align, &done, &done, true) ==
	      MEMTYPE_UNKNOWN);
	CHECK(memtype_classify(&enosys, &enosys, &done, true) ==
	      MEMTYPE_UNKNOWN);
	CHECK(memtype_name(MEMTYPE_UNKNOWN)[0] == 'u');
}
