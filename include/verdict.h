/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verdict.h - the bottom of the framework: one case's result and the calls
 * that decide it. Any layer may call these (a VM that cannot be set up
 * ends its case with test_fail()); the runner (test.h) is the only caller
 * of verdict_begin() and verdict_finish().
 */
#ifndef S2_VERDICT_H
#define S2_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/compiler.h"
#include "model/expect.h"
#include "model/outcome.h"

/*
 * V_XFAIL: the kernel showed a known, named defect (kselftest XFAIL).
 * V_ERROR: the suite could not test, e.g. the VM harness failed to provide
 * a piece of the environment (test_skip_env()); TAP "not ok N case # ERROR".
 */
enum verdict { V_PASS, V_FAIL, V_SKIP, V_XFAIL, V_ERROR, V_NR };

#define RESULT_DATA	640

struct result {
	enum verdict verdict;
	bool decided;
	char observed[160];
	char expected[160];
	char reason[320];
	char diag[2048];	/* '\n'-separated lines printed as "# …" */
	size_t data_len;
	unsigned char data[RESULT_DATA];	/* metrics mode: see below */
};

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
/*
 * result_expect() of a count, told in words: observed and expected stand
 * for the numbers in the result (which page read which tag, say).
 */
void result_expect_text(struct result *res, uint64_t value,
			const struct expect *e, const char *observed,
			const char *expected);
void result_check(struct result *res, bool ok, const char *observed,
		  const char *expected, const char *reason);

/*
 * Metrics mode: a "# metric <name>=<value> unit=<unit>" line, and a
 * payload (at most RESULT_DATA bytes) the suite's report() gets back.
 */
void result_metric(struct result *res, const char *name, double value,
		   int prec, const char *unit);
/*
 * A benchmark case that measured what it set out to: "ok", with its
 * numbers in the metric lines; a benchmark judges nothing.
 */
void result_measured(struct result *res, const char *what);
void result_data(struct result *res, const void *data, size_t len);

/* The current case's result (valid inside a case's child). */
struct result *test_result(void);

/* Runner only: the case's result goes to fd when it ends. */
void verdict_begin(struct result *res, int fd);
void verdict_finish(void) __attribute__((noreturn));

#endif
