// SPDX-License-Identifier: GPL-2.0
/*
 * test.c - layer 7: run cases in children and print kselftest TAP 13.
 */
#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "expect.h"
#include "test.h"

#define DEFAULT_CASE_TIMEOUT_S	60

static struct result *cur_result;
static int result_fd = -1;

struct result *test_result(void)
{
	return cur_result;
}

static void vfmt(char *buf, size_t n, const char *fmt, va_list ap)
{
	vsnprintf(buf, n, fmt, ap);
}

static void __attribute__((noreturn)) finish_child(void)
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

	vfmt(msg, sizeof(msg), fmt, ap);
	if (!cur_result) {
		/* Outside a case (e.g. --list setup): a plain error. */
		fprintf(stderr, "%s\n", msg);
		exit(v == V_SKIP ? 4 : 1);
	}
	cur_result->verdict = v;
	cur_result->decided = true;
	snprintf(cur_result->reason, sizeof(cur_result->reason), "%s", msg);
	finish_child();
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
	vfmt(msg, sizeof(msg), fmt, ap);
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
	vfmt(res->diag + used, sizeof(res->diag) - used - 1, fmt, ap);
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

struct test_case *suite_add(struct test_suite *suite,
			    void (*fn)(const struct test_case *,
				       struct result *),
			    const void *arg, const void *arg2,
			    const char *fmt, ...)
{
	struct test_case *tc;
	va_list ap;

	suite->cases = realloc(suite->cases,
			       (suite->nr_cases + 1) * sizeof(*tc));
	if (!suite->cases) {
		perror("realloc");
		exit(1);
	}
	tc = &suite->cases[suite->nr_cases++];
	memset(tc, 0, sizeof(*tc));
	tc->fn = fn;
	tc->arg = arg;
	tc->arg2 = arg2;
	va_start(ap, fmt);
	vfmt(tc->name, sizeof(tc->name), fmt, ap);
	va_end(ap);
	return tc;
}

static int case_timeout(const struct test_case *tc)
{
	const char *env = getenv("S2_CASE_TIMEOUT");

	if (tc->timeout_s)
		return tc->timeout_s;
	if (env && atoi(env) > 0)
		return atoi(env);
	return DEFAULT_CASE_TIMEOUT_S;
}

static bool read_result(int fd, struct result *res, int timeout_s)
{
	size_t off = 0;

	while (off < sizeof(*res)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, timeout_s * 1000) <= 0)
			return false;
		r = read(fd, (char *)res + off, sizeof(*res) - off);
		if (r <= 0)
			return false;
		off += r;
	}
	return true;
}

static void run_child(const struct test_case *tc, int fd)
{
	static struct result res;

	cur_result = &res;
	result_fd = fd;
	tc->fn(tc, &res);
	if (!res.decided)
		test_fail("case made no comparison (harness bug)");
	finish_child();
}

static void run_case(const struct test_case *tc, struct result *res)
{
	int fds[2], status, timeout_s = case_timeout(tc);
	pid_t pid;

	memset(res, 0, sizeof(*res));
	fflush(stdout);
	if (pipe(fds) || (pid = fork()) < 0) {
		res->verdict = V_FAIL;
		snprintf(res->reason, sizeof(res->reason), "fork: %s",
			 strerror(errno));
		return;
	}
	if (!pid) {
		close(fds[0]);
		run_child(tc, fds[1]);
	}
	close(fds[1]);
	if (!read_result(fds[0], res, timeout_s)) {
		memset(res, 0, sizeof(*res));
		res->verdict = V_FAIL;
		if (waitpid(pid, &status, WNOHANG) == pid &&
		    WIFSIGNALED(status))
			snprintf(res->reason, sizeof(res->reason),
				 "case crashed: signal %d (%s)",
				 WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			snprintf(res->reason, sizeof(res->reason),
				 "case timed out after %d s", timeout_s);
		kill(pid, SIGKILL);
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
}

/*
 * "s2conform: case NAME" in the kernel log before each case, so that
 * runner/splat.awk blames a splat on the case that ran.  Best effort:
 * without a writable log there is nothing to attribute to.
 */
static void mark_case(const struct test_case *tc)
{
	const char *path = getenv("S2_KMSG");
	FILE *f = fopen(path && *path ? path : "/dev/kmsg", "a");

	if (!f)
		return;
	fprintf(f, "s2conform: case %s\n", tc->name);
	fclose(f);
}

static void print_diag(const char *diag)
{
	const char *p = diag;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		printf("# %.*s\n", len, p);
		p += len + (nl != NULL);
	}
}

static void print_result(int n, const struct test_case *tc,
			 const struct result *res)
{
	print_diag(res->diag);
	if (res->verdict == V_SKIP || res->verdict == V_ERROR) {
		printf("%s %d %s # %s %s\n", res->verdict == V_SKIP ? "ok" :
		       "not ok", n, tc->name, res->verdict == V_SKIP ? "SKIP" :
		       "ERROR", res->reason);
		return;
	}
	printf("%s %d %s #%s", res->verdict == V_FAIL ? "not ok" : "ok", n,
	       tc->name, res->verdict == V_XFAIL ? " XFAIL" : "");
	if (res->observed[0] || res->expected[0])
		printf(" observed=%s expected=%s", res->observed,
		       res->expected);
	printf(res->observed[0] ? " (%s)\n" : " %s\n", res->reason);
}

static void usage(const struct test_suite *s, FILE *f)
{
	fprintf(f, "usage: %s [--list] [--filter GLOB]\n%s\n", s->name,
		s->summary);
}

static bool selected(const struct test_case *tc, const char *filter)
{
	return !filter || !fnmatch(filter, tc->name, 0);
}

int test_main(int argc, char **argv, const struct test_suite *s)
{
	const char *filter = NULL;
	int i, n = 0, counts[V_NR] = { 0 };
	char facts[512];
	struct result res;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list")) {
			for (n = 0; n < s->nr_cases; n++)
				printf("%s\n", s->cases[n].name);
			return 0;
		} else if (!strcmp(argv[i], "--filter") && i + 1 < argc) {
			filter = argv[++i];
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			usage(s, stdout);
			return 0;
		} else {
			fprintf(stderr, "%s: bad argument '%s'\n", s->name,
				argv[i]);
			usage(s, stderr);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	facts_format(kernel_facts(), facts, sizeof(facts));
	printf("TAP version 13\n# %s: %s\n# %s\n", s->name, s->summary,
	       facts);
	for (i = 0; i < s->nr_cases; i++)
		n += selected(&s->cases[i], filter);
	printf("1..%d\n", n);
	for (i = 0, n = 0; i < s->nr_cases; i++) {
		if (!selected(&s->cases[i], filter))
			continue;
		mark_case(&s->cases[i]);
		run_case(&s->cases[i], &res);
		print_result(++n, &s->cases[i], &res);
		counts[res.verdict]++;
	}
	printf("# Totals: pass:%d fail:%d xfail:%d xpass:0 skip:%d error:%d\n",
	       counts[V_PASS], counts[V_FAIL], counts[V_XFAIL],
	       counts[V_SKIP], counts[V_ERROR]);
	if (counts[V_FAIL] || counts[V_ERROR])
		return 1;
	return counts[V_PASS] || counts[V_XFAIL] ? 0 : 4;
}
