// SPDX-License-Identifier: GPL-2.0
/*
 * mte_lifetime_test - guest MTE tags survive what the host does to the
 * page behind them: a CoW break after fork, swap-out and swap-in, NUMA
 * migration; and KSM never merges pages of an MTE VM (while it does merge
 * the same pages without MTE, which shows KSM was really running).
 *
 * Rows 41-44 of docs/behaviours.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backing.h"
#include "kernel_facts.h"
#include "model/expect_mte.h"
#include "host_mem.h"
#include "host_numa.h"
#include "mte.h"
#include "probe.h"
#include "slot.h"
#include "suite.h"
#include "vm.h"

#define PAGE		host_page()
#define TAG		0xb
#define DATA		0x7a7a7a7a12345678ULL
#define KSM_PAGES	64
#define KSM_TIMEOUT_S	30
/* Pages ksmd scans per wake-up: a count, not a size; big enough that one
 * full scan covers the test VM in a few wake-ups. */
#define KSM_SCAN_BATCH	(KSM_PAGES * 64)

struct ctx {
	const struct kase *k;
	struct backing b;
	struct vm *vm;
	struct vcpu *vcpu;
	uint64_t gpa;
};

static void check_cow(struct ctx *f, struct result *res);
static void check_pageout(struct ctx *f, struct result *res);
static void check_migrate(struct ctx *f, struct result *res);
static void check_ksm(struct ctx *f, struct result *res);
static void check_pool_reuse(struct ctx *f, struct result *res);
static void setup(struct ctx *f, const struct kase *k);

static const struct check checks[] = {
	{ "cow_fork", check_cow, .kind = "anon_4k", .mte = true },
	{ "pageout", check_pageout, .kind = "anon_4k", .mte = true },
	{ "pageout", check_pageout, .kind = "memfd_shared", .mte = true },
	{ "migrate", check_migrate, .kind = "anon_4k", .mte = true },
	{ "migrate", check_migrate, .kind = "hugetlb_private", .mte = true },
	{ "pool_reuse", check_pool_reuse, .kind = "hugetlb_private",
	  .mte = true },
	{ "ksm_never_merges", check_ksm, .kind = "anon_4k", .mte = true },
	{ "ksm_control_no_mte", check_ksm, .kind = "anon_4k" },
};

SUITE(.name = "mte_lifetime_test",
      .summary = "MTE tags across CoW, swap, migration; KSM never merges "
		 "tagged pages",
      .kinds = KINDS("anon_4k", "memfd_shared", "hugetlb_private"),
      .by_check = true,
      CHECKS(checks), CTX(struct ctx, setup));

/* Guest code: lib/arm64/guest/mte.S and guest.c (guest_fill, guest_check). */

/* Host code */

static void setup(struct ctx *f, const struct kase *k)
{
	f->k = k;
}

/* The case's VM, its backing as a slot, and a vCPU. */
static void vm_slot(struct ctx *f)
{
	bool mte = f->k->check->mte;
	uint64_t size = backing_region_size(f->k->ops);

	f->vm = mte ? mte_vm_create() : vm_create(NULL);
	backing_create(f->k->ops, size, &f->b);
	f->gpa = vm_alloc_gpa(f->vm, size);
	slot_expect_accepted(f->k->ops, mte, vm_add_slot(f->vm, f->gpa, size,
							 f->b.hva, 0, NULL));
	if (mte)
		mte_map_tagged(f->vm, f->gpa, size);
	else
		vm_map(f->vm, f->gpa, f->gpa, size, MAP_MT(MT_NORMAL));
	f->vcpu = vcpu_add(f->vm);
}

/* Tag the first page and fill it through a matching pointer. */
static void tag_page(struct ctx *f)
{
	vcpu_call(f->vcpu, guest_mte_set, tag_ptr(f->gpa, TAG), PAGE);
	vcpu_call(f->vcpu, guest_fill, tag_ptr(f->gpa, TAG), PAGE, DATA);
}

/*
 * Put the first page's tags back to 0: a huge page returns to the pool
 * with its tags, and some kernels hand them to the next user.
 */
static void untag_page(struct ctx *f)
{
	vcpu_call(f->vcpu, guest_mte_set, tag_ptr(f->gpa, 0), PAGE);
}

/* Tags and data of the first page, as the guest sees them now. */
static void check_page(struct ctx *f, struct result *res,
		       const struct expect *tags)
{
	struct expect data = expect_mte_data_kept(PAGE / 8);
	struct outcome obs;

	obs = out_value(vcpu_call(f->vcpu, guest_mte_count, f->gpa, PAGE,
				  TAG));
	result_expect(res, &obs, tags);
	obs = out_value(vcpu_call(f->vcpu, guest_check,
				  tag_ptr(f->gpa, TAG), PAGE, DATA));
	result_expect(res, &obs, &data);
}

static uint64_t pagemap(void *hva)
{
	uint64_t e;
	int ret = pagemap_entry(hva, &e);

	if (ret)
		test_skip("/proc/self/pagemap unreadable: %s", strerror(-ret));
	return e;
}

/* Row 42: the parent's write after fork copies the page, tags included. */
static void check_cow(struct ctx *f, struct result *res)
{
	struct expect store = expect_mte_cow_store();
	struct expect tags = expect_mte_tags_kept(MTE_MOVE_COW);
	struct expect copied = expect_mte_cow_copied();
	struct outcome obs;
	uint64_t before;
	bool moved;
	pid_t child;

	vm_slot(f);
	tag_page(f);
	before = PM_PFN(pagemap(f->b.hva));
	child = fork();
	if (child < 0)
		test_fail("fork: %s", strerror(errno));
	if (!child) {
		for (;;)
			pause();
	}
	obs = probe(f->vcpu, PROBE_STORE, tag_ptr(f->gpa, TAG), DATA);
	result_expect(res, &obs, &store);
	check_page(f, res, &tags);
	moved = PM_PFN(pagemap(f->b.hva)) != before;
	result_check(res, moved == copied.out.value,
		     moved ? "copied" : "shared",
		     copied.out.value ? "copied" : "shared", copied.reason);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

static bool have_swap(void)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n > 1;
}

/* Swap: of the VMA at hva in smaps (shmem pages swapped out count too). */
static long vma_swap_kb(void *hva)
{
	uintptr_t start, end, a = (uintptr_t)hva;
	char line[256];
	bool in = false;
	long kb, swap = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = a >= start && a < end;
		else if (in && sscanf(line, "Swap: %ld kB", &kb) == 1)
			swap = kb;
	}
	fclose(f);
	return swap;
}

/*
 * Swapped out for sure: pagemap's swap bit (anon), or the VMA's swap
 * count (shmem, whose pagemap entry is just "not present"). A page that
 * is merely unmapped would come back from memory with its tags intact
 * and prove nothing about mteswap.
 */
static bool swapped_out(void *hva)
{
	return PM_SWAPPED(pagemap(hva)) || vma_swap_kb(hva) > 0;
}

/* Row 41: mteswap saves tags on swap-out and restores them on swap-in. */
static void check_pageout(struct ctx *f, struct result *res)
{
	struct expect tags = expect_mte_tags_kept(MTE_MOVE_SWAP);
	int tries;

	if (!have_swap())
		test_skip_env("SWAP", "no swap device (/proc/swaps is empty)");
	vm_slot(f);
	tag_page(f);
	for (tries = 0; tries < 3; tries++) {
		if (madvise(f->b.hva, PAGE, MADV_PAGEOUT))
			test_fail("MADV_PAGEOUT: %s", strerror(errno));
		if (swapped_out(f->b.hva))
			break;
	}
	result_diag(res, "pagemap after MADV_PAGEOUT: 0x%llx, VMA Swap: %ld "
		    "kB", (unsigned long long)pagemap(f->b.hva),
		    vma_swap_kb(f->b.hva));
	/* Nothing pins a guest page (KVM must not): with swap, it goes. */
	if (tries == 3)
		test_fail("MADV_PAGEOUT did not swap the page out in three "
			  "tries (observed: resident or dropped; expected: "
			  "swapped)");
	check_page(f, res, &tags);
}

/* Row 43: copy_highpage() carries tags to the new node's page. */
static void check_migrate(struct ctx *f, struct result *res)
{
	struct expect tags = expect_mte_tags_kept(MTE_MOVE_MIGRATE);
	int from, to, status, ret;

	/* Two nodes with memory: the first one's other. */
	if (host_numa_other(host_numa_other(-1)) < 0)
		test_skip_env("NUMA", "one NUMA node: nowhere to migrate to");
	vm_slot(f);
	tag_page(f);
	from = host_page_node(f->b.hva);
	if (from < 0)
		test_fail("move_pages (query): %s", strerror(-from));
	to = host_numa_other(from);
	/* A hugetlb page moves only into a free huge page of the node's. */
	if ((f->k->ops->vma & VMA_HUGETLB) &&
	    !host_numa_free_huge(to, backing_page_size(f->k->ops)))
		test_skip_env("HUGETLB", "no free %llukB huge page on node %d "
			      "to move the page to",
			      (unsigned long long)
			      (backing_page_size(f->k->ops) >> 10), to);
	ret = host_page_migrate(f->b.hva, to, &status);
	if (ret)
		test_fail("move_pages: %s", strerror(-ret));
	/*
	 * KVM holds no reference on a mapped page, so it must move. Only a
	 * full target node is the environment's fault; anything else
	 * (EBUSY: pinned, or no move at all) is the kernel's.
	 */
	if (status == -ENOMEM)
		test_skip("node %d has no free memory for the page (ENOMEM)",
			  to);
	if (status != to)
		test_fail("move_pages left the page on node %d (status %d: "
			  "%s); expected node %d", from, status,
			  status < 0 ? strerror(-status) : "no error", to);
	result_diag(res, "migrated node %d -> %d", from, to);
	check_page(f, res, &tags);
	untag_page(f);
}

/*
 * Row 4 on a recycled page: VM A tags a huge page and goes away; VM B gets
 * the same page (hugetlb pools hand back the last page freed) and must
 * read tag 0, not A's tags.
 */
static void check_pool_reuse(struct ctx *f, struct result *res)
{
	struct expect e = expect_mte_reused_hugetlb(kernel_facts());
	struct outcome obs;
	uint64_t pfn, stale;

	vm_slot(f);
	tag_page(f);
	pfn = PM_PFN(pagemap(f->b.hva));
	vm_destroy(f->vm);
	backing_destroy(&f->b);
	vm_slot(f);
	/* LDG is the first touch: a plain load would tag-check stale tags. */
	stale = PAGE / MTE_GRANULE -
		vcpu_call(f->vcpu, guest_mte_count, f->gpa, PAGE, TAG);
	if (PM_PFN(pagemap(f->b.hva)) != pfn)
		test_skip("the hugetlb pool handed out another page");
	result_diag(res, "huge page pfn 0x%llx reused: %llu of %llu granules "
		    "carry the previous VM's tag", (unsigned long long)pfn,
		    (unsigned long long)stale,
		    (unsigned long long)(PAGE / MTE_GRANULE));
	obs = out_value(stale);
	result_expect(res, &obs, &e);
	untag_page(f);
}

static void ksm_write(const char *path, long v)
{
	int ret = knob_write(path, v);

	if (ret)
		test_skip("cannot write %s: %s", path, strerror(-ret));
}

#define KSM "/sys/kernel/mm/ksm/"

struct ksm_knobs {
	long run, pages_to_scan, sleep_millisecs;
};

/* On a real host ksmd's settings belong to the admin: put them back. */
static void ksm_restore(const struct ksm_knobs *k)
{
	ksm_write(KSM "run", k->run);
	ksm_write(KSM "pages_to_scan", k->pages_to_scan);
	ksm_write(KSM "sleep_millisecs", k->sleep_millisecs);
}

/* Let ksmd finish two full scans, bounded in time. */
static void ksm_scan(void)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	struct ksm_knobs saved = {
		knob_read(KSM "run"), knob_read(KSM "pages_to_scan"),
		knob_read(KSM "sleep_millisecs"),
	};
	long start = knob_read(KSM "full_scans");
	int i;

	ksm_write(KSM "pages_to_scan", KSM_SCAN_BATCH);
	ksm_write(KSM "sleep_millisecs", 0);
	ksm_write(KSM "run", 1);
	for (i = 0; i < KSM_TIMEOUT_S * 50; i++) {
		if (knob_read(KSM "full_scans") >= start + 2)
			break;
		nanosleep(&tick, NULL);
	}
	ksm_restore(&saved);
	if (i == KSM_TIMEOUT_S * 50)
		test_fail("ksmd did not finish two scans in %d s",
			  KSM_TIMEOUT_S);
}

/*
 * Pages of n at base (page bytes each) that share a frame with another
 * page of base or of other: KSM merged them. -1 if pagemap has no pfns.
 */
static long shared_frames(uint8_t *base, uint8_t *other, int n)
{
	uint64_t pfn[2 * KSM_PAGES];
	long shared = 0;
	int i, j;

	for (i = 0; i < 2 * n; i++) {
		uint8_t *p = i < n ? base + i * PAGE : other + (i - n) * PAGE;

		pfn[i] = PM_PFN(pagemap(p));
		if (!pfn[i])
			return -1;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < 2 * n; j++)
			if (j != i && pfn[j] == pfn[i]) {
				shared++;
				break;
			}
	return shared;
}

/*
 * An untagged control in the same scan: plain anonymous pages with the
 * guest's content must merge, or ksmd's silence proves nothing.
 */
static uint8_t *ksm_control(void)
{
	uint64_t *p = mmap(NULL, KSM_PAGES * PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t i;

	if (p == MAP_FAILED)
		test_fail("mmap of the KSM control: %s", strerror(errno));
	for (i = 0; i < KSM_PAGES * PAGE / 8; i++)
		p[i] = DATA;
	if (madvise(p, KSM_PAGES * PAGE, MADV_MERGEABLE))
		test_skip("MADV_MERGEABLE: %s", strerror(errno));
	return (uint8_t *)p;
}

/* Row 44: memcmp_pages() never calls tagged pages equal. */
static void check_ksm(struct ctx *f, struct result *res)
{
	struct expect e = expect_ksm_merge(f->k->check->mte);
	long merged, ctrl_merged;
	uint8_t *ctrl;

	if (access(KSM "run", F_OK))
		test_skip("no KSM (CONFIG_KSM)");
	if (knob_read("/proc/self/ksm_merging_pages") < 0)
		test_skip("no /proc/self/ksm_merging_pages");
	vm_slot(f);
	vcpu_call(f->vcpu, guest_fill, f->gpa, KSM_PAGES * PAGE, DATA);
	if (madvise(f->b.hva, KSM_PAGES * PAGE, MADV_MERGEABLE))
		test_skip("MADV_MERGEABLE: %s", strerror(errno));
	ctrl = ksm_control();
	ksm_scan();
	merged = shared_frames(f->b.hva, ctrl, KSM_PAGES);
	ctrl_merged = shared_frames(ctrl, ctrl, KSM_PAGES);
	if (merged < 0 || ctrl_merged < 0)
		test_skip("pagemap gives no pfns (needs CAP_SYS_ADMIN): which "
			  "pages merged is unknown");
	result_diag(res, "%ld of %d guest pages share a frame; %ld of %d "
		    "control pages do; ksm_merging_pages=%ld", merged,
		    KSM_PAGES, ctrl_merged, KSM_PAGES,
		    knob_read("/proc/self/ksm_merging_pages"));
	if (!ctrl_merged)
		test_fail("ksmd ran two full scans but merged none of %d "
			  "identical untagged control pages (observed: none; "
			  "expected: merged)", KSM_PAGES);
	result_check(res, (merged > 0) == e.out.value,
		     merged ? "merged" : "none",
		     e.out.value ? "merged" : "none", e.reason);
}
