// SPDX-License-Identifier: GPL-2.0
/*
 * tlbi_test - every stage-2 unmap path invalidates what it unmapped,
 * the way the kernel's own rule says (rows 40 and 61 of
 * docs/behaviours.md). Under QEMU TCG a stale translation practically
 * never shows, so the guest cannot tell; the host counts instead.
 *
 * The guest maps LEAVES host pages, one stage-2 leaf each; then the host
 * takes them away by munmap, MADV_DONTNEED, a hole punched in the file,
 * mprotect(PROT_READ), a slot delete or a migration, while kprobe events
 * (s2_watch.h) record the invalidations this process issues for those
 * IPAs: per IPA (__kvm_tlb_flush_vmid_ipa), by range
 * (__kvm_tlb_flush_vmid_range in VHE, its caller kvm_tlb_flush_vmid_range
 * in nVHE, where the former runs at EL2), of the whole VMID (__kvm_tlb_flush_vmid,
 * kvm_flush_remote_tlbs), and in protected mode the unmap handed to EL2
 * (pkvm_pgtable_stage2_unmap). Every page must be covered, by the kind
 * the rule names and no other.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "host_numa.h"
#include "kernel_facts.h"
#include "model/expect_unmap.h"
#include "model/s2map.h"
#include "probe.h"
#include "s2_watch.h"
#include "slot.h"
#include "suite.h"
#include "vm.h"

#define LEAVES		TLBI_MAX_PAGES	/* host pages, one leaf each */
#define TOUCH_VAL	0x746c6269746c6269ULL	/* "tlbitlbi" */
#define OP_MIGRATE	UNMAP_OP_NR	/* move_pages() of every page */

struct ctx {
	int op;			/* enum unmap_op, or OP_MIGRATE */
	struct backed_slot s;
	struct vcpu *vcpu;
};

static void check_unmap(struct ctx *f, struct result *res);
static void setup(struct ctx *f, const struct kase *k);

/* Anonymous memory for all but the hole, which needs a shared file. */
static const struct check checks[] = {
	{ "munmap", check_unmap, .kind = "anon_4k", .op = UNMAP_MUNMAP },
	{ "dontneed", check_unmap, .kind = "anon_4k", .op = UNMAP_DONTNEED },
	{ "punch_hole", check_unmap, .kind = "memfd_shared",
	  .op = UNMAP_PUNCH_HOLE },
	{ "mprotect_ro", check_unmap, .kind = "anon_4k",
	  .op = UNMAP_MPROTECT_RO },
	{ "delete_slot", check_unmap, .kind = "anon_4k",
	  .op = UNMAP_DELETE_SLOT },
	{ "migrate", check_unmap, .kind = "anon_4k", .op = OP_MIGRATE },
};

SUITE(.name = "tlbi_test",
      .summary = "every stage-2 unmap path invalidates each unmapped page, "
		 "by range iff TLBIRANGE and FWB (rows 40, 61)",
      .kinds = KINDS("anon_4k", "memfd_shared"),
      CHECKS(checks), CTX(struct ctx, setup));

/* Guest code: guest_touch() from the guest runtime. */

/* Host code */

static void setup(struct ctx *f, const struct kase *k)
{
	f->op = k->check->op;
	backed_slot_init(&f->s, k->ops, LEAVES * host_page());
	backed_slot_add(&f->s, NULL, 0, MAP_MT(MT_NORMAL));
	f->vcpu = vcpu_add(f->s.vm);
}

/* Every page to the other node: one MMU-notifier unmap per page. */
static int migrate_all(struct ctx *f)
{
	int from = host_page_node(f->s.b.hva), to, status, ret;
	uint64_t i;

	to = from < 0 ? -1 : host_numa_other(from);
	if (to < 0)
		test_skip_env("NUMA", "one NUMA node: nowhere to migrate to");
	for (i = 0; i < LEAVES; i++) {
		ret = host_page_migrate((char *)f->s.b.hva + i * host_page(),
					to, &status);
		if (ret)
			return ret;
		if (status == -ENOMEM)
			test_skip("node %d has no free memory (ENOMEM)", to);
		if (status != to)
			test_fail("move_pages left page %llu on node %d",
				  (unsigned long long)i, status);
	}
	return 0;
}

static int do_op(struct ctx *f, int op)
{
	if (op == OP_MIGRATE)
		return migrate_all(f);
	if (op == UNMAP_DELETE_SLOT)
		return vm_delete_slot(f->s.vm, f->s.slot);
	return backing_unmap(&f->s.b, f->s.size, op);
}

static void count_diag(struct result *res, const struct tlbi_count *c)
{
	result_diag(res, "%u leaves at 0x%llx: per-IPA %ld (+%ld for "
		    "tables), range %ld, whole-VMID %ld + remote %ld, EL2 "
		    "unmap %ld (-1: not probed in this mode)", c->pages,
		    (unsigned long long)c->ipa, c->n[TLBI_K_IPA], c->table_ipa,
		    c->n[TLBI_K_RANGE], c->n[TLBI_K_VMID], c->n[TLBI_K_REMOTE],
		    c->n[TLBI_K_EL2_UNMAP]);
}

static void check_unmap(struct ctx *f, struct result *res)
{
	const struct kernel_facts *kf = f->s.kf;
	struct expect e = expect_unmap_invalidation(kf);
	struct tlbi_count c;
	struct s2_watch w;
	char seen[128];
	int ret;

	if (e.unknown)
		test_skip("%s", e.reason);
	vcpu_call(f->vcpu, guest_touch, f->s.gpa, f->s.size, host_page(), 1,
		  TOUCH_VAL);
	if (!s2_watch_tlbi_start(&w, kf, f->s.gpa, LEAVES))
		test_skip("no stage-2 invalidation can be counted (%s mode): "
			  "%s", kvm_mode_name(kf->mode), w.why);
	ret = do_op(f, f->op);
	s2_watch_tlbi_read(&w, &c);
	if (ret)
		test_fail("the unmap failed: %s", strerror(-ret));
	count_diag(res, &c);
	tlbi_count_name(&c, seen, sizeof(seen));
	result_check(res, !strcmp(seen, tlbi_want_name(e.out.value)), seen,
		     tlbi_want_name(e.out.value), e.reason);
}
