// SPDX-License-Identifier: GPL-2.0
/*
 * suite.c - the one main() of every test binary: the options, the cases
 * made from the binary's suite description, and the runner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backing.h"
#include "kernel_facts.h"
#include "kprobe_count.h"
#include "model/expect_mode.h"
#include "suite.h"
#include "vm.h"

/* The suite as init() left it. */
static struct suite suite;

struct cases {
	struct kase *k;
	struct test_case *tc;
	int n;
};

static void usage(const struct suite *s, FILE *f)
{
	fprintf(f, "usage: %s [--list] [--facts] [--budget] [--filter GLOB]"
		"%s%s\n%s\n",
		s->name,
		s->options ? " " : "", s->options ? s->options : "",
		s->summary);
}

static bool applies(const struct check *c, const struct backing_ops *ops,
		    const char *kind)
{
	if (c->kind && strcmp(c->kind, kind))
		return false;
	/* A kind that is not built in still gets its cases: they SKIP. */
	if (!ops)
		return !c->vma && !c->applies;
	if (c->vma && !(ops->vma & c->vma))
		return false;
	return !c->applies || c->applies(ops, c);
}

/* The kinds: the suite's list, else every registered backing. */
static const char *const *suite_kinds(const struct suite *s)
{
	const struct backing_ops *const *b;
	static const char **all;
	int n = 0;

	if (s->kinds)
		return s->kinds;
	for_each_backing(b)
		n++;
	all = calloc(n + 1, sizeof(*all));
	if (!all) {
		perror("calloc");
		exit(1);
	}
	n = 0;
	for_each_backing(b)
		all[n++] = (*b)->name;
	return all;
}

static void add(struct cases *cs, const struct suite *s,
		const struct check *c, const char *kind)
{
	struct kase *k;

	cs->k = realloc(cs->k, (cs->n + 1) * sizeof(*cs->k));
	if (!cs->k) {
		perror("realloc");
		exit(1);
	}
	k = &cs->k[cs->n++];
	memset(k, 0, sizeof(*k));
	k->check = c;
	k->kind = kind;
	k->ops = kind ? backing_find(kind) : NULL;
	if (kind && !applies(c, k->ops, kind)) {
		cs->n--;
		return;
	}
	if (kind)
		snprintf(k->name, sizeof(k->name), "%s%s%s", kind,
			 s->sep ? s->sep : "/", c->name);
	else
		snprintf(k->name, sizeof(k->name), "%s", c->name);
}

/* Checks [first, end) on every kind, in the suite's order. */
static void add_run(struct cases *cs, const struct suite *s,
		    const char *const *kinds, size_t first, size_t end)
{
	const char *const *kind;
	size_t i;

	if (s->by_check) {
		for (i = first; i < end; i++)
			for (kind = kinds; *kind; kind++)
				add(cs, s, &s->checks[i], *kind);
		return;
	}
	for (kind = kinds; *kind; kind++)
		for (i = first; i < end; i++)
			add(cs, s, &s->checks[i], *kind);
}

static struct cases make_cases(const struct suite *s)
{
	const char *const *kinds = suite_kinds(s);
	struct cases cs = { 0 };
	size_t i = 0, end;

	while (i < s->nr_checks) {
		if (s->checks[i].single) {
			add(&cs, s, &s->checks[i++], NULL);
			continue;
		}
		for (end = i; end < s->nr_checks && !s->checks[end].single;)
			end++;
		add_run(&cs, s, kinds, i, end);
		i = end;
	}
	cs.tc = calloc(cs.n ? cs.n : 1, sizeof(*cs.tc));
	if (!cs.tc) {
		perror("calloc");
		exit(1);
	}
	return cs;
}

/* Each selected kind's once-per-binary set-up, before any case forks. */
static void preload_kinds(const struct cases *cs, const char *filter)
{
	const struct backing_ops *done[16];
	size_t i, j, n = 0;

	for (i = 0; i < (size_t)cs->n; i++) {
		const struct backing_ops *ops = cs->k[i].ops;

		if (!ops || !ops->preload ||
		    !test_selected(filter, cs->k[i].name))
			continue;
		for (j = 0; j < n && done[j] != ops; j++)
			;
		if (j < n || n == ARRAY_SIZE(done))
			continue;
		done[n++] = ops;
		ops->preload(ops);
	}
}

/* In the case's child: the test's state, its set-up, then the check. */
static void run_kase(const struct test_case *tc, struct result *res)
{
	const struct kase *k = tc->k;
	struct ctx *ctx = calloc(1, suite.ctx_size ? suite.ctx_size : 1);
	char why[256];

	if (!ctx)
		test_fail("calloc: out of memory");
	/* Every case needs KVM: one place says so. */
	if (kernel_facts()->kvm)
		test_skip("/dev/kvm: %s", strerror(-kernel_facts()->kvm));
	if (k->kind && !k->ops)
		test_skip("backing %s is not built in", k->kind);
	if (k->ops && !mode_case_runs(kernel_facts(), k->ops->vma,
				      k->check->access, why, sizeof(why)))
		test_skip("%s", why);
	if (suite.setup)
		suite.setup(ctx, k);
	/* A set-up may decide the case itself (an expected refusal). */
	if (!res->decided)
		k->check->run(ctx, res);
}

static void print_facts(void)
{
	char line[1024];

	facts_format(kernel_facts(), line, sizeof(line));
	printf("%s\n", line);
}

/* 0 to go on, else the exit code. */
static int parse(const struct suite *s, int argc, char **argv, bool *list,
		 bool *budget, const char **filter)
{
	const char *next;
	int i, used;

	for (i = 1; i < argc; i++) {
		next = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--list")) {
			*list = true;
		} else if (!strcmp(argv[i], "--budget")) {
			*budget = true;
		} else if (!strcmp(argv[i], "--facts")) {
			/* The runner checks the KVM mode before any case. */
			print_facts();
			exit(0);
		} else if (!strcmp(argv[i], "--filter") && next) {
			*filter = argv[++i];
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			usage(s, stdout);
			exit(0);
		} else if (s->option &&
			   (used = s->option(argv[i], next)) >= 0) {
			i += used;
		} else {
			fprintf(stderr, "%s: bad argument '%s'\n", s->name,
				argv[i]);
			usage(s, stderr);
			return 2;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct suite *s = &suite;
	const char *filter = NULL;
	struct result *results;
	bool list = false, budget = false;
	struct cases cs;
	int i, ret;

	suite = s2_suite;
	ret = parse(s, argc, argv, &list, &budget, &filter);
	if (!ret && s->init)
		ret = s->init(s);
	if (ret)
		return ret;
	cs = make_cases(s);
	if (list) {
		for (i = 0; i < cs.n; i++)
			printf("%s\n", cs.k[i].name);
		return 0;
	}
	for (i = 0; i < cs.n; i++) {
		cs.tc[i].k = &cs.k[i];
		cs.tc[i].fn = run_kase;
		cs.tc[i].timeout_s = cs.k[i].check->timeout_s ?
				     cs.k[i].check->timeout_s : s->timeout_s;
	}
	/* The plan's time: run_direct.sh's limit for this binary. */
	if (budget) {
		printf("%d\n", test_budget(cs.tc, cs.n, filter));
		return 0;
	}
	vm_preload();
	preload_kinds(&cs, filter);
	results = calloc(cs.n ? cs.n : 1, sizeof(*results));
	if (!results) {
		perror("calloc");
		return 1;
	}
	ret = test_run(s, cs.tc, cs.n, filter, results);
	/* The kprobe events the cases shared (s2_watch.h) go with us. */
	kprobe_count_release(getpid());
	return ret;
}
