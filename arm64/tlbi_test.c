// SPDX-License-Identifier: GPL-2.0
/*
 * tlbi_test - which TLB invalidation a stage-2 unmap uses (row 40 of
 * docs/behaviours.md): from 6.6 on, with TLBIRANGE and FWB, the
 * unmap walker defers its leaf TLBIs to one range TLBI per <= 1 GiB
 * (stage2_unmap_defer_tlb_flush()); otherwise one TLBI IPA per leaf.
 *
 * Measured with kprobe events on kvm_tlb_flush_vmid_range() (the range
 * path) and __kvm_tlb_flush_vmid_ipa() (the per-leaf path, where its code
 * can be probed) while a memslot of LEAVES host pages is deleted.
 */
#include <errno.h>
#include <string.h>

#include "backing.h"
#include "kernel_facts.h"
#include "model/expect_unmap.h"
#include "probe.h"
#include "slot.h"
#include "suite.h"
#include "vm.h"

#define LEAVES		64	/* host pages mapped, one stage-2 leaf each */
#define TOUCH_VAL	0x746c6269746c6269ULL	/* "tlbitlbi" */

static void check_delete_slot(struct ctx *ctx, struct result *res);

static const struct check checks[] = {
	{ "unmap/delete_slot", check_delete_slot, .single = true },
};

SUITE(.name = "tlbi_test",
      .summary = "a stage-2 unmap invalidates by range iff TLBIRANGE and "
		 "FWB (row 40)",
      CHECKS(checks));

/* Guest code: guest_touch() from the guest runtime. */

/* Host code */

static void check_delete_slot(struct ctx *ctx, struct result *res)
{
	struct expect e = expect_unmap_tlbi(kernel_facts());
	struct backed_slot s;
	enum tlbi_strategy seen;
	struct vcpu *vcpu;
	long range, ipa;
	char why[160];

	if (e.out.value == TLBI_UNKNOWN)
		test_skip("%s", e.reason);
	backed_slot_init(&s, backing_find("anon_4k"), LEAVES * host_page());
	backed_slot_add(&s, NULL, 0, MAP_MT(MT_NORMAL));
	vcpu = vcpu_add(s.vm);
	vcpu_call(vcpu, guest_touch, s.gpa, s.size, host_page(), 1,
		  TOUCH_VAL);
	vm_delete_slot_tlbi(s.vm, s.slot, &range, &ipa, why, sizeof(why));
	seen = tlbi_classify(range, ipa, LEAVES);
	result_diag(res, "deleting %d leaves: kvm_tlb_flush_vmid_range %ld "
		    "calls, __kvm_tlb_flush_vmid_ipa %ld calls (-1: not "
		    "probed%s%s)", LEAVES, range, ipa, why[0] ? ": " : "",
		    why);
	/* Both probes live and still no strategy: no leaf TLBI at all. */
	if (seen == TLBI_UNKNOWN && (range < 0 || ipa < 0))
		test_skip("neither TLBI path was seen (%s)", why);
	result_check(res, seen == e.out.value, seen == TLBI_UNKNOWN ?
		     "neither" : tlbi_strategy_name(seen),
		     tlbi_strategy_name(e.out.value), e.reason);
}
