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

#include "expect.h"
#include "outcome.h"

/*
 * V_XFAIL: the kernel showed a known, named defect (kselftest XFAIL).
 * V_ERROR: the suite could not test, e.g. the VM harness failed to provide
 * a piece of the environment (test_skip_env()); TAP "not ok N case # ERROR".
 */
enum verdict { V_PASS, V_FAIL, V_SKIP, V_XFAIL, V_ERROR, V_NR };

struct result {
	enum verdict verdict;
	bool decided;
	char observed[160];
	char expected[160];
	char reason[320];
	char diag[2048];	/* '\n'-separated lines printed as "# …" */
};

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

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

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

/* In a case: end it now. Also usable from library code run by a case. */
void test_fail(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void test_skip(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* The suite could not test: kselftest's error, exit code 1. */
void test_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/*
 * SKIP for want of environment piece `piece` ("FIXTURE", "FSDAX", "DEVDAX",
 * "VFIO", "HUGETLB", "SWAP", "NUMA"), unless the harness promised it and
 * failed (S2_ENV_ERROR_<piece>=cause, set by vm/init): then ERROR.
 */
void test_skip_env(const char *piece, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

void result_diag(struct result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Decide the case from one comparison; later calls only add failures. */
void result_outcome(struct result *res, const struct outcome *obs,
		    const struct outcome *exp, const char *reason);
/*
 * result_outcome() against an expectation; a matched defect is XFAIL, an
 * expectation on an unknown fact a SKIP naming it.
 */
void result_expect(struct result *res, const struct outcome *obs,
		   const struct expect *e);
void result_check(struct result *res, bool ok, const char *observed,
		  const char *expected, const char *reason);

/* The current case's result (valid inside a case's child). */
struct result *test_result(void);

#endif
