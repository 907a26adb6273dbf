/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test.h - layer 7: cases, verdicts and TAP.
 *
 * Each case runs in a forked child, so a crash, a hang or a leaked VM in
 * one case never touches the next, and every case gets its own timeout.
 * The child reports one struct result through a pipe; the parent prints
 * kselftest TAP 13:
 *
 *   ok 3 anon_4k/exec # observed=completed=0x5a17 expected=… (row 3: …)
 *   ok 4 hugetlb_2m/create # SKIP no free 2M huge pages
 */
#ifndef S2_TEST_H
#define S2_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "verdict.h"

struct test_case {
	char name[96];
	void (*fn)(const struct test_case *tc, struct result *res);
	const void *arg;
	const void *arg2;
	int timeout_s;		/* 0: S2_CASE_TIMEOUT or 60 s */
};

/* A row of a test file's case table: a name and the case function. */
struct case_def {
	const char *name;
	void (*fn)(const struct test_case *tc, struct result *res);
};


struct test_suite {
	const char *name;
	const char *summary;	/* one line: which KVM behaviour */
	struct test_case *cases;
	int nr_cases;
};

/* Parse --list/--filter/--help, run the selected cases, return exit code. */
int test_main(int argc, char **argv, const struct test_suite *suite);

/* Append a case (names are printf-formatted); returns it for setup. */
struct test_case *suite_add(struct test_suite *suite,
			    void (*fn)(const struct test_case *,
				       struct result *),
			    const void *arg, const void *arg2,
			    const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
