// SPDX-License-Identifier: GPL-2.0
/*
 * unmap_bench - how long the host takes to tear down a populated stage 2:
 * the guest writes every host page of an N-MiB slot, then the host times one
 * of KVM_SET_USER_MEMORY_REGION(size 0), munmap, MADV_DONTNEED or
 * mprotect(PROT_READ), all of which unmap the range at stage 2 before
 * they return (spec §3.2). Stage-2 granules: the host page (anon_4k), the
 * PMD block (anon_thp, hugetlb_private) and the PUD block (hugetlb_1g,
 * 4K pages only, when the VM has a gigantic page), named at run time.
 *
 * Row 40: 6.1 issues one TLBI per leaf; 6.6+ defers them to one range
 * TLBI per <= 1 GiB chunk iff the CPU has TLBIRANGE and FWB. One untimed
 * slot delete of the host-page bench runs under kprobes (tlbi_test's
 * way), and its "tlbi_strategy" line judges what it saw against that.
 * Otherwise not pass/fail: every measured configuration is an "ok" TAP
 * line with its numbers and "# metric" lines; what cannot run is a SKIP;
 * "not ok" only when something broke.
 *
 * The times include the host's own work (freeing pages, host TLBIs):
 * that is what a VMM waits for. Under QEMU TCG they show relative cost
 * (granule, op, kernel), not what hardware would take.
 *
 * Each backing and size is measured in a child process; the summaries,
 * tables, fits of time against size and the --json file are
 * bench_stats.h's.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backing.h"
#include "bench_stats.h"
#include "expect.h"
#include "kprobe_count.h"
#include "probe.h"
#include "test.h"
#include "vm.h"

#define MAX_REPEATS	15
#define MAX_SIZES	6
#define CHILD_TIMEOUT_S	120

static const enum unmap_op ops[] = {
	UNMAP_DELETE_SLOT, UNMAP_MUNMAP, UNMAP_DONTNEED, UNMAP_MPROTECT_RO,
	UNMAP_PUNCH_HOLE,
};
#define NR_OPS	ARRAY_SIZE(ops)

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
	/* PUNCH_HOLE is guest_memfd's own invalidation (§13): pages only. */
	{ "gmem_shared", "", 0, { 4, 8, 16 } },
};

/* What one child measures: one backing at one size, every op. */
struct sample {
	int status;			/* 0 ok, 4 skip, else failed */
	char why[200];
	uint64_t ns[NR_OPS][MAX_REPEATS];
	uint64_t exits[NR_OPS][MAX_REPEATS];	/* during the populate */
	uint64_t fill_ns[NR_OPS][MAX_REPEATS];	/* the populate's time */
	long tlbi_range, tlbi_ipa;	/* kprobe hits of one untimed delete */
	bool tlbi_probed;
	char tlbi_why[160];
};

/* Row 40 as measured, by the first host-page bench (tlbi_test's way). */
static struct {
	bool done;
	long range, ipa;
	uint64_t leaves;
	char why[160];
} tlbi_seen;

struct opts {
	int repeats;
	const char *json;
	const char *filter;
	bool list;
};

static const struct backing_ops *bench_ops(const struct bench *bn)
{
	if (!strcmp(bn->backing, "hugetlb_1g"))
		return &backing_hugetlb_1g;
	return backing_find(bn->backing);
}

/*
 * Each bench's stage-2 granule on this host, and only the sizes that are
 * whole host mappings of the kind (a 32 MiB slot is no 512 MiB page).
 */
static void bench_sizes(void)
{
	const struct page_geom *g = &kernel_facts()->sizes.geom;
	size_t b, i, n;

	for (b = 0; b < ARRAY_SIZE(benches); b++) {
		struct bench *bn = &benches[b];
		uint64_t host = backing_page_size(bench_ops(bn));

		bn->page = geom_s2_map_size(g, host ? host : g->page);
		size_str(bn->page, bn->granule, sizeof(bn->granule));
		for (i = n = 0; bn->sizes[i]; i++)
			if (!host || !(((uint64_t)bn->sizes[i] << 20) % host))
				bn->sizes[n++] = bn->sizes[i];
		bn->sizes[n] = 0;
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Child side */

struct rig {
	struct vm *vm;
	struct vcpu *vcpu;
	const struct backing_ops *ops;
	struct backing b;
	struct region *slot;
	uint64_t gpa, size;
};

static struct sample sample;
static int sample_fd = -1;

static void __attribute__((noreturn)) child_end(struct sample *s, int fd,
						int status, const char *why)
{
	s->status = status;
	snprintf(s->why, sizeof(s->why), "%s", why);
	if (write(fd, s, sizeof(*s)) != (ssize_t)sizeof(*s))
		_exit(3);
	_exit(0);
}

static int rig_slot(struct rig *r)
{
	return backing_add_slot(&r->b, r->vm, r->gpa, 0, &r->slot);
}

/*
 * Guest writes every 4K page: returns the exits it took (faults + 2).
 * Each 4K fault costs ~0.5 ms under nested TCG: no 30 s call limit.
 */
static uint64_t populate(struct rig *r, int rep, uint64_t *ns)
{
	struct call c = { .recover = RECOVER_NONE,
			  .timeout_ms = CHILD_TIMEOUT_S * 1000 };
	uint64_t before = 0, after = 0, t0;

	vcpu_stat(r->vcpu, "exits", &before);
	t0 = now_ns();
	vcpu_call(r->vcpu, &c, guest_touch, r->gpa, r->size, host_page(), 1,
		  rep + 1);
	*ns = now_ns() - t0;
	if (c.status != CALL_OK) {
		char why[sizeof(sample.why)];

		snprintf(why, sizeof(why), "populating: %s: %.150s",
			 call_status_name(c.status), c.msg);
		child_end(&sample, sample_fd, 1, why);
	}
	vcpu_stat(r->vcpu, "exits", &after);
	return after - before;
}

static int timed_op(struct rig *r, enum unmap_op op, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	int ret = 0;

	switch (op) {
	case UNMAP_DELETE_SLOT:
		ret = vm_delete_slot(r->vm, r->slot);
		break;
	case UNMAP_MUNMAP:
		ret = munmap(r->b.hva, r->size) ? -errno : 0;
		break;
	case UNMAP_DONTNEED:
		ret = madvise(r->b.hva, r->size, MADV_DONTNEED) ? -errno : 0;
		break;
	case UNMAP_MPROTECT_RO:
		ret = mprotect(r->b.hva, r->size, PROT_READ) ? -errno : 0;
		break;
	case UNMAP_PUNCH_HOLE:
		ret = fallocate(r->b.fd, FALLOC_FL_PUNCH_HOLE |
				FALLOC_FL_KEEP_SIZE, 0, r->size) ? -errno : 0;
		break;
	default:
		ret = -EINVAL;
	}
	*ns = now_ns() - t0;
	return ret;
}

/* Undo the op, untimed, so the next repeat starts from a live slot. */
static int restore(struct rig *r, enum unmap_op op)
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
		ret = backing_create(r->ops, r->size, &r->b);
		return ret ? ret : rig_slot(r);
	case UNMAP_MPROTECT_RO:
		return mprotect(r->b.hva, r->size, PROT_READ | PROT_WRITE) ?
		       -errno : 0;
	default:
		return 0;
	}
}

/*
 * One untimed delete under kprobes: which TLBI path the unmap walker took
 * (tlbi_classify()). Probing would slow the timed deletes down.
 */
static void probe_tlbi(struct rig *r, struct sample *s)
{
	struct kprobe_count k;
	uint64_t ns;
	int ret;

	populate(r, 0, &ns);
	if (kprobe_count_init(&k)) {
		snprintf(s->tlbi_why, sizeof(s->tlbi_why), "%s", k.why);
		return;
	}
	kprobe_count_add(&k, "range", "kvm_tlb_flush_vmid_range");
	kprobe_count_add(&k, "ipa", "__kvm_tlb_flush_vmid_ipa");
	ret = kprobe_count_start(&k);
	if (!ret)
		ret = vm_delete_slot(r->vm, r->slot);
	s->tlbi_range = kprobe_count_hits(&k, 0);
	s->tlbi_ipa = kprobe_count_hits(&k, 1);
	kprobe_count_stop(&k);
	snprintf(s->tlbi_why, sizeof(s->tlbi_why), "%s", k.why);
	if (ret || rig_slot(r))
		child_end(s, sample_fd, 1, "delete under kprobes failed");
	s->tlbi_probed = true;
}

static void child(const struct bench *bn, unsigned int mib, int repeats,
		  const bool *want, int fd)
{
	struct sample *s = &sample;
	struct rig r = { .ops = bench_ops(bn), .size = (uint64_t)mib << 20 };
	char why[200];
	size_t o;
	int rep, ret;

	sample_fd = fd;
	alarm(CHILD_TIMEOUT_S);
	if (kernel_facts()->kvm)
		child_end(s, fd, 4, "no /dev/kvm");
	if (!r.ops)
		child_end(s, fd, 4, "backing kind not built in");
	ret = backing_create(r.ops, r.size, &r.b);
	if (ret) {
		snprintf(why, sizeof(why), "%s: %s", bn->backing,
			 r.b.why[0] ? r.b.why : strerror(-ret));
		child_end(s, fd, ret == -EOPNOTSUPP || ret == -ENOMEM ? 4 : 1,
			  why);
	}
	r.vm = vm_create_default();
	r.vcpu = vcpu_add_default(r.vm);
	r.gpa = vm_alloc_gpa(r.vm, r.size);
	ret = rig_slot(&r);
	if (ret)
		child_end(s, fd, 1, strerror(-ret));
	vm_map(r.vm, r.gpa, r.gpa, r.size, MAP_MT(MT_NORMAL) | MAP_BLOCK);
	if (!tlbi_seen.done && bn->page == host_page())
		probe_tlbi(&r, s);
	for (o = 0; o < NR_OPS; o++) {
		for (rep = 0; want[o] && rep < repeats; rep++) {
			s->exits[o][rep] = populate(&r, rep,
						    &s->fill_ns[o][rep]);
			ret = timed_op(&r, ops[o], &s->ns[o][rep]);
			if (!ret)
				ret = restore(&r, ops[o]);
			if (ret) {
				snprintf(why, sizeof(why), "%s: %s",
					 unmap_op_name(ops[o]),
					 strerror(-ret));
				child_end(s, fd, 1, why);
			}
		}
	}
	child_end(s, fd, 0, "");
}

/* Parent side */

static void run_child(const struct bench *bn, unsigned int mib, int repeats,
		      const bool *want, struct sample *s)
{
	int fds[2], status;
	ssize_t n = 0, got;
	pid_t pid;

	memset(s, 0, sizeof(*s));
	fflush(stdout);
	pid = pipe(fds) ? -1 : fork();
	if (pid < 0) {
		s->status = 1;
		snprintf(s->why, sizeof(s->why), "pipe/fork: %s",
			 strerror(errno));
		return;
	}
	if (!pid) {
		close(fds[0]);
		child(bn, mib, repeats, want, fds[1]);
	}
	close(fds[1]);
	while (n < (ssize_t)sizeof(*s) &&
	       (got = read(fds[0], (char *)s + n, sizeof(*s) - n)) > 0)
		n += got;
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (n != (ssize_t)sizeof(*s)) {
		s->status = 1;
		if (WIFSIGNALED(status))
			snprintf(s->why, sizeof(s->why), "measurement died: "
				 "signal %d%s", WTERMSIG(status),
				 WTERMSIG(status) == SIGALRM ?
				 " (timeout)" : "");
		else
			snprintf(s->why, sizeof(s->why), "measurement exited "
				 "%d (see stderr)", WEXITSTATUS(status));
	}
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
static struct bench_report report = {
	.metric_prefix = "unmap",
	.nr_labels = 3,
	.label_key = { "backing", "granule", "op" },
	.stat_key = { "ns_per_page", "ns_per_gib", "populate_exits",
		      "fill_ns_per_page" },
	.cols = table_cols,
	.nr_cols = ARRAY_SIZE(table_cols),
	.nr_fit_labels = 2,
	.fit_label = { L_BACKING, L_OP },
	.total_stat = ST_TOTAL,
};

static void print_row(int n, const struct bench_row *r)
{
	const struct bench_stat *page = &r->stat[ST_PAGE];

	if (r->status == 4) {
		printf("ok %d %s # SKIP %s\n", n, r->name, r->why);
		return;
	}
	if (r->status) {
		printf("not ok %d %s # %s\n", n, r->name, r->why);
		return;
	}
	printf("# metric unmap.%s.ns_per_page=%.0f unit=ns\n", r->name,
	       page->med);
	printf("# metric unmap.%s.ns_per_page_min=%.0f unit=ns\n", r->name,
	       page->min);
	printf("# metric unmap.%s.ns_per_page_max=%.0f unit=ns\n", r->name,
	       page->max);
	printf("# metric unmap.%s.ns_per_gib=%.0f unit=ns\n", r->name,
	       r->stat[ST_GIB].med);
	printf("ok %d %s # ns_per_page=%.0f (min %.0f, max %.0f) "
	       "ms_per_gib=%.2f populate_exits=%.0f\n", n, r->name,
	       page->med, page->min, page->max, r->stat[ST_GIB].med / 1e6,
	       r->stat[ST_EXITS].med);
}

static void add_rows(const struct bench *bn, unsigned int mib,
		     const struct sample *s, int repeats, const bool *want,
		     int status, const char *why)
{
	double pages = ((double)mib * (1 << 20)) / bn->page;
	double gib = (double)mib / 1024;
	size_t o;

	for (o = 0; o < NR_OPS; o++) {
		struct bench_row *r;
		uint64_t f[MAX_REPEATS];
		int i;

		if (!want[o])
			continue;
		r = bench_add_row(&report);
		if (!r) {
			fprintf(stderr, "unmap_bench: out of memory\n");
			exit(1);
		}
		snprintf(r->name, sizeof(r->name), "%s.%s.%uM", bn->backing,
			 unmap_op_name(ops[o]), mib);
		r->label[L_BACKING] = bn->backing;
		r->label[L_GRANULE] = bn->granule;
		r->label[L_OP] = unmap_op_name(ops[o]);
		r->size = mib;
		r->pages = pages;
		r->status = status;
		snprintf(r->why, sizeof(r->why), "%s", why);
		if (status)
			continue;
		r->stat[ST_PAGE] = bench_stat(s->ns[o], repeats, 1 / pages);
		r->stat[ST_GIB] = bench_stat(s->ns[o], repeats, 1 / gib);
		r->stat[ST_TOTAL] = bench_stat(s->ns[o], repeats, 1);
		/* Minus the call's own two exits (ucall idle + return). */
		for (i = 0; i < repeats; i++)
			f[i] = s->exits[o][i] > 2 ? s->exits[o][i] - 2 : 0;
		r->stat[ST_EXITS] = bench_stat(f, repeats, 1);
		r->stat[ST_FILL] = bench_stat(s->fill_ns[o], repeats,
					      1 / pages);
	}
}

static int write_json(const char *path, const struct opts *o,
		      const struct expect *tlbi)
{
	const struct kernel_facts *kf = kernel_facts();
	FILE *f = fopen(path, "w");
	struct bench_json j;

	if (!f)
		return -errno;
	bench_json_begin(&j, f);
	bench_json_str(&j, "bench", "unmap_bench");
	bench_json_str(&j, "kernel", kf->release);
	bench_json_int(&j, "repeats", o->repeats);
	bench_json_object(&j, "tlbi", false);
	bench_json_int(&j, "tlbirange", kf->tlbirange);
	bench_json_int(&j, "fwb", kf->fwb);
	bench_json_str(&j, "expected", tlbi_strategy_name(tlbi->out.value));
	bench_json_str(&j, "observed", tlbi_seen.done ?
		       tlbi_strategy_name(tlbi_classify(tlbi_seen.range,
							tlbi_seen.ipa,
							tlbi_seen.leaves)) :
		       "unmeasured");
	bench_json_str(&j, "reason", tlbi->reason);
	bench_json_close(&j);
	bench_json_report(&j, &report);
	bench_json_end(&j);
	return fclose(f) ? -errno : 0;
}

static bool selected(const struct opts *o, const struct bench *bn,
		     unsigned int mib, enum unmap_op op)
{
	const struct backing_ops *b = bench_ops(bn);
	char name[96];

	if (b && !unmap_op_applies(op, b->vma))
		return false;
	snprintf(name, sizeof(name), "%s.%s.%uM", bn->backing,
		 unmap_op_name(op), mib);
	return !o->filter || !fnmatch(o->filter, name, 0);
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

static int usage(FILE *f, int ret)
{
	fprintf(f, "usage: unmap_bench [--json FILE] [--repeats N] "
		"[--filter GLOB] [--sizes GRAN=MiB,...] [--list]\n"
		"Times stage-2 teardown (slot delete, munmap, MADV_DONTNEED, "
		"mprotect) per granule and size.\n");
	return ret;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && i + 1 < argc)
			o->json = argv[++i];
		else if (!strcmp(argv[i], "--filter") && i + 1 < argc)
			o->filter = argv[++i];
		else if (!strcmp(argv[i], "--repeats") && i + 1 < argc)
			o->repeats = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
			if (parse_sizes(argv[++i]))
				return usage(stderr, 2);
		} else if (!strcmp(argv[i], "--list"))
			o->list = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return usage(stdout, -1);
		else
			return usage(stderr, 2);
	}
	if (o->repeats < 1 || o->repeats > MAX_REPEATS) {
		fprintf(stderr, "--repeats wants 1..%d\n", MAX_REPEATS);
		return 2;
	}
	return 0;
}

static int nr_want(const bool *want)
{
	size_t o;
	int n = 0;

	for (o = 0; o < NR_OPS; o++)
		n += want[o];
	return n;
}


/* Measure one backing at one size (a child), print its TAP lines. */
static void run_size(const struct opts *o, const struct bench *bn,
		     unsigned int mib, int *n)
{
	static struct sample s;
	char why[200] = "";
	bool want[NR_OPS], any = false;
	int status = 0, i, first = report.nr_rows;
	size_t op;

	for (op = 0; op < NR_OPS; op++)
		any |= want[op] = selected(o, bn, mib, ops[op]);
	if (!any)
		return;
	{
		uint64_t t0 = now_ns();

		run_child(bn, mib, o->repeats, want, &s);
		status = s.status;
		snprintf(why, sizeof(why), "%s", s.why);
		if (!status && s.tlbi_probed && !tlbi_seen.done) {
			tlbi_seen.done = true;
			tlbi_seen.range = s.tlbi_range;
			tlbi_seen.ipa = s.tlbi_ipa;
			tlbi_seen.leaves = ((uint64_t)mib << 20) / bn->page;
			snprintf(tlbi_seen.why, sizeof(tlbi_seen.why), "%s",
				 s.tlbi_why);
		}
		printf("# %s %uM: %d repeats of %d ops in %.1f s\n",
		       bn->backing, mib, o->repeats, nr_want(want),
		       (now_ns() - t0) / 1e9);
	}
	add_rows(bn, mib, &s, o->repeats, want, status, why);
	for (i = first; i < report.nr_rows; i++)
		print_row(++*n, &report.rows[i]);
}

/* The one verdict: the TLBI path measured against row 40. */
static int print_tlbi(int n, const struct expect *e)
{
	enum tlbi_strategy seen;

	if (!tlbi_seen.done) {
		printf("ok %d tlbi_strategy # SKIP no host-page bench ran "
		       "under kprobes%s%s\n", n, tlbi_seen.why[0] ? ": " : "",
		       tlbi_seen.why);
		return 0;
	}
	seen = tlbi_classify(tlbi_seen.range, tlbi_seen.ipa, tlbi_seen.leaves);
	printf("# tlbi: deleting %llu leaves: kvm_tlb_flush_vmid_range %ld, "
	       "__kvm_tlb_flush_vmid_ipa %ld calls (-1: not probed)\n",
	       (unsigned long long)tlbi_seen.leaves, tlbi_seen.range,
	       tlbi_seen.ipa);
	printf("# metric unmap.tlbi_range=%d unit=bool\n",
	       seen == TLBI_UNKNOWN ? -1 : seen == TLBI_RANGE);
	if ((seen == TLBI_UNKNOWN &&
	     (tlbi_seen.range < 0 || tlbi_seen.ipa < 0)) ||
	    e->out.value == TLBI_UNKNOWN) {
		printf("ok %d tlbi_strategy # SKIP observed=%s expected=%s "
		       "(%s)\n", n, tlbi_strategy_name(seen),
		       tlbi_strategy_name(e->out.value), e->reason);
		return 0;
	}
	printf("%sok %d tlbi_strategy # observed=%s expected=%s (%s)\n",
	       seen == e->out.value ? "" : "not ", n, seen == TLBI_UNKNOWN ?
	       "neither" : tlbi_strategy_name(seen),
	       tlbi_strategy_name(e->out.value), e->reason);
	return seen != e->out.value;
}

int main(int argc, char **argv)
{
	struct opts o = { .repeats = 5 };
	const struct kernel_facts *kf;
	int ret, n = 0, total = 0, failed = 0;
	const unsigned int *mib;
	struct expect tlbi;
	char facts[512];
	size_t b, op;
	uint64_t t0;
	int i;

	bench_sizes();
	ret = parse(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	for (b = 0; b < ARRAY_SIZE(benches); b++)
		for (mib = benches[b].sizes; *mib; mib++)
			for (op = 0; op < NR_OPS; op++) {
				if (!selected(&o, &benches[b], *mib, ops[op]))
					continue;
				if (o.list)
					printf("%s.%s.%uM\n",
					       benches[b].backing,
					       unmap_op_name(ops[op]), *mib);
				total++;
			}
	if (o.list)
		return 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	kf = kernel_facts();
	tlbi = expect_unmap_tlbi(kf);
	facts_format(kf, facts, sizeof(facts));
	printf("TAP version 13\n# unmap_bench: stage-2 teardown latency by "
	       "granule, op and size (row 40)\n# %s\n", facts);
	printf("# tlbi expected: %s (%s)\n", tlbi_strategy_name(tlbi.out.value),
	       tlbi.reason);
	/* What row 40 predicts, not what was measured: named so. */
	printf("# metric unmap.tlbi_range_expected=%d unit=bool\n",
	       tlbi.out.value == TLBI_UNKNOWN ? -1 :
	       tlbi.out.value == TLBI_RANGE);
	printf("1..%d\n", total + 1);
	t0 = now_ns();
	for (b = 0; b < ARRAY_SIZE(benches); b++)
		for (mib = benches[b].sizes; *mib; mib++)
			run_size(&o, &benches[b], *mib, &n);
	failed += print_tlbi(++n, &tlbi);
	bench_fit_rows(&report);
	printf("# teardown time, median of %d (min..max); page = stage-2 "
	       "granule; exits = exits while populating (a fault per page, "
	       "plus interrupts); fill = populate time per page\n", o.repeats);
	bench_print_table(&report, stdout);
	bench_print_fits(&report, stdout);
	printf("# metric unmap.bench_wall_s=%.1f unit=s\n",
	       (now_ns() - t0) / 1e9);
	for (i = 0; i < report.nr_rows; i++)
		failed += report.rows[i].status && report.rows[i].status != 4;
	ret = o.json ? write_json(o.json, &o, &tlbi) : 0;
	if (ret) {
		fprintf(stderr, "unmap_bench: writing %s: %s\n", o.json,
			strerror(-ret));
		return 1;
	}
	return failed ? 1 : 0;
}
