// SPDX-License-Identifier: GPL-2.0
/*
 * unmap_bench - how long the host takes to tear down a populated stage 2:
 * the guest writes every host page of an N-MiB slot, then the host times
 * one of KVM_SET_USER_MEMORY_REGION(size 0), munmap, MADV_DONTNEED or
 * mprotect(PROT_READ), all of which unmap the range at stage 2 before
 * they return (rows 35-38, I1). Stage-2 granules: the host page (anon_4k), the
 * PMD block (anon_thp, hugetlb_private) and the PUD block (hugetlb_1g,
 * 4K pages only, when the VM has a gigantic page), named at run time.
 *
 * Row 40: 6.1 issues one TLBI per leaf; 6.6+ defers them to one range
 * TLBI per <= 1 GiB chunk iff the CPU has TLBIRANGE and FWB. The
 * tlbi_strategy case deletes a host-page slot under kprobes (tlbi_test's
 * way) and judges what it saw against that. Otherwise not pass/fail:
 * every measured configuration is an "ok" TAP line with its numbers and
 * "# metric" lines; what cannot run is a SKIP; "not ok" only when
 * something broke.
 *
 * The times include the host's own work (freeing pages, host TLBIs):
 * that is what a VMM waits for. Under QEMU TCG they show relative cost
 * (granule, op, kernel), not what hardware would take.
 *
 * The suite's metrics mode: one case (a child) per backing, size and op;
 * the parent's report adds the table and the fits of time against size
 * (bench_stats.h); the report program turns the metrics into JSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "backing.h"
#include "kernel_facts.h"
#include "model/bench_stats.h"
#include "model/expect_unmap.h"
#include "probe.h"
#include "suite.h"
#include "vm.h"

#define MAX_REPEATS	15
#define MAX_SIZES	6
#define CASE_TIMEOUT_S	120

struct bench {
	const char *backing;
	char granule[16];		/* "4K", "2M": set by bench_sizes() */
	uint64_t page;			/* stage-2 granule, ditto */
	unsigned int sizes[MAX_SIZES];	/* MiB, 0-terminated */
};

/*
 * Sized for < 3 minutes under nested QEMU TCG, where one 4K stage-2
 * fault costs 0.5-1 ms and every repeat of every op refaults the whole
 * slot: 4K stays far below 64 MiB there (use --sizes 4K=... on
 * hardware). hugetlb is capped by the VM's 64 x 2M pages; 1G needs a
 * gigantic page: the test VM has CMA or swiotlb in every aligned GiB,
 * so boot it with "cma=0 hugepagesz=1G hugepages=1".
 */
static struct bench benches[] = {
	{ "anon_4k", "", 0, { 4, 8, 16 } },
	{ "anon_thp", "", 0, { 64, 128, 256, 512, 1024 } },
	{ "hugetlb_private", "", 0, { 32, 64, 96, 128 } },
	{ "hugetlb_1g", "", 0, { 1024 } },
	/* PUNCH_HOLE is guest_memfd's own invalidation (row 48): pages only. */
	{ "gmem_shared", "", 0, { 4, 8, 16 } },
};

static const enum unmap_op ops[] = {
	UNMAP_DELETE_SLOT, UNMAP_MUNMAP, UNMAP_DONTNEED, UNMAP_MPROTECT_RO,
	UNMAP_PUNCH_HOLE,
};
#define NR_OPS	ARRAY_SIZE(ops)

/* What a case measured: repeats of one op on one backing and size. */
struct sample {
	int repeats;
	uint64_t ns[MAX_REPEATS];
	uint64_t exits[MAX_REPEATS];	/* during the populate */
	uint64_t fill_ns[MAX_REPEATS];	/* the populate's time */
};

struct ctx {
	const struct kase *k;
	const struct bench *bn;
	struct vm *vm;
	struct vcpu *vcpu;
	struct backing b;
	struct region *slot;
	uint64_t gpa, size;
};

/* The checks: every op at every size of any backing, made by init(). */
#define MAX_CHECKS	(ARRAY_SIZE(benches) * MAX_SIZES * NR_OPS + 1)

static int repeats = 5;
static struct check checks[MAX_CHECKS];
static char check_names[MAX_CHECKS][32];

static void check_measure(struct ctx *r, struct result *res);
static void check_tlbi(struct ctx *r, struct result *res);
static void setup(struct ctx *r, const struct kase *k);
static int option(const char *opt, const char *arg);
static int init(struct suite *s);
static void header(void);
static void report(const struct test_case *cases,
		   const struct result *results, int n);

SUITE(.name = "unmap_bench",
      .summary = "stage-2 teardown latency by granule, op and size (row 40)",
      .kinds = KINDS("anon_4k", "anon_thp", "hugetlb_private", "hugetlb_1g",
		     "gmem_shared"),
      .sep = ".",
      .metrics = true,
      .timeout_s = CASE_TIMEOUT_S,
      .option = option,
      .options = "[--repeats N] [--sizes GRAN=MiB,...]",
      .init = init, .header = header, .report = report,
      CTX(struct ctx, setup));

/* Guest code: guest_touch() from the guest runtime (probe_table.h). */

/* Host code */

static const struct bench *find_bench(const char *backing)
{
	size_t b;

	for (b = 0; b < ARRAY_SIZE(benches); b++)
		if (!strcmp(benches[b].backing, backing))
			return &benches[b];
	return NULL;
}

static bool bench_has_size(const struct bench *bn, unsigned int mib)
{
	const unsigned int *m;

	for (m = bn->sizes; *m; m++)
		if (*m == mib)
			return true;
	return false;
}

static bool size_applies(const struct backing_ops *ops, const struct check *c)
{
	const struct bench *bn = find_bench(ops->name);

	return bn && bench_has_size(bn, c->mib) &&
	       unmap_op_applies(c->op, ops->vma);
}

/*
 * Each bench's stage-2 granule on this host, and only the sizes that are
 * whole host mappings of the kind (a 32 MiB slot is no 512 MiB page).
 */
static void bench_sizes(void)
{
	const struct page_geom *g = &kernel_facts()->sizes.geom;
	static bool done;
	size_t b, i, n;

	for (b = 0; !done && b < ARRAY_SIZE(benches); b++) {
		struct bench *bn = &benches[b];
		uint64_t host = backing_page_size(backing_find(bn->backing));

		bn->page = geom_s2_map_size(g, host ? host : g->page);
		size_str(bn->page, bn->granule, sizeof(bn->granule));
		for (i = n = 0; bn->sizes[i]; i++)
			if (!host || !(((uint64_t)bn->sizes[i] << 20) % host))
				bn->sizes[n++] = bn->sizes[i];
		bn->sizes[n] = 0;
	}
	done = true;
}

/* "4K=8,16,32": the sizes (MiB) to measure for the granule's benches. */
static int parse_sizes(const char *arg)
{
	unsigned int v[MAX_SIZES] = { 0 };
	const char *eq = strchr(arg, '='), *p = eq;
	int n = 0, used;
	size_t b;

	if (!eq)
		return -1;
	bench_sizes();
	do {
		if (n == MAX_SIZES - 1 ||
		    sscanf(++p, "%u%n", &v[n], &used) != 1 || !v[n])
			return -1;
		p += used;
		n++;
	} while (*p == ',');
	if (*p)
		return -1;
	for (b = 0; b < ARRAY_SIZE(benches); b++)
		if (strlen(benches[b].granule) == (size_t)(eq - arg) &&
		    !strncmp(arg, benches[b].granule, eq - arg))
			memcpy(benches[b].sizes, v, sizeof(v));
	return 0;
}

static int option(const char *opt, const char *arg)
{
	if (!strcmp(opt, "--repeats") && arg) {
		repeats = atoi(arg);
		return 1;
	}
	if (!strcmp(opt, "--sizes") && arg)
		return parse_sizes(arg) ? -2 : 1;
	return -1;
}

/* The smallest size above min any backing measures, or 0. */
static unsigned int next_size(unsigned int min)
{
	unsigned int best = 0;
	const unsigned int *m;
	size_t b;

	for (b = 0; b < ARRAY_SIZE(benches); b++)
		for (m = benches[b].sizes; *m; m++)
			if (*m > min && (!best || *m < best))
				best = *m;
	return best;
}

/* Size by size, op by op: each backing keeps the sizes it measures. */
static int init(struct suite *s)
{
	unsigned int mib = 0;
	size_t n = 0, o;

	if (repeats < 1 || repeats > MAX_REPEATS) {
		fprintf(stderr, "--repeats wants 1..%d\n", MAX_REPEATS);
		return 2;
	}
	bench_sizes();
	while ((mib = next_size(mib)) && n + NR_OPS <= MAX_CHECKS) {
		for (o = 0; o < NR_OPS; o++, n++) {
			snprintf(check_names[n], sizeof(check_names[n]),
				 "%s.%uM", unmap_op_name(ops[o]), mib);
			checks[n] = (struct check){
				.name = check_names[n], .run = check_measure,
				.op = ops[o], .mib = mib,
				.applies = size_applies,
			};
		}
	}
	/* Row 40 measured, on the smallest host-page slot. */
	checks[n++] = (struct check){
		.name = "tlbi_strategy", .run = check_tlbi,
		.kind = benches[0].backing, .mib = benches[0].sizes[0],
	};
	s->checks = checks;
	s->nr_checks = n;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t bench_t0;

static void header(void)
{
	struct expect tlbi = expect_unmap_tlbi(kernel_facts());

	printf("# tlbi expected: %s (%s)\n",
	       tlbi_strategy_name(tlbi.out.value), tlbi.reason);
	/* What row 40 predicts; tlbi_strategy measures it. */
	printf("# metric unmap.tlbi_range_expected=%d unit=bool\n",
	       tlbi.out.value == TLBI_UNKNOWN ? -1 :
	       tlbi.out.value == TLBI_RANGE);
	bench_t0 = now_ns();
}

/* The case's child */

static void setup(struct ctx *r, const struct kase *k)
{
	r->k = k;
	r->bn = find_bench(k->kind);
	r->size = (uint64_t)k->check->mib << 20;
}

static int rig_slot(struct ctx *r)
{
	return backing_add_slot(&r->b, r->vm, r->gpa, 0, &r->slot);
}

/*
 * Guest writes every host page: returns the exits it took (faults + 2).
 * Each 4K fault costs ~0.5 ms under nested TCG: no 30 s call limit.
 */
static uint64_t populate(struct ctx *r, int rep, uint64_t *ns)
{
	struct call c = { .recover = RECOVER_NONE,
			  .timeout_ms = CASE_TIMEOUT_S * 1000 };
	uint64_t before = vcpu_stat(r->vcpu, VCPU_STAT_EXITS), t0;

	t0 = now_ns();
	__vcpu_call(r->vcpu, &c, guest_touch, r->gpa, r->size, host_page(), 1,
		    rep + 1);
	*ns = now_ns() - t0;
	if (c.status != CALL_OK)
		test_fail("populating: %s: %.150s", call_status_name(c.status),
			  c.msg);
	return vcpu_stat(r->vcpu, VCPU_STAT_EXITS) - before;
}

static int timed_op(struct ctx *r, enum unmap_op op, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	int ret = op == UNMAP_DELETE_SLOT ? vm_delete_slot(r->vm, r->slot) :
		  backing_unmap(&r->b, r->size, op);

	*ns = now_ns() - t0;
	return ret;
}

/* Undo the op, untimed, so the next repeat starts from a live slot. */
static int restore(struct ctx *r, enum unmap_op op)
{
	int ret;

	switch (op) {
	case UNMAP_DELETE_SLOT:
		return rig_slot(r);
	case UNMAP_MUNMAP:
		ret = vm_delete_slot(r->vm, r->slot);
		if (ret)
			return ret;
		backing_destroy(&r->b);	/* the padding around hva */
		ret = __backing_create(r->k->ops, r->size, &r->b);
		return ret ? ret : rig_slot(r);
	case UNMAP_MPROTECT_RO:
		return mprotect(r->b.hva, r->size, PROT_READ | PROT_WRITE) ?
		       -errno : 0;
	default:
		return 0;
	}
}

static void rig_create(struct ctx *r)
{
	int ret;

	if (kernel_facts()->kvm)
		test_skip("no /dev/kvm");
	ret = __backing_create(r->k->ops, r->size, &r->b);
	if (ret == -EOPNOTSUPP || ret == -ENOMEM)
		test_skip("%s: %s", r->k->kind,
			  r->b.why[0] ? r->b.why : strerror(-ret));
	if (ret)
		test_fail("%s: %s", r->k->kind,
			  r->b.why[0] ? r->b.why : strerror(-ret));
	r->vm = vm_create(NULL);
	r->vcpu = vcpu_add(r->vm);
	r->gpa = vm_alloc_gpa(r->vm, r->size);
	ret = rig_slot(r);
	if (ret)
		test_fail("%s", strerror(-ret));
	vm_map(r->vm, r->gpa, r->gpa, r->size, MAP_MT(MT_NORMAL) | MAP_BLOCK);
}

/* Report */

enum { ST_PAGE, ST_GIB, ST_EXITS, ST_FILL, ST_TOTAL };
enum { L_BACKING, L_GRANULE, L_OP };

static const struct bench_col table_cols[] = {
	{ "backing", -15, BENCH_COL_LABEL, L_BACKING },
	{ "gran", -4, BENCH_COL_LABEL, L_GRANULE },
	{ "op", -11, BENCH_COL_LABEL, L_OP },
	{ "size", 6, BENCH_COL_SIZE },
	{ "exits", 7, BENCH_COL_MED, ST_EXITS },
	{ "ns/page", 10, BENCH_COL_MED, ST_PAGE },
	{ "(min..max)", 21, BENCH_COL_RANGE, ST_PAGE },
	{ "ms/GiB", 9, BENCH_COL_MED, ST_GIB, 2, 1e-6 },
	{ "fill_ns/pg", 11, BENCH_COL_MED, ST_FILL },
};

/* Fits: the total time of each (backing, op) against size. */
static struct bench_report bench_report = {
	.metric_prefix = "unmap",
	.nr_labels = 3,
	.cols = table_cols,
	.nr_cols = ARRAY_SIZE(table_cols),
	.nr_fit_labels = 2,
	.fit_label = { L_BACKING, L_OP },
	.total_stat = ST_TOTAL,
};

/* The row of case k: its labels, and its numbers when s is given. */
static void fill_row(struct bench_row *r, const struct kase *k,
		     const struct sample *s)
{
	const struct bench *bn = find_bench(k->kind);
	unsigned int mib = k->check->mib;
	double pages = ((double)mib * (1 << 20)) / bn->page;
	double gib = (double)mib / 1024;
	uint64_t f[MAX_REPEATS];
	int i;

	snprintf(r->name, sizeof(r->name), "%s", k->name);
	r->label[L_BACKING] = bn->backing;
	r->label[L_GRANULE] = bn->granule;
	r->label[L_OP] = unmap_op_name(k->check->op);
	r->size = mib;
	r->pages = pages;
	if (!s)
		return;
	r->stat[ST_PAGE] = bench_stat(s->ns, s->repeats, 1 / pages);
	r->stat[ST_GIB] = bench_stat(s->ns, s->repeats, 1 / gib);
	r->stat[ST_TOTAL] = bench_stat(s->ns, s->repeats, 1);
	/* Minus the call's own two exits (ucall idle + return). */
	for (i = 0; i < s->repeats; i++)
		f[i] = s->exits[i] > 2 ? s->exits[i] - 2 : 0;
	r->stat[ST_EXITS] = bench_stat(f, s->repeats, 1);
	r->stat[ST_FILL] = bench_stat(s->fill_ns, s->repeats, 1 / pages);
}

static void check_measure(struct ctx *r, struct result *res)
{
	enum unmap_op op = r->k->check->op;
	struct sample s = { .repeats = repeats };
	struct bench_row row = { 0 };
	const struct bench_stat *page = &row.stat[ST_PAGE];
	char metric[160];
	uint64_t t0;
	int rep, ret;

	rig_create(r);
	t0 = now_ns();
	for (rep = 0; rep < repeats; rep++) {
		s.exits[rep] = populate(r, rep, &s.fill_ns[rep]);
		ret = timed_op(r, op, &s.ns[rep]);
		if (!ret)
			ret = restore(r, op);
		if (ret)
			test_fail("%s: %s", unmap_op_name(op), strerror(-ret));
	}
	result_diag(res, "%s %uM %s: %d repeats in %.1f s", r->k->kind,
		    r->k->check->mib, unmap_op_name(op), repeats,
		    (now_ns() - t0) / 1e9);
	fill_row(&row, r->k, &s);
	snprintf(metric, sizeof(metric), "unmap.%s.ns_per_page", row.name);
	result_metric(res, metric, page->med, 0, "ns");
	strcat(metric, "_min");
	result_metric(res, metric, page->min, 0, "ns");
	snprintf(metric, sizeof(metric), "unmap.%s.ns_per_page_max", row.name);
	result_metric(res, metric, page->max, 0, "ns");
	snprintf(metric, sizeof(metric), "unmap.%s.ns_per_gib", row.name);
	result_metric(res, metric, row.stat[ST_GIB].med, 0, "ns");
	snprintf(metric, sizeof(metric), "ns_per_page=%.0f (min %.0f, max "
		 "%.0f) ms_per_gib=%.2f populate_exits=%.0f", page->med,
		 page->min, page->max, row.stat[ST_GIB].med / 1e6,
		 row.stat[ST_EXITS].med);
	result_data(res, &s, sizeof(s));
	result_measured(res, metric);
}

/*
 * Row 40: one delete of the populated slot under kprobes, untimed (the
 * probes would slow it): which TLBI path the unmap walker took.
 */
static void check_tlbi(struct ctx *r, struct result *res)
{
	struct expect e = expect_unmap_tlbi(kernel_facts());
	uint64_t leaves = r->size / host_page(), ns;
	enum tlbi_strategy seen;
	char why[160];
	long range, ipa;

	if (e.out.value == TLBI_UNKNOWN)
		test_skip("%s", e.reason);
	rig_create(r);
	populate(r, 0, &ns);
	vm_delete_slot_tlbi(r->vm, r->slot, &range, &ipa, why, sizeof(why));
	seen = tlbi_classify(range, ipa, leaves);
	result_diag(res, "deleting %llu leaves: kvm_tlb_flush_vmid_range %ld, "
		    "__kvm_tlb_flush_vmid_ipa %ld calls (-1: not probed%s%s)",
		    (unsigned long long)leaves, range, ipa,
		    why[0] ? ": " : "", why);
	result_metric(res, "unmap.tlbi_range", seen == TLBI_UNKNOWN ? -1 :
		      seen == TLBI_RANGE, 0, "bool");
	/* Both probes live and still no strategy: no leaf TLBI at all. */
	if (seen == TLBI_UNKNOWN && (range < 0 || ipa < 0))
		test_skip("neither TLBI path was seen (%s)", why);
	result_check(res, seen == e.out.value, seen == TLBI_UNKNOWN ?
		     "neither" : tlbi_strategy_name(seen),
		     tlbi_strategy_name(e.out.value), e.reason);
}

/* In the parent: every row, measured or not, then the table and fits. */
static void report(const struct test_case *cases,
		   const struct result *results, int n)
{
	const struct result *res;
	struct bench_row *row;
	struct sample s;
	bool measured;
	int i;

	for (i = 0; i < n; i++) {
		res = &results[i];
		if (!res->decided || cases[i].k->check->run == check_tlbi)
			continue;	/* not selected, or not a measurement */
		row = bench_add_row(&bench_report);
		if (!row) {
			fprintf(stderr, "unmap_bench: out of memory\n");
			exit(1);
		}
		measured = res->verdict == V_PASS &&
			   res->data_len == sizeof(s);
		if (measured)
			memcpy(&s, res->data, sizeof(s));
		fill_row(row, cases[i].k, measured ? &s : NULL);
		row->status = res->verdict == V_PASS ? 0 :
			      res->verdict == V_SKIP ? 4 : 1;
		snprintf(row->why, sizeof(row->why), "%s", res->reason);
	}
	bench_fit_rows(&bench_report);
	printf("# teardown time, median of %d (min..max); page = stage-2 "
	       "granule; exits = exits while populating (a fault per page, "
	       "plus interrupts); fill = populate time per page\n", repeats);
	bench_print_table(&bench_report, stdout);
	bench_print_fits(&bench_report, stdout);
	printf("# metric unmap.bench_wall_s=%.1f unit=s\n",
	       (now_ns() - bench_t0) / 1e9);
}
