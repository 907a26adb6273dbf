// SPDX-License-Identifier: GPL-2.0
/* unit_outcome.c - outcome formatting and matching. */
#include <errno.h>
#include <string.h>

#include "outcome.h"
#include "unit.h"

static const char *fmt(struct outcome o)
{
	static char buf[256];

	outcome_format(&o, buf, sizeof(buf));
	return buf;
}

UNIT(outcome_formats_have_no_spaces)
{
	CHECK_STR(fmt(out_completed()), "completed");
	CHECK_STR(fmt(out_value(0x5a17)), "completed=0x5a17");
	CHECK_STR(fmt(out_fault(EC_IABT_CUR, FSC_SEA)), "guest:SEA-IABT");
	CHECK_STR(fmt(out_fault(EC_DABT_CUR, FSC_ALIGNMENT)),
		  "guest:alignment-fault");
	CHECK_STR(fmt(out_fault(EC_DABT_CUR, 0x35)),
		  "guest:EC=0x25,FSC=0x35");
	CHECK_STR(fmt(out_run_errno(EFAULT)), "KVM_RUN:EFAULT");
	CHECK_STR(fmt(out_exit(KVM_EXIT_MMIO, 0x40000000, true)),
		  "exit:MMIO-write@0x40000000");
	CHECK_STR(fmt(out_ret(-EINVAL)), "EINVAL");
	CHECK_STR(fmt(out_ret(0)), "OK");
	CHECK_STR(fmt(out_run_errno(4242)), "KVM_RUN:errno4242");
}

UNIT(outcome_match_compares_relevant_fields)
{
	struct outcome mmio = out_exit(KVM_EXIT_MMIO, 0x1000, false);
	struct outcome any_mmio = out_exit(KVM_EXIT_MMIO, 0, false);
	struct outcome v = out_value(7), c = out_completed();

	CHECK(outcome_match(&mmio, &mmio));
	CHECK(outcome_match(&mmio, &any_mmio));
	mmio.write = true;
	CHECK(!outcome_match(&mmio, &any_mmio));
	CHECK(outcome_match(&v, &c));
	CHECK(!outcome_match(&c, &v) || c.value == 7);
	v.value = 8;
	CHECK(!outcome_match(&v, &(struct outcome){ .kind = OUT_COMPLETED,
						   .check_value = true,
						   .value = 7 }));
	CHECK(!outcome_match(&(struct outcome){ .kind = OUT_RUN_ERRNO,
						.err = ENOSYS },
			     &(struct outcome){ .kind = OUT_RUN_ERRNO,
						.err = EFAULT }));
}

UNIT(errors_never_match)
{
	struct outcome e = out_error("x");

	CHECK(!outcome_match(&e, &e));
	CHECK(!strncmp(fmt(e), "error:x", 7));
}
