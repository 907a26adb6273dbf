/* SPDX-License-Identifier: GPL-2.0 */
/*
 * suite.h - a test binary as one description: which backing kinds, which
 * checks, which check applies to which kind, and the set-up around each.
 * The framework's main() (lib/suite.c) makes the cases from it, kind by
 * kind, and hands them to the runner (test.h):
 *
 *	static const struct check checks[] = {
 *		{ "create", check_create },
 *		{ "decode_off", check_decode_off, .vma = VMA_DEVICE },
 *	};
 *
 *	SUITE(.name = "device_memory_test",
 *	      .summary = "…",
 *	      .kinds = KINDS("vfio_bar", "fsdax_shared", "devdax"),
 *	      CHECKS(checks),
 *	      CTX(struct ctx, setup));
 *
 * gives vfio_bar/create, vfio_bar/decode_off, fsdax_shared/create, … Each
 * case runs in its own child: the framework allocates a zeroed struct ctx
 * (the test's own case state, opaque here), calls setup(ctx, kase), then
 * the check's run(ctx, res), unless setup() already decided the case
 * (test_result(): a kind that refuses the check's slot is its verdict).
 *
 * A benchmark is the same description with .metrics: its checks measure
 * and report "# metric" lines instead of deciding a verdict, and a
 * summary in the parent sees every case's result afterwards.
 */
#ifndef S2_SUITE_H
#define S2_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/expect_mode.h"
#include "test.h"

struct backing_ops;
struct ctx;		/* each test file defines its own */
struct suite;

struct check {
	const char *name;
	void (*run)(struct ctx *ctx, struct result *res);
	/* Where it runs (nothing set: on every kind of the suite). */
	bool single;		/* once, on no kind: the name is the case's */
	const char *kind;	/* only on this kind */
	unsigned int vma;	/* only on kinds with one of these VMA_* bits */
	bool (*applies)(const struct backing_ops *ops,
			const struct check *c);
	/* Typed arguments for run() and setup(), as the test defines them. */
	uint32_t slot_flags;	/* KVM_MEM_* of the case's memslot */
	unsigned int flags;	/* the test's own CHECK_* bits */
	int op;			/* an operation: unmap_op, probe_kind … */
	uint64_t bits;		/* a flags word: guest_memfd flags … */
	bool mte;		/* the case's VM has MTE */
	unsigned int mib;	/* a size */
	int timeout_s;		/* 0: the suite's */
	/*
	 * How the guest first meets the slot's memory: a mode that maps
	 * none of the kind (rows M2/M3) SKIPs the ACCESS_DATA cases; one
	 * ACCESS_JUDGE case per kind compares the refusal itself.
	 */
	enum slot_access access;
};

/* One case: the check and the kind it runs on. */
struct kase {
	const struct check *check;
	const struct backing_ops *ops;	/* NULL: single, or kind not built */
	const char *kind;		/* the kind's name (NULL: single) */
	char name[96];
};

struct suite {
	const char *name;
	const char *summary;	/* one line: which KVM behaviour */
	/* NULL-terminated kind names; NULL: every registered backing. */
	const char *const *kinds;
	const struct check *checks;
	size_t nr_checks;
	/*
	 * Order: each run of non-single checks is made kind by kind (all of
	 * a kind's checks, then the next kind's); by_check makes it check by
	 * check. Case names are "<kind><sep><check>", sep "/" if NULL.
	 */
	bool by_check;
	const char *sep;
	/* The test's case state and the set-up every case starts with. */
	size_t ctx_size;
	void (*setup)(struct ctx *ctx, const struct kase *k);
	int timeout_s;		/* 0: S2_CASE_TIMEOUT or 60 s */
	/* Metrics mode (benchmarks). */
	bool metrics;
	/* Extra options: 1 took arg too, 0 took none, -1 unknown, -2 bad. */
	int (*option)(const char *opt, const char *arg);
	const char *options;	/* their usage text */
	/* After the options, before the cases are made: may fill checks. */
	int (*init)(struct suite *s);
	/* Lines after the TAP header, before the plan. */
	void (*header)(void);
	/* In the parent, around each case: 0, or 4 with why to skip it. */
	int (*before)(const struct kase *k, char *why, size_t n);
	void (*after)(const struct kase *k);
	/*
	 * In the parent after every case, in case order; the cases the
	 * filter left out have results that are not decided.
	 */
	void (*report)(const struct test_case *cases,
		       const struct result *results, int n);
};

#define KINDS(...)	((const char *const[]){ __VA_ARGS__, NULL })
#define CHECKS(table)	.checks = (table), .nr_checks = ARRAY_SIZE(table)
#define CTX(type, fn)	.ctx_size = sizeof(type), .setup = (fn)

/* The one suite of this binary, for the framework's main(); init() gets
 * a copy it may change. */
#define SUITE(...)	const struct suite s2_suite = { __VA_ARGS__ }
extern const struct suite s2_suite;

#endif
