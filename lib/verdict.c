// SPDX-License-Identifier: GPL-2.0
/*
 * verdict.c - the bottom layer every other may call: a case's result and
 * the calls that decide or end it. It knows nothing of the runner but the
 * pipe it writes the result to (verdict_begin()).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verdict.h"

static struct result *cur_result;
static int result_fd = -1;

struct result *test_result(void)
{
	return cur_result;
}

void verdict_begin(struct result *res, int fd)
{
	cur_result = res;
	result_fd = fd;
}

void verdict_finish(void)
{
	ssize_t off = 0, len = sizeof(*cur_result);

	while (off < len) {
		ssize_t w = write(result_fd, (char *)cur_result + off,
				  len - off);

		if (w <= 0)
			break;
		off += w;
	}
	_exit(0);
}

static void end_case(enum verdict v, const char *fmt, va_list ap)
{
	char msg[sizeof(cur_result->reason)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!cur_result) {
		/* Outside a case (e.g. --list setup): a plain error. */
		fprintf(stderr, "%s\n", msg);
		exit(v == V_SKIP ? 4 : 1);
	}
	cur_result->verdict = v;
	cur_result->decided = true;
	snprintf(cur_result->reason, sizeof(cur_result->reason), "%s", msg);
	verdict_finish();
}

void test_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_case(V_FAIL, fmt, ap);
	va_end(ap);
	_exit(1);
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_case(V_SKIP, fmt, ap);
	va_end(ap);
	_exit(4);
}

void test_skip_env(const char *piece, const char *fmt, ...)
{
	char var[64], msg[sizeof(cur_result->reason)];
	const char *cause;
	va_list ap;

	snprintf(var, sizeof(var), "S2_ENV_ERROR_%s", piece);
	cause = getenv(var);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cause && *cause)
		test_error("the harness did not provide %s (%s): %s", piece,
			   cause, msg);
	test_skip("%s", msg);
}

void test_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_case(V_ERROR, fmt, ap);
	va_end(ap);
	_exit(1);
}

void result_diag(struct result *res, const char *fmt, ...)
{
	size_t used = strlen(res->diag);
	va_list ap;

	if (used + 2 >= sizeof(res->diag))
		return;
	va_start(ap, fmt);
	vsnprintf(res->diag + used, sizeof(res->diag) - used - 1, fmt, ap);
	va_end(ap);
	strcat(res->diag, "\n");
}

void result_check(struct result *res, bool ok, const char *observed,
		  const char *expected, const char *reason)
{
	/* A failure sticks; the first comparison sets the headline. */
	if (res->decided && (res->verdict == V_FAIL || ok)) {
		if (!ok)
			result_diag(res, "also: observed=%s expected=%s (%s)",
				    observed, expected, reason);
		return;
	}
	res->verdict = ok ? V_PASS : V_FAIL;
	res->decided = true;
	snprintf(res->observed, sizeof(res->observed), "%s", observed);
	snprintf(res->expected, sizeof(res->expected), "%s", expected);
	snprintf(res->reason, sizeof(res->reason), "%s", reason);
}

void result_outcome(struct result *res, const struct outcome *obs,
		    const struct outcome *exp, const char *reason)
{
	char o[160], e[160];

	outcome_format(obs, o, sizeof(o));
	outcome_format(exp, e, sizeof(e));
	result_check(res, outcome_match(obs, exp), o, e, reason);
}

void result_expect(struct result *res, const struct outcome *obs,
		   const struct expect *e)
{
	bool was_decided = res->decided;

	if (e->unknown)
		test_skip("%s", e->reason);
	result_outcome(res, obs, &e->out, e->reason);
	if (e->defect && res->verdict == V_PASS && !was_decided)
		res->verdict = V_XFAIL;
}

void result_expect_text(struct result *res, uint64_t value,
			const struct expect *e, const char *observed,
			const char *expected)
{
	bool was_decided = res->decided;
	struct outcome obs = out_value(value);

	if (e->unknown)
		test_skip("%s", e->reason);
	result_check(res, outcome_match(&obs, &e->out), observed, expected,
		     e->reason);
	if (e->defect && res->verdict == V_PASS && !was_decided)
		res->verdict = V_XFAIL;
}

void result_metric(struct result *res, const char *name, double value,
		   int prec, const char *unit)
{
	result_diag(res, "metric %s=%.*f unit=%s", name, prec, value, unit);
}

void result_measured(struct result *res, const char *what)
{
	res->verdict = V_PASS;
	res->decided = true;
	snprintf(res->reason, sizeof(res->reason), "measured: %s", what);
}

void result_data(struct result *res, const void *data, size_t len)
{
	if (len > sizeof(res->data))
		test_fail("result_data: %zu bytes, room for %zu (harness bug)",
			  len, sizeof(res->data));
	memcpy(res->data, data, len);
	res->data_len = len;
}
