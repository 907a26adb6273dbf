// SPDX-License-Identifier: GPL-2.0
/*
 * unmap_bench - how long the host takes to tear down a populated stage 2:
 * the guest writes every 4K page of an N-MiB slot, then the host times one
 * of KVM_SET_USER_MEMORY_REGION(size 0), munmap, MADV_DONTNEED or
 * mprotect(PROT_READ), all of which unmap the range at stage 2 before
 * they return (spec §3.2). Stage-2 granules 4K (anon_4k), 2M (anon_thp,
 * hugetlb_private) and 1G (a 1 GiB hugetlb page, when the VM has one).
 *
 * Row 40: 6.1 issues one TLBI per leaf; 6.6+ defers them to one range
 * TLBI per <= 1 GiB chunk iff the CPU has TLBIRANGE and FWB, so the
 * header says which one this kernel uses. Not pass/fail: every measured
 * configuration is an "ok" TAP line with its numbers and "# metric"
 * lines; what cannot run is a SKIP; "not ok" only when something broke.
 *
 * The times include the host's own work (freeing pages, host TLBIs):
 * that is what a VMM waits for. Under QEMU TCG they show relative cost
 * (granule, op, kernel), not what hardware would take.
 */
#include <errno.h>
#include <fnmatch.h>
#include <linux/mman.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backing.h"
#include "expect.h"
#include "probe.h"
#include "test.h"
#include "vm.h"

#define MAX_REPEATS	15
#define MAX_SIZES	6
#define CHILD_TIMEOUT_S	120
#define HUGE_1G_SYSFS	"/sys/kernel/mm/hugepages/hugepages-1048576kB/" \
			"nr_hugepages"

static const enum unmap_op ops[] = {
	UNMAP_DELETE_SLOT, UNMAP_MUNMAP, UNMAP_DONTNEED, UNMAP_MPROTECT_RO,
};
#define NR_OPS	ARRAY_SIZE(ops)

struct bench {
	const char *backing;
	const char *granule;
	uint64_t page;			/* stage-2 granule */
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
	{ "anon_4k", "4K", SZ_4K, { 4, 8, 16 } },
	{ "anon_thp", "2M", SZ_2M, { 64, 128, 256, 512, 1024 } },
	{ "hugetlb_private", "2M", SZ_2M, { 32, 64, 96, 128 } },
	{ "hugetlb_1g", "1G", SZ_1G, { 1024 } },
};

/* What one child measures: one backing at one size, every op. */
struct sample {
	int status;			/* 0 ok, 4 skip, else failed */
	char why[200];
	uint64_t ns[NR_OPS][MAX_REPEATS];
	uint64_t exits[NR_OPS][MAX_REPEATS];	/* during the populate */
	uint64_t fill_ns[NR_OPS][MAX_REPEATS];	/* the populate's time */
};

struct opts {
	int repeats;
	const char *json;
	const char *filter;
	bool list;
};

/* The 1G granule is no registered backing: no other test can use one. */
static int hugetlb_1g_create(struct backing *b, uint64_t size)
{
	return backing_mmap(b, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			    MAP_HUGE_1GB, -1, SZ_4K);
}

static const struct backing_ops hugetlb_1g = {
	.name = "hugetlb_1g",
	.desc = "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_1GB",
	.vma = VMA_ANON | VMA_HUGETLB,
	.page_size = SZ_1G,
	.create = hugetlb_1g_create,
	.destroy = backing_generic_destroy,
};

static const struct backing_ops *bench_ops(const struct bench *bn)
{
	if (!strcmp(bn->backing, "hugetlb_1g"))
		return &hugetlb_1g;
	return backing_find(bn->backing);
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
	return vm_add_slot(r->vm, r->gpa, r->size, r->b.hva, 0, &r->slot);
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
	vcpu_call(r->vcpu, &c, guest_touch, r->gpa, r->size, SZ_4K, 1,
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct stat3 {
	double min, med, max;
};

static struct stat3 stats(const uint64_t *v, int n, double scale)
{
	uint64_t s[MAX_REPEATS];
	struct stat3 r;

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_u64);
	r.min = s[0] * scale;
	r.max = s[n - 1] * scale;
	r.med = (n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0) * scale;
	return r;
}

/* One measured configuration, for the table and the JSON file. */
struct cfg {
	const struct bench *bn;
	unsigned int mib;
	enum unmap_op op;
	int status;
	char why[200];
	struct stat3 page, gib, exits, fill;
};

static struct cfg *cfgs;
static int nr_cfgs;

static void cfg_name(const struct cfg *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s.%s.%uM", c->bn->backing, unmap_op_name(c->op),
		 c->mib);
}

static void print_cfg(int n, const struct cfg *c)
{
	char name[96];

	cfg_name(c, name, sizeof(name));
	if (c->status == 4) {
		printf("ok %d %s # SKIP %s\n", n, name, c->why);
		return;
	}
	if (c->status) {
		printf("not ok %d %s # %s\n", n, name, c->why);
		return;
	}
	printf("# metric unmap.%s.ns_per_page=%.0f unit=ns\n", name,
	       c->page.med);
	printf("# metric unmap.%s.ns_per_page_min=%.0f unit=ns\n", name,
	       c->page.min);
	printf("# metric unmap.%s.ns_per_page_max=%.0f unit=ns\n", name,
	       c->page.max);
	printf("# metric unmap.%s.ns_per_gib=%.0f unit=ns\n", name,
	       c->gib.med);
	printf("ok %d %s # ns_per_page=%.0f (min %.0f, max %.0f) "
	       "ms_per_gib=%.2f populate_exits=%.0f\n", n, name, c->page.med,
	       c->page.min, c->page.max, c->gib.med / 1e6, c->exits.med);
}

static void add_cfgs(const struct bench *bn, unsigned int mib,
		     const struct sample *s, int repeats, const bool *want,
		     int status, const char *why)
{
	double pages = ((double)mib * (1 << 20)) / bn->page;
	double gib = (double)mib / 1024;
	size_t o;

	for (o = 0; o < NR_OPS; o++) {
		struct cfg *c = &cfgs[nr_cfgs];
		uint64_t f[MAX_REPEATS];
		int i;

		if (!want[o])
			continue;
		nr_cfgs++;
		c->bn = bn;
		c->mib = mib;
		c->op = ops[o];
		c->status = status;
		snprintf(c->why, sizeof(c->why), "%s", why);
		if (status)
			continue;
		c->page = stats(s->ns[o], repeats, 1 / pages);
		c->gib = stats(s->ns[o], repeats, 1 / gib);
		/* Minus the call's own two exits (ucall idle + return). */
		for (i = 0; i < repeats; i++)
			f[i] = s->exits[o][i] > 2 ? s->exits[o][i] - 2 : 0;
		c->exits = stats(f, repeats, 1);
		c->fill = stats(s->fill_ns[o], repeats, 1 / pages);
	}
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fprintf(f, "%ld\n", v) < 0;
	return fclose(f) || ret ? -EIO : 0;
}

#define HUGE_1G_FREE	"/sys/kernel/mm/hugepages/hugepages-1048576kB/" \
			"free_hugepages"

/*
 * A free 1 GiB page: one reserved at boot, else one more at run time
 * (after compaction). Returns the nr_hugepages to restore, or -1.
 */
static long reserve_1g(char *why, size_t n)
{
	long old = read_long(HUGE_1G_SYSFS);

	if (old < 0) {
		snprintf(why, n, "no 1 GiB huge page support (%s)",
			 HUGE_1G_SYSFS);
		return -1;
	}
	if (read_long(HUGE_1G_FREE) > 0)
		return old;
	write_long("/proc/sys/vm/compact_memory", 1);
	write_long(HUGE_1G_SYSFS, old + 1);
	if (read_long(HUGE_1G_FREE) > 0)
		return old;
	write_long(HUGE_1G_SYSFS, old);
	snprintf(why, n, "no free 1 GiB page: none reserved at boot "
		 "(cma=0 hugepagesz=1G hugepages=1) and no free aligned GiB "
		 "at run time, even after compaction");
	return -1;
}

static void print_table(const struct opts *o)
{
	int i;

	printf("# teardown time, median of %d (min..max); page = stage-2 "
	       "granule; exits = exits while populating (a fault per page, "
	       "plus interrupts); fill = populate time per page\n", o->repeats);
	printf("# %-15s %-4s %-11s %6s %7s %10s %21s %9s %11s\n", "backing",
	       "gran", "op", "size", "exits", "ns/page", "(min..max)",
	       "ms/GiB", "fill_ns/pg");
	for (i = 0; i < nr_cfgs; i++) {
		const struct cfg *c = &cfgs[i];
		char range[48];

		if (c->status) {
			printf("# %-15s %-4s %-11s %5uM %s\n", c->bn->backing,
			       c->bn->granule, unmap_op_name(c->op), c->mib,
			       c->status == 4 ? "skipped" : "failed");
			continue;
		}
		snprintf(range, sizeof(range), "(%.0f..%.0f)", c->page.min,
			 c->page.max);
		printf("# %-15s %-4s %-11s %5uM %7.0f %10.0f %21s %9.2f "
		       "%11.0f\n", c->bn->backing, c->bn->granule,
		       unmap_op_name(c->op), c->mib, c->exits.med,
		       c->page.med, range, c->gib.med / 1e6, c->fill.med);
	}
}

/*
 * Least squares of the total time against size, per op, over the
 * per-size minimum (host preemption only ever adds time, so the minimum
 * is the steadiest estimate of the work) and over the median.
 */
struct fitrow {
	const struct bench *bn;
	enum unmap_op op;
	int n;
	struct unmap_fit min, med;	/* x: MiB, y: ns */
};

static int fits(struct fitrow *rows)
{
	int nr = 0, i;
	size_t b, o;

	for (b = 0; b < ARRAY_SIZE(benches); b++) {
		for (o = 0; o < NR_OPS; o++) {
			double x[MAX_SIZES], lo[MAX_SIZES], mid[MAX_SIZES];
			int n = 0;

			for (i = 0; i < nr_cfgs; i++) {
				const struct cfg *c = &cfgs[i];

				if (c->bn != &benches[b] || c->op != ops[o] ||
				    c->status)
					continue;
				x[n] = c->mib;
				lo[n] = c->gib.min * c->mib / 1024;
				mid[n++] = c->gib.med * c->mib / 1024;
			}
			if (n < 2)
				continue;
			rows[nr].bn = &benches[b];
			rows[nr].op = ops[o];
			rows[nr].n = n;
			rows[nr].min = unmap_fit_linear(x, lo, n);
			rows[nr++].med = unmap_fit_linear(x, mid, n);
		}
	}
	return nr;
}

static double per_page(const struct fitrow *r, const struct unmap_fit *f)
{
	return f->slope * r->bn->page / (1 << 20);
}

static double per_gib_ms(const struct unmap_fit *f)
{
	return f->slope * 1024 / 1e6;
}

static const char *linear_name(int linear)
{
	return linear < 0 ? "n/a" : linear ? "yes" : "no";
}

static void print_fits(const struct fitrow *rows, int nr)
{
	char name[96];
	int i;

	printf("# cost against size: least-squares slope over the per-size "
	       "min (and median); linear: r2 >= 0.95 over >= 3 sizes\n");
	printf("# %-15s %-11s %5s %11s %9s %12s %6s %6s %11s %6s\n",
	       "backing", "op", "sizes", "ns/page", "ms/GiB", "intercept_us",
	       "r2", "linear", "ns/page.med", "r2.med");
	for (i = 0; i < nr; i++) {
		const struct fitrow *r = &rows[i];

		printf("# %-15s %-11s %5d %11.1f %9.2f %12.1f %6.3f %6s "
		       "%11.1f %6.3f\n", r->bn->backing, unmap_op_name(r->op),
		       r->n, per_page(r, &r->min), per_gib_ms(&r->min),
		       r->min.intercept / 1e3, r->min.r2,
		       linear_name(r->min.linear), per_page(r, &r->med),
		       r->med.r2);
	}
	for (i = 0; i < nr; i++) {
		const struct fitrow *r = &rows[i];

		snprintf(name, sizeof(name), "%s.%s", r->bn->backing,
			 unmap_op_name(r->op));
		printf("# metric unmap.%s.slope_ns_per_page=%.1f unit=ns\n",
		       name, per_page(r, &r->min));
		printf("# metric unmap.%s.slope_ms_per_gib=%.3f unit=ms\n",
		       name, per_gib_ms(&r->min));
		printf("# metric unmap.%s.r2=%.4f unit=1\n", name, r->min.r2);
		printf("# metric unmap.%s.slope_ns_per_page_median=%.1f "
		       "unit=ns\n", name, per_page(r, &r->med));
	}
}

static void json_fit(FILE *f, const char *key, const struct fitrow *r,
		     const struct unmap_fit *fit)
{
	fprintf(f, "\"%s\": {\"slope_ns_per_page\": %.2f, "
		"\"slope_ms_per_gib\": %.4f, \"intercept_ns\": %.0f, "
		"\"r2\": %.4f, \"linear\": \"%s\"}", key, per_page(r, fit),
		per_gib_ms(fit), fit->intercept, fit->r2,
		linear_name(fit->linear));
}

static void json_stat(FILE *f, const char *key, struct stat3 s)
{
	fprintf(f, "\"%s\": {\"min\": %.1f, \"median\": %.1f, "
		"\"max\": %.1f}", key, s.min, s.med, s.max);
}

static int write_json(const char *path, const struct opts *o,
		      const struct expect *tlbi, const struct fitrow *rows,
		      int nr)
{
	const struct kernel_facts *kf = kernel_facts();
	FILE *f = fopen(path, "w");
	char name[96];
	int i;

	if (!f)
		return -errno;
	fprintf(f, "{\n  \"bench\": \"unmap_bench\",\n  \"kernel\": "
		"\"%s\",\n  \"repeats\": %d,\n  \"tlbi\": {\"tlbirange\": "
		"%d, \"fwb\": %d, \"strategy\": \"%s\", \"reason\": "
		"\"%s\"},\n  \"results\": [", kf->release, o->repeats,
		kf->tlbirange, kf->fwb,
		tlbi_strategy_name(tlbi->out.value), tlbi->reason);
	for (i = 0; i < nr_cfgs; i++) {
		const struct cfg *c = &cfgs[i];

		cfg_name(c, name, sizeof(name));
		fprintf(f, "%s\n    {\"name\": \"%s\", \"backing\": \"%s\", "
			"\"granule\": \"%s\", \"op\": \"%s\", "
			"\"size_mib\": %u, ", i ? "," : "", name,
			c->bn->backing, c->bn->granule, unmap_op_name(c->op),
			c->mib);
		if (c->status) {
			fprintf(f, "\"status\": \"%s\", \"reason\": \"%s\"}",
				c->status == 4 ? "skip" : "fail", c->why);
			continue;
		}
		fprintf(f, "\"status\": \"ok\", \"pages\": %.0f, ",
			(double)c->mib * (1 << 20) / c->bn->page);
		json_stat(f, "ns_per_page", c->page);
		fprintf(f, ", ");
		json_stat(f, "ns_per_gib", c->gib);
		fprintf(f, ", ");
		json_stat(f, "populate_exits", c->exits);
		fprintf(f, ", ");
		json_stat(f, "fill_ns_per_page", c->fill);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n  \"fits\": [");
	for (i = 0; i < nr; i++) {
		fprintf(f, "%s\n    {\"backing\": \"%s\", \"op\": \"%s\", "
			"\"sizes\": %d, ", i ? "," : "", rows[i].bn->backing,
			unmap_op_name(rows[i].op), rows[i].n);
		json_fit(f, "over_min", &rows[i], &rows[i].min);
		fprintf(f, ", ");
		json_fit(f, "over_median", &rows[i], &rows[i].med);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ]\n}\n");
	return fclose(f) ? -errno : 0;
}

static bool selected(const struct opts *o, const struct bench *bn,
		     unsigned int mib, enum unmap_op op)
{
	char name[96];

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
	long old_1g = -1;
	int status = 0, i, first = nr_cfgs;
	size_t op;

	for (op = 0; op < NR_OPS; op++)
		any |= want[op] = selected(o, bn, mib, ops[op]);
	if (!any)
		return;
	if (bn->page == SZ_1G) {
		old_1g = reserve_1g(why, sizeof(why));
		if (old_1g < 0)
			status = 4;
	}
	if (!status) {
		uint64_t t0 = now_ns();

		run_child(bn, mib, o->repeats, want, &s);
		status = s.status;
		snprintf(why, sizeof(why), "%s", s.why);
		printf("# %s %uM: %d repeats of %d ops in %.1f s\n",
		       bn->backing, mib, o->repeats, nr_want(want),
		       (now_ns() - t0) / 1e9);
	}
	if (old_1g >= 0)
		write_long(HUGE_1G_SYSFS, old_1g);
	add_cfgs(bn, mib, &s, o->repeats, want, status, why);
	for (i = first; i < nr_cfgs; i++)
		print_cfg(++*n, &cfgs[i]);
}

int main(int argc, char **argv)
{
	struct opts o = { .repeats = 5 };
	const struct kernel_facts *kf;
	struct fitrow rows[ARRAY_SIZE(benches) * NR_OPS];
	int ret = parse(argc, argv, &o), n = 0, total = 0, failed = 0;
	const unsigned int *mib;
	struct expect tlbi;
	char facts[320];
	size_t b, op;
	uint64_t t0;
	int i, nr;

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
	cfgs = calloc(ARRAY_SIZE(benches) * MAX_SIZES * NR_OPS,
		      sizeof(*cfgs));
	setvbuf(stdout, NULL, _IOLBF, 0);
	kf = kernel_facts();
	tlbi = expect_unmap_tlbi(kf);
	facts_format(kf, facts, sizeof(facts));
	printf("TAP version 13\n# unmap_bench: stage-2 teardown latency by "
	       "granule, op and size (row 40)\n# %s\n", facts);
	printf("# tlbi: %s (%s)\n", tlbi_strategy_name(tlbi.out.value),
	       tlbi.reason);
	printf("# metric unmap.tlbi_range=%d unit=bool\n",
	       tlbi.out.value == TLBI_UNKNOWN ? -1 :
	       tlbi.out.value == TLBI_RANGE);
	printf("1..%d\n", total);
	t0 = now_ns();
	for (b = 0; b < ARRAY_SIZE(benches); b++)
		for (mib = benches[b].sizes; *mib; mib++)
			run_size(&o, &benches[b], *mib, &n);
	nr = fits(rows);
	print_table(&o);
	print_fits(rows, nr);
	printf("# metric unmap.bench_wall_s=%.1f unit=s\n",
	       (now_ns() - t0) / 1e9);
	for (i = 0; i < nr_cfgs; i++)
		failed += cfgs[i].status && cfgs[i].status != 4;
	ret = o.json ? write_json(o.json, &o, &tlbi, rows, nr) : 0;
	if (ret) {
		fprintf(stderr, "unmap_bench: writing %s: %s\n", o.json,
			strerror(-ret));
		return 1;
	}
	return failed ? 1 : 0;
}
