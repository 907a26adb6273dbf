// SPDX-License-Identifier: GPL-2.0
/*
 * test.c - the runner: cases in children, kselftest TAP 13.
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

#include "kernel_facts.h"
#include "model/globs.h"
#include "suite.h"
#include "test.h"

#define DEFAULT_CASE_TIMEOUT_S	60

static int case_timeout(const struct test_case *tc)
{
	const char *env = getenv("S2_CASE_TIMEOUT");

	if (tc->timeout_s)
		return tc->timeout_s;
	if (env && atoi(env) > 0)
		return atoi(env);
	return DEFAULT_CASE_TIMEOUT_S;
}

int test_budget(const struct test_case *cases, int n, const char *filter)
{
	int i, sum = 0;

	for (i = 0; i < n; i++)
		if (test_selected(filter, cases[i].k->name))
			sum += case_timeout(&cases[i]);
	return sum;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

enum read_end { READ_OK, READ_TIMEOUT, READ_EOF };

static enum read_end read_result(int fd, struct result *res, int timeout_s)
{
	size_t off = 0;

	while (off < sizeof(*res)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, timeout_s * 1000) <= 0)
			return READ_TIMEOUT;
		r = read(fd, (char *)res + off, sizeof(*res) - off);
		if (r <= 0)
			return READ_EOF;
		off += r;
	}
	return READ_OK;
}

/* Whether the child ended within timeout_s; its wait status in *status. */
static bool reaped(pid_t pid, int *status, int timeout_s)
{
	int waits = timeout_s * 100;

	do {
		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
	} while (waits-- > 0 && !usleep(10000));
	return false;
}

/*
 * No result from the child: say whether it ran out of time or ended
 * without reporting, and how it ended, so a crash is not called a
 * timeout (a grandchild can hold the pipe open after the child died).
 */
static void no_result(pid_t pid, enum read_end end, int timeout_s,
		      long long ms, struct result *res)
{
	int status;

	memset(res, 0, sizeof(*res));
	res->verdict = V_FAIL;
	if (!reaped(pid, &status, end == READ_EOF ? timeout_s : 0)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (end == READ_EOF)
			snprintf(res->reason, sizeof(res->reason),
				 "case closed its result pipe and did not exit");
		else
			snprintf(res->reason, sizeof(res->reason),
				 "case timed out after %d s", timeout_s);
	} else if (WIFSIGNALED(status)) {
		snprintf(res->reason, sizeof(res->reason),
			 "case crashed after %lld ms: signal %d (%s)", ms,
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	} else {
		snprintf(res->reason, sizeof(res->reason),
			 "case exited with status %d after %lld ms without a result",
			 WEXITSTATUS(status), ms);
	}
}

static void run_child(const struct test_case *tc, int fd)
{
	static struct result res;

	verdict_begin(&res, fd);
	tc->fn(tc, &res);
	if (!res.decided)
		test_fail("case made no comparison (harness bug)");
	verdict_finish();
}

static void run_case(const struct test_case *tc, struct result *res)
{
	int fds[2], status, timeout_s = case_timeout(tc);
	long long t0 = now_ms();
	enum read_end end;
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
	end = read_result(fds[0], res, timeout_s);
	if (end != READ_OK)
		no_result(pid, end, timeout_s, now_ms() - t0, res);
	close(fds[0]);
	if (end == READ_OK)
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
	fprintf(f, "s2conform: case %s\n", tc->k->name);
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

static void print_result(int n, const char *name, const struct result *res)
{
	print_diag(res->diag);
	if (res->verdict == V_SKIP || res->verdict == V_ERROR) {
		printf("%s %d %s # %s %s\n", res->verdict == V_SKIP ? "ok" :
		       "not ok", n, name, res->verdict == V_SKIP ? "SKIP" :
		       "ERROR", res->reason);
		return;
	}
	printf("%s %d %s #%s", res->verdict == V_FAIL ? "not ok" : "ok", n,
	       name, res->verdict == V_XFAIL ? " XFAIL" : "");
	if (res->observed[0] || res->expected[0])
		printf(" observed=%s expected=%s", res->observed,
		       res->expected);
	printf(res->observed[0] ? " (%s)\n" : " %s\n", res->reason);
}

/*
 * A filter is a comma list of globs, any of which may match: a test group
 * names several backings of one binary (configs/test-groups.conf).
 */
bool test_selected(const char *filter, const char *name)
{
	return !filter || glob_list_match(filter, name);
}

static bool selected(const struct test_case *tc, const char *filter)
{
	return test_selected(filter, tc->k->name);
}

/* A case its suite skips before it starts: no child. */
static bool skipped_before(const struct suite *s, const struct test_case *tc,
			   struct result *res)
{
	/* An option the kernel's config lacks: the case is not run at all. */
	const char *opt = facts_config_missing(s->name, tc->k->name);

	memset(res, 0, sizeof(*res));
	if (opt)
		snprintf(res->reason, sizeof(res->reason),
			 "the kernel's config lacks %s (configs/s2conform.config)",
			 opt);
	else if (!s->before ||
		 !s->before(tc->k, res->reason, sizeof(res->reason)))
		return false;
	res->verdict = V_SKIP;
	res->decided = true;
	return true;
}

int test_run(const struct suite *s, const struct test_case *cases, int n,
	     const char *filter, struct result *results)
{
	int i, nr = 0, counts[V_NR] = { 0 };
	char facts[512];
	long long t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	facts_format(kernel_facts(), facts, sizeof(facts));
	printf("TAP version 13\n# %s: %s\n# %s\n", s->name, s->summary,
	       facts);
	if (s->header)
		s->header();
	for (i = 0; i < n; i++)
		nr += selected(&cases[i], filter);
	printf("1..%d\n", nr);
	for (i = 0, nr = 0; i < n; i++) {
		struct result *res = &results[i];

		memset(res, 0, sizeof(*res));
		if (!selected(&cases[i], filter))
			continue;
		mark_case(&cases[i]);
		t0 = now_ms();
		if (!skipped_before(s, &cases[i], res)) {
			run_case(&cases[i], res);
			if (s->after)
				s->after(cases[i].k);
		}
		print_result(++nr, cases[i].k->name, res);
		/* Nested under the result line: tap_parse folds it in. */
		printf("# duration_ms=%lld\n", now_ms() - t0);
		counts[res->verdict]++;
	}
	if (s->report)
		s->report(cases, results, n);
	printf("# Totals: pass:%d fail:%d xfail:%d xpass:0 skip:%d error:%d\n",
	       counts[V_PASS], counts[V_FAIL], counts[V_XFAIL],
	       counts[V_SKIP], counts[V_ERROR]);
	if (counts[V_FAIL] || counts[V_ERROR])
		return 1;
	return counts[V_PASS] || counts[V_XFAIL] ? 0 : 4;
}
