// SPDX-License-Identifier: GPL-2.0
/*
 * no_result.c - cases that end without a result, for
 * hosttests/test_no_result.sh: lib/test.c must say how each ended (exit
 * status, signal, timeout) rather than call every one a timeout. Built
 * natively with lib/test.c; the facts it would print are stubbed out.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel_facts.h"
#include "suite.h"
#include "test.h"

const struct kernel_facts *kernel_facts(void)
{
	static struct kernel_facts kf;

	return &kf;
}

int facts_format(const struct kernel_facts *kf, char *buf, size_t n)
{
	return snprintf(buf, n, "kernel stub: -");
}

const char *facts_config_missing(const char *suite, const char *name)
{
	return NULL;
}

static void exits(const struct test_case *tc, struct result *res)
{
	exit(3);
}

static void crashes(const struct test_case *tc, struct result *res)
{
	raise(SIGSEGV);
}

static void hangs(const struct test_case *tc, struct result *res)
{
	pause();
}

static const struct kase k_exit = { .name = "no_result/exit" };
static const struct kase k_crash = { .name = "no_result/crash" };
static const struct kase k_hang = { .name = "no_result/hang" };

int main(int argc, char **argv)
{
	static const struct suite s = { .name = "no_result",
					.summary = "cases without a result" };
	const struct test_case cases[] = {
		{ .k = &k_exit, .fn = exits },
		{ .k = &k_crash, .fn = crashes },
		{ .k = &k_hang, .fn = hangs, .timeout_s = 1 },
	};
	struct result results[3];

	return test_run(&s, cases, 3, argc > 1 ? argv[1] : NULL, results);
}
