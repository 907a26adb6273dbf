/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test.h - the runner: cases in children, kselftest TAP 13.
 *
 * Each case runs in a forked child, so a crash, a hang or a leaked VM in
 * one case never touches the next, and every case gets its own timeout.
 * The child reports one struct result through a pipe; the parent prints
 *
 *   ok 3 anon_4k/exec # observed=completed=0x5a17 expected=… (row 3: …)
 *   # duration_ms=41
 *   ok 4 hugetlb_private/create # SKIP hugetlb_private unavailable: …
 *
 * Tests do not call this: they describe themselves (suite.h) and the
 * framework's main() makes the cases and runs them here.
 */
#ifndef S2_TEST_H
#define S2_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "verdict.h"

struct kase;
struct suite;

struct test_case {
	const struct kase *k;
	void (*fn)(const struct test_case *tc, struct result *res);
	int timeout_s;		/* 0: S2_CASE_TIMEOUT or 60 s */
};

/*
 * The seconds cases[0..n) matching filter may take at most: the sum of
 * their per-case timeouts (run_direct.sh derives the binary's limit).
 */
int test_budget(const struct test_case *cases, int n, const char *filter);

/* Whether filter (a comma list of globs, NULL: all) selects name. */
bool test_selected(const char *filter, const char *name);

/*
 * Run cases[0..n) whose names match filter (NULL: all) and print their
 * TAP; results[i] gets case i's result (the suite's report() sees them).
 * Returns the exit code: 1 if any failed, 4 if all were skipped.
 */
int test_run(const struct suite *s, const struct test_case *cases, int n,
	     const char *filter, struct result *results);

#endif
