// SPDX-License-Identifier: GPL-2.0
/* unit_nested.c - an L2 through L1's stage 2 and its shadow (rows N0-N7). */
#include <errno.h>
#include <string.h>

#include "expect_nested.h"
#include "memtype.h"
#include "unit.h"

static struct kernel_facts nested_facts(void)
{
	struct kernel_facts kf = { .major = 7, .minor = 2, .cap_el2 = true,
				   .mode = KVM_MODE_NESTED, .tcg = 1,
				   .ipa_limit = 52 };

	return kf;
}

/* N0: only a nested-mode kernel with KVM_CAP_ARM_EL2 runs the cases. */
UNIT(nested_runs_only_in_nested_mode)
{
	struct kernel_facts kf = nested_facts();
	char why[200] = "";

	CHECK(nested_runs(&kf, why, sizeof(why)));
	kf.cap_el2 = false;
	kf.mode = KVM_MODE_VHE;
	CHECK(!nested_runs(&kf, why, sizeof(why)));
	CHECK(strstr(why, "KVM_CAP_ARM_EL2"));
	CHECK(strstr(why, "vhe"));
	CHECK(strstr(why, "row N0"));
}

/* N1/N2: what completes, and which fault L1 takes with which FSC. */
UNIT(nested_access_rows)
{
	struct expect e = expect_l2_access(L1_S2_NORMAL, L2_LOAD, 42);

	CHECK(e.out.kind == OUT_COMPLETED && e.out.value == 42);
	CHECK(strstr(e.reason, "row N1"));
	e = expect_l2_access(L1_S2_XN, L2_EXEC, 0);
	CHECK(e.out.kind == OUT_GUEST_FAULT && e.out.ec == EC_IABT_LOW);
	CHECK(FSC_IS_PERMISSION(e.out.fsc));
	CHECK(strstr(e.reason, "row N2") && strstr(e.reason, "XN"));
	e = expect_l2_access(L1_S2_XN, L2_LOAD, 7);
	CHECK(e.out.kind == OUT_COMPLETED && e.out.value == 7);
	e = expect_l2_access(L1_S2_RO, L2_STORE, 0);
	CHECK(e.out.ec == EC_DABT_LOW && FSC_IS_PERMISSION(e.out.fsc));
	e = expect_l2_access(L1_S2_RO, L2_LOAD, 9);
	CHECK(e.out.kind == OUT_COMPLETED && e.out.value == 9);
	e = expect_l2_access(L1_S2_NONE, L2_LOAD, 0);
	CHECK(e.out.ec == EC_DABT_LOW && FSC_IS_TRANSLATION(e.out.fsc));
	CHECK(!e.defect);
}

/* N3: L1's Device is lost in the shadow: a known defect, Normal seen. */
UNIT(nested_memtype_defect)
{
	struct kernel_facts kf = nested_facts();
	struct expect e = expect_l2_memtype(&kf, L1_S2_DEVICE);

	CHECK(e.defect);
	CHECK(e.out.value == MEMTYPE_NORMAL);
	CHECK(strstr(e.reason, "nested-s2-memattr"));
	e = expect_l2_memtype(&kf, L1_S2_NORMAL);
	CHECK(!e.defect && e.out.value == MEMTYPE_NORMAL);
	kf.mode = KVM_MODE_VHE;
	e = expect_l2_memtype(&kf, L1_S2_DEVICE);
	CHECK(!e.defect && e.out.value == MEMTYPE_DEVICE);
}

/* N4: after the host's op the shadow is gone; N7: when it can be run. */
UNIT(nested_unmap_rows)
{
	struct kernel_facts kf = nested_facts();
	struct expect e = expect_l2_after_unmap(true, L2_STORE, 0);
	char why[240] = "";

	CHECK(e.out.kind == OUT_RUN_ERRNO && e.out.err == EFAULT);
	e = expect_l2_after_unmap(false, L2_LOAD, 5);
	CHECK(e.out.kind == OUT_COMPLETED && e.out.value == 5);
	CHECK(strstr(e.reason, "kvm_nested_s2_unmap"));
	CHECK(!nested_unmap_feasible(&kf, why, sizeof(why)));
	CHECK(strstr(why, "row N7") && strstr(why, "2^22"));
	kf.ipa_limit = 48;
	CHECK(nested_unmap_feasible(&kf, why, sizeof(why)));
	kf.ipa_limit = 52;
	kf.tcg = 0;
	CHECK(nested_unmap_feasible(&kf, why, sizeof(why)));
}

/* N5 and N6. */
UNIT(nested_remap_and_mte)
{
	struct expect e = expect_l2_remapped(3, false);

	CHECK(e.out.value == 3 && strstr(e.reason, "IPAS2E1IS"));
	e = expect_l2_remapped(4, true);
	CHECK(e.out.value == 4 && strstr(e.reason, "VTTBR"));
	e = expect_l1_mte_field();
	CHECK(e.out.value == 0 && strstr(e.reason, "row N6"));
	CHECK(strstr(nested_mte_skip_reason(), "row N6"));
}
