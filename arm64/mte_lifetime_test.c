// SPDX-License-Identifier: GPL-2.0
/*
 * mte_lifetime_test - guest MTE tags survive what the host does to the
 * page behind them: a CoW break after fork, swap-out and swap-in, NUMA
 * migration; and KSM never merges pages of an MTE VM (while it does merge
 * the same pages without MTE, which shows KSM was really running). On the
 * block kinds (THP, hugetlb) a block whose pages carry a previous owner's
 * tags reads tag 0 in every page after the guest faulted one, and a middle
 * page's tags survive swap and migration.
 *
 * Rows 4, 41-44 and 62 of docs/behaviours.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
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
#include "model/expect_memslot.h"
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

/* check.flags: the case works on the middle page of the slot's block. */
#define CHECK_MIDDLE	1

struct ctx {
	const struct kase *k;
	struct backing b;
	struct vm *vm;
	struct vcpu *vcpu;
	uint64_t gpa;
	uint64_t off;		/* the page the case tags and moves */
};

static void check_cow(struct ctx *f, struct result *res);
static void check_pageout(struct ctx *f, struct result *res);
static void check_migrate(struct ctx *f, struct result *res);
static void check_ksm(struct ctx *f, struct result *res);
static void check_pool_reuse(struct ctx *f, struct result *res);
static void check_block_fresh(struct ctx *f, struct result *res);
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
	/* Row 62: whole blocks, on every kind stage 2 maps in blocks. */
	{ "block_fresh", check_block_fresh, .kind = "anon_thp", .mte = true },
	{ "block_fresh", check_block_fresh, .kind = "hugetlb_private",
	  .mte = true },
	{ "block_fresh", check_block_fresh, .kind = "hugetlb_cont_pte",
	  .mte = true },
	{ "block_fresh", check_block_fresh, .kind = "hugetlb_shared",
	  .mte = true },
	/*
	 * Only anonymous THP swaps. Migration: THP, and one hugetlb kind
	 * (shared hugetlb folios move by the same copy_highpage() path).
	 */
	{ "block_pageout", check_pageout, .kind = "anon_thp", .mte = true,
	  .flags = CHECK_MIDDLE },
	{ "block_migrate", check_migrate, .kind = "anon_thp", .mte = true,
	  .flags = CHECK_MIDDLE },
	{ "block_migrate", check_migrate, .kind = "hugetlb_private",
	  .mte = true, .flags = CHECK_MIDDLE },
};

SUITE(.name = "mte_lifetime_test",
      .summary = "MTE tags across CoW, swap, migration; KSM never merges "
		 "tagged pages; whole blocks sanitised",
      .kinds = KINDS("anon_4k", "memfd_shared", "hugetlb_private",
		     "anon_thp", "hugetlb_cont_pte", "hugetlb_shared"),
      .by_check = true,
      CHECKS(checks), CTX(struct ctx, setup));

/* Guest code: lib/arm64/guest/mte.S and guest.c (guest_fill, guest_check). */

/* Host code */

static void setup(struct ctx *f, const struct kase *k)
{
	f->k = k;
}

/* The case's VM and vCPU, with the backing already in f->b as a slot. */
static void vm_over(struct ctx *f)
{
	bool mte = f->k->check->mte;
	uint64_t size = f->b.size;

	f->vm = mte ? mte_vm_create() : vm_create(NULL);
	f->gpa = vm_alloc_gpa(f->vm, size);
	slot_expect_accepted(f->k->ops, mte, vm_add_slot(f->vm, f->gpa, size,
							 f->b.hva, 0, NULL));
	if (mte)
		mte_map_tagged(f->vm, f->gpa, size);
	else
		vm_map(f->vm, f->gpa, f->gpa, size, MAP_MT(MT_NORMAL));
	f->vcpu = vcpu_add(f->vm);
}

/* The case's VM, its backing as a slot, and a vCPU. */
static void vm_slot(struct ctx *f)
{
	uint64_t size = backing_region_size(f->k->ops);

	backing_create(f->k->ops, size, &f->b);
	if (f->k->check->flags & CHECK_MIDDLE)
		f->off = size / PAGE / 2 * PAGE;
	vm_over(f);
}

/* Tag the case's page and fill it through a matching pointer. */
static void tag_page(struct ctx *f)
{
	uint64_t gpa = f->gpa + f->off;

	vcpu_call(f->vcpu, guest_mte_set, tag_ptr(gpa, TAG), PAGE);
	vcpu_call(f->vcpu, guest_fill, tag_ptr(gpa, TAG), PAGE, DATA);
}

/*
 * Put the case's page's tags back to 0: a huge page returns to the pool
 * with its tags, and some kernels hand them to the next user.
 */
static void untag_page(struct ctx *f)
{
	vcpu_call(f->vcpu, guest_mte_set, tag_ptr(f->gpa + f->off, 0), PAGE);
}

/* Tags and data of the case's page, as the guest sees them now. */
static void check_page(struct ctx *f, struct result *res,
		       const struct expect *tags)
{
	struct expect data = expect_mte_data_kept(PAGE / 8);
	uint64_t gpa = f->gpa + f->off;
	struct outcome obs;

	obs = out_value(vcpu_call(f->vcpu, guest_mte_count, gpa, PAGE, TAG));
	result_expect(res, &obs, tags);
	obs = out_value(vcpu_call(f->vcpu, guest_check, tag_ptr(gpa, TAG),
				  PAGE, DATA));
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
	uint8_t *hva;
	int tries;

	if (!have_swap())
		test_skip_env("SWAP", "no swap device (/proc/swaps is empty)");
	vm_slot(f);
	tag_page(f);
	/* A page of a THP: MADV_PAGEOUT splits the THP, then swaps it. */
	hva = (uint8_t *)f->b.hva + f->off;
	for (tries = 0; tries < 3; tries++) {
		if (madvise(hva, PAGE, MADV_PAGEOUT))
			test_fail("MADV_PAGEOUT: %s", strerror(errno));
		if (swapped_out(hva))
			break;
	}
	result_diag(res, "page %llu: pagemap after MADV_PAGEOUT: 0x%llx, VMA "
		    "Swap: %ld kB", (unsigned long long)(f->off / PAGE),
		    (unsigned long long)pagemap(hva), vma_swap_kb(hva));
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
	uint8_t *hva;

	/* Two nodes with memory: the first one's other. */
	if (host_numa_other(host_numa_other(-1)) < 0)
		test_skip_env("NUMA", "one NUMA node: nowhere to migrate to");
	vm_slot(f);
	tag_page(f);
	hva = (uint8_t *)f->b.hva + f->off;
	from = host_page_node(hva);
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
	/*
	 * A huge page moves whole; ask for it by its first page: 6.1's
	 * move_pages() answers EACCES for a tail page of a hugetlb page.
	 */
	if (f->k->ops->vma & VMA_HUGETLB)
		hva = (uint8_t *)f->b.hva + f->off / backing_page_size(f->k->ops) *
		      backing_page_size(f->k->ops);
	ret = host_page_migrate(hva, to, &status);
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

/* The pages of a block that block_fresh looks at, by index. */
enum { BP_FIRST, BP_FAULT, BP_MIDDLE, BP_LAST, BP_NR };

_Static_assert(BP_NR == MTE_BLOCK_PAGES, "the model counts these pages");

static void block_pages(uint64_t size, uint64_t idx[BP_NR])
{
	uint64_t n = size / PAGE;

	idx[BP_FIRST] = 0;
	idx[BP_FAULT] = 1;	/* not the first: a kernel may clear only that */
	idx[BP_MIDDLE] = n / 2;
	idx[BP_LAST] = n - 1;
}

/* Where stale tags were left: pfn[i] is page idx[i] of the block. */
struct dirty {
	int node;
	uint64_t pfn[BP_NR];
};

/*
 * Stale tags where the next block of the kind will come from: a PROT_MTE
 * mapping of the kind gets blocks (mte_sync_tags() clears them and marks
 * them tagged), the host stores TAG in the pages the case reads, and the
 * blocks are freed. Freeing drops PG_mte_tagged (free_pages_prepare();
 * hugetlb: arch_clear_hugetlb_flags()) but nothing clears tag storage,
 * and the next block of that size is one just freed (per-CPU list,
 * hugetlb free list).
 */
static void dirty_block(struct ctx *f, uint64_t size, const uint64_t *idx,
			struct dirty *d, struct backing *old)
{
	long pool;
	int i;

	backing_create(f->k->ops, size, old);
	if (mprotect(old->hva, size, PROT_READ | PROT_WRITE | PROT_MTE_FLAG)) {
		if ((f->k->ops->vma & VMA_HUGETLB) &&
		    kernel_facts()->mte_hugetlb_prot < 0)
			test_skip("no PROT_MTE on hugetlb here (%s): the host "
				  "cannot leave tags in a free huge page, and "
				  "a VM's tags keep PG_mte_tagged on this "
				  "kernel (pool_reuse)", strerror(errno));
		test_error("mprotect(PROT_MTE) of a %s block: %s",
			   f->k->ops->name, strerror(errno));
	}
	for (i = 0; i < BP_NR; i++) {
		uint8_t *p = (uint8_t *)old->hva + idx[i] * PAGE;

		guest_mte_set(tag_ptr((uint64_t)(uintptr_t)p, TAG), PAGE);
		d->pfn[i] = PM_PFN(pagemap(p));
	}
	if (!d->pfn[0])
		test_skip("pagemap gives no pfns (needs CAP_SYS_ADMIN): "
			  "whether the block was reused is unknown");
	d->node = host_page_node(old->hva);
	/* Free the block, but keep the pool pages create() added. */
	pool = old->huge_added;
	old->huge_added = 0;
	backing_destroy(old);
	old->huge_added = pool;
}

/*
 * The new backing holds exactly the block whose tags were dirtied; *got
 * is the pfn of its first page.
 */
static bool same_block(struct ctx *f, const uint64_t *idx,
		       const struct dirty *d, uint64_t *got)
{
	int i;

	/* A host store: data only, tags and PG_mte_tagged untouched. */
	*(volatile uint64_t *)f->b.hva = DATA;
	*got = PM_PFN(pagemap(f->b.hva));
	for (i = 0; i < BP_NR; i++)
		if (PM_PFN(pagemap((uint8_t *)f->b.hva + idx[i] * PAGE)) !=
		    d->pfn[i])
			return false;
	return true;
}

/* A block of the kind as f->b, with stale tags in the pages idx names. */
static void stale_block(struct ctx *f, struct result *res, uint64_t size,
			const uint64_t *idx, struct backing *old)
{
	struct dirty d;
	uint64_t got = 0;
	cpu_set_t cpu;
	int try;

	/* A freed THP waits on this CPU's list: stay on this CPU. */
	CPU_ZERO(&cpu);
	CPU_SET(sched_getcpu(), &cpu);
	sched_setaffinity(0, sizeof(cpu), &cpu);
	for (try = 0; try < 3; try++) {
		memset(old, 0, sizeof(*old));
		dirty_block(f, size, idx, &d, old);
		backing_create(f->k->ops, size, &f->b);
		/* Huge pages come from the policy's node, not the CPU's. */
		if (d.node >= 0)
			host_bind_node(f->b.hva, size, d.node);
		if (same_block(f, idx, &d, &got))
			break;
		result_diag(res, "try %d: dirtied the block at pfn 0x%llx on "
			    "node %d, got 0x%llx", try,
			    (unsigned long long)d.pfn[0], d.node,
			    (unsigned long long)got);
		backing_destroy(&f->b);
		backing_generic_destroy(old);
	}
	if (try == 3)
		test_error("three fresh %s blocks, none the one whose tags the "
			   "host dirtied", f->k->ops->name);
	result_diag(res, "block at pfn 0x%llx, %llu pages",
		    (unsigned long long)got, (unsigned long long)(size / PAGE));
}

/*
 * Row 62: KVM sanitises every page of a block it maps, not just the one
 * that faulted. The block comes with a previous owner's tags in the pages
 * read here; the guest faults one page, then LDG reads the others.
 */
static void check_block_fresh(struct ctx *f, struct result *res)
{
	const struct kernel_facts *kf = kernel_facts();
	const struct backing_ops *ops = f->k->ops;
	struct expect create = expect_slot_create(kf, ops->vma, true);
	/* One host block: a THP, one huge page (CONT_PTE: mapped by page). */
	uint64_t size = backing_page_size(ops);
	uint64_t idx[BP_NR], stale = 0, tag, bad;
	char obs_s[160], exp_s[160];
	struct backing old;
	struct expect e;
	int i, n = 0;

	mte_require();
	if (create.out.err)
		test_skip("%s", create.reason);
	e = expect_mte_block_fresh(kf, ops->vma, size);
	block_pages(size, idx);
	stale_block(f, res, size, idx, &old);
	vm_over(f);
	/* LDG is the first touch: a plain load would tag-check stale tags. */
	vcpu_call(f->vcpu, guest_mte_get, f->gpa + idx[BP_FAULT] * PAGE);
	for (i = 0; i < BP_NR; i++) {
		uint64_t gpa = f->gpa + idx[i] * PAGE;

		bad = vcpu_call(f->vcpu, guest_mte_count, gpa, PAGE, 0);
		tag = vcpu_call(f->vcpu, guest_mte_get, gpa);
		stale += bad > 0;
		n += snprintf(obs_s + n, sizeof(obs_s) - n, "%spage %llu tag "
			      "%#llx", i ? ", " : "",
			      (unsigned long long)idx[i],
			      (unsigned long long)tag);
		result_diag(res, "page %llu: %llu of %llu granules not tag 0",
			    (unsigned long long)idx[i],
			    (unsigned long long)bad,
			    (unsigned long long)(PAGE / MTE_GRANULE));
		/* Leave no stale tag to the block's next user. */
		vcpu_call(f->vcpu, guest_mte_set, tag_ptr(gpa, 0), PAGE);
	}
	if (e.out.value)
		snprintf(exp_s, sizeof(exp_s), "tag %#x in %llu of %d pages",
			 TAG, (unsigned long long)e.out.value, BP_NR);
	else
		snprintf(exp_s, sizeof(exp_s), "tag 0 in pages %llu, %llu, "
			 "%llu, %llu", (unsigned long long)idx[0],
			 (unsigned long long)idx[1],
			 (unsigned long long)idx[2],
			 (unsigned long long)idx[3]);
	result_expect_text(res, stale, &e, obs_s, exp_s);
	backing_generic_destroy(&old);
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
