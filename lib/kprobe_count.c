// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe_count.c - tracefs kprobe events, counted in the trace buffer.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "kprobe_count.h"

static int write_file(const char *dir, const char *file, const char *text,
		      int flags)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC | flags);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : n < 0 ? -errno : -EIO;
}

/*
 * A case that ends early (test_skip, test_fail: _exit) leaves its probes
 * behind; the next one removes those whose process is gone.
 */
static void remove_orphans(const char *tracefs)
{
	char path[96], line[512], ev[32][64], file[128], def[96];
	const char *us;
	int n = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs);
	f = fopen(path, "r");
	if (!f)
		return;
	while (n < 32 && fgets(line, sizeof(line), f))
		if (sscanf(line, "p:s2conform/%63s", ev[n]) == 1 &&
		    (us = strrchr(ev[n], '_')) && kill(atoi(us + 1), 0) &&
		    errno == ESRCH)
			n++;
	fclose(f);
	for (i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "events/s2conform/%.63s/enable",
			 ev[i]);
		write_file(tracefs, file, "0", 0);
		snprintf(def, sizeof(def), "-:s2conform/%.63s\n", ev[i]);
		write_file(tracefs, "kprobe_events", def, O_APPEND);
	}
}

int kprobe_count_init(struct kprobe_count *k)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[96];
	size_t i;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/kprobe_events", dirs[i]);
		if (!access(path, W_OK)) {
			snprintf(k->tracefs, sizeof(k->tracefs), "%s", dirs[i]);
			remove_orphans(k->tracefs);
			return 0;
		}
	}
	snprintf(k->why, sizeof(k->why), "no writable kprobe_events in "
		 "tracefs (CONFIG_KPROBE_EVENTS, tracefs mounted, root)");
	return -ENOENT;
}

int kprobe_count_add_args(struct kprobe_count *k, const char *name,
			  const char *fn, const char *fetch)
{
	char def[320];
	int i = k->nr, ret;

	if (i == KPROBE_MAX)
		return -ENOSPC;
	snprintf(k->event[i], sizeof(k->event[i]), "s2conform/%s_%d", name,
		 (int)getpid());
	snprintf(def, sizeof(def), "p:%s %s%s%s\n", k->event[i], fn,
		 fetch ? " " : "", fetch ? fetch : "");
	k->nr++;
	ret = write_file(k->tracefs, "kprobe_events", def, O_APPEND);
	if (ret == -ENOENT || ret == -EINVAL) {
		snprintf(k->why, sizeof(k->why), "%s cannot be probed (%s: "
			 "no such symbol, or blacklisted code)", fn,
			 ret == -ENOENT ? "ENOENT" : "EINVAL");
		return 0;
	}
	if (ret)
		return ret;
	k->live[i] = true;
	return 1;
}

int kprobe_count_add(struct kprobe_count *k, const char *name,
		     const char *fn)
{
	return kprobe_count_add_args(k, name, fn, NULL);
}

static int enable(struct kprobe_count *k, const char *val)
{
	char file[96];
	int i, ret = 0;

	for (i = 0; i < k->nr; i++) {
		if (!k->live[i])
			continue;
		snprintf(file, sizeof(file), "events/%s/enable", k->event[i]);
		ret = write_file(k->tracefs, file, val, 0) ?: ret;
	}
	return ret;
}

int kprobe_count_start(struct kprobe_count *k)
{
	int ret = write_file(k->tracefs, "trace", "", O_TRUNC);

	return ret ? ret : enable(k, "1");
}

/* The thread id of "  comm-1234  [001] ...": the digits before " [". */
static int line_pid(const char *line)
{
	const char *p = strchr(line, '[');

	if (!p)
		return -1;
	while (p > line && p[-1] == ' ')
		p--;
	while (p > line && isdigit((unsigned char)p[-1]))
		p--;
	return atoi(p);
}

/* The values of "... (fn+0x0/0x1f8) a=0x40 b=-1": in order. */
static int line_args(const char *p, uint64_t *arg)
{
	int n = 0;

	p = strchr(p, ')');
	while (p && n < KPROBE_ARGS && (p = strchr(p, '='))) {
		p++;
		arg[n++] = *p == '-' ? (uint64_t)strtoll(p, NULL, 0) :
				       strtoull(p, NULL, 0);
	}
	return n;
}

long kprobe_count_read(struct kprobe_count *k, int i,
		       struct kprobe_hit *hits, long max)
{
	char path[96], line[512], tag[56];
	long n = 0;
	const char *at;
	FILE *f;

	if (i >= k->nr || !k->live[i])
		return -1;
	/* Trace lines read "... <event name>: (fn+0x0/0x...) args". */
	snprintf(tag, sizeof(tag), " %s:", strchr(k->event[i], '/') + 1);
	snprintf(path, sizeof(path), "%s/trace", k->tracefs);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || !(at = strstr(line, tag)))
			continue;
		if (n < max) {
			hits[n].pid = line_pid(line);
			hits[n].nargs = line_args(at + strlen(tag),
						  hits[n].arg);
		}
		n++;
	}
	fclose(f);
	return n;
}

long kprobe_count_hits(struct kprobe_count *k, int i)
{
	return kprobe_count_read(k, i, NULL, 0);
}

void kprobe_count_pause(struct kprobe_count *k)
{
	enable(k, "0");
}

void kprobe_count_stop(struct kprobe_count *k)
{
	char def[64];
	int i;

	enable(k, "0");
	for (i = 0; i < k->nr; i++) {
		if (!k->live[i])
			continue;
		snprintf(def, sizeof(def), "-:%s\n", k->event[i]);
		write_file(k->tracefs, "kprobe_events", def, O_APPEND);
		k->live[i] = false;
	}
}

static bool event_exists(const struct kprobe_count *k, const char *event)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/events/%s", k->tracefs, event);
	return !access(path, F_OK);
}

int kprobe_count_attach(struct kprobe_count *k, const char *name,
			const char *fn, const char *fetch)
{
	char def[320], file[96];
	int i = k->nr, ret;

	if (i == KPROBE_MAX)
		return -ENOSPC;
	snprintf(k->event[i], sizeof(k->event[i]), "s2conform/%s_%d", name,
		 (int)getppid());
	k->nr++;
	if (!event_exists(k, k->event[i])) {
		snprintf(def, sizeof(def), "p:%s %s%s%s\n", k->event[i], fn,
			 fetch ? " " : "", fetch ? fetch : "");
		ret = write_file(k->tracefs, "kprobe_events", def, O_APPEND);
		if (ret == -ENOENT || ret == -EINVAL) {
			snprintf(k->why, sizeof(k->why), "%s cannot be probed "
				 "(%s: no such symbol, or blacklisted code)",
				 fn, ret == -ENOENT ? "ENOENT" : "EINVAL");
			return 0;
		}
		if (ret)
			return ret;
		snprintf(file, sizeof(file), "events/%s/enable", k->event[i]);
		ret = write_file(k->tracefs, file, "1", 0);
		if (ret)
			return ret;
	}
	k->live[i] = true;
	return 1;
}

static FILE *open_pipe(const struct kprobe_count *k)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "%s/trace_pipe", k->tracefs);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return fd < 0 ? NULL : fdopen(fd, "r");
}

void kprobe_count_drain(struct kprobe_count *k)
{
	char buf[8192];
	FILE *f = open_pipe(k);

	if (!f)
		return;
	while (fread(buf, 1, sizeof(buf), f) > 0)
		;
	fclose(f);
}

/* The probe a line belongs to: " <event name>: (" after the task. */
static int line_probe(const struct kprobe_count *k, const char *line,
		      const char **args)
{
	char tag[56];
	const char *at;
	int i;

	for (i = 0; i < k->nr; i++) {
		if (!k->live[i])
			continue;
		snprintf(tag, sizeof(tag), " %s: ",
			 strchr(k->event[i], '/') + 1);
		at = strstr(line, tag);
		if (at) {
			*args = at + strlen(tag);
			return i;
		}
	}
	return -1;
}

long kprobe_count_consume(struct kprobe_count *k, int pid,
			  struct kprobe_hit *hits, long max)
{
	char line[512];
	const char *args;
	long n = 0;
	FILE *f = open_pipe(k);
	int i;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		i = line_probe(k, line, &args);
		if (i < 0 || line_pid(line) != pid || n >= max)
			continue;
		hits[n].probe = i;
		hits[n].pid = pid;
		hits[n].nargs = line_args(args, hits[n].arg);
		n++;
	}
	fclose(f);
	return n;
}

void kprobe_count_release(int owner)
{
	char path[96], line[512], ev[KPROBE_MAX * 2][64], file[128], def[96];
	struct kprobe_count k;
	const char *us;
	int n = 0, i;
	FILE *f;

	if (kprobe_count_init(&k))
		return;
	snprintf(path, sizeof(path), "%s/kprobe_events", k.tracefs);
	f = fopen(path, "r");
	if (!f)
		return;
	while (n < KPROBE_MAX * 2 && fgets(line, sizeof(line), f))
		if (sscanf(line, "p:s2conform/%63s", ev[n]) == 1 &&
		    (us = strrchr(ev[n], '_')) && atoi(us + 1) == owner)
			n++;
	fclose(f);
	for (i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "events/s2conform/%.63s/enable",
			 ev[i]);
		write_file(k.tracefs, file, "0", 0);
		snprintf(def, sizeof(def), "-:s2conform/%.63s\n", ev[i]);
		write_file(k.tracefs, "kprobe_events", def, O_APPEND);
	}
}
