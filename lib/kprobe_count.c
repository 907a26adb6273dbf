// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe_count.c - tracefs kprobe events, counted in the trace buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
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
			return 0;
		}
	}
	snprintf(k->why, sizeof(k->why), "no writable kprobe_events in "
		 "tracefs (CONFIG_KPROBE_EVENTS, tracefs mounted, root)");
	return -ENOENT;
}

int kprobe_count_add(struct kprobe_count *k, const char *name,
		     const char *fn)
{
	char def[160];
	int i = k->nr, ret;

	if (i == KPROBE_MAX)
		return -ENOSPC;
	snprintf(k->event[i], sizeof(k->event[i]), "s2conform/%s_%d", name,
		 (int)getpid());
	snprintf(def, sizeof(def), "p:%s %s\n", k->event[i], fn);
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

long kprobe_count_hits(struct kprobe_count *k, int i)
{
	char path[96], line[512], tag[56];
	long hits = 0;
	FILE *f;

	if (i >= k->nr || !k->live[i])
		return -1;
	/* Trace lines read "... <event name>: (fn+0x0/0x...)". */
	snprintf(tag, sizeof(tag), " %s:", strchr(k->event[i], '/') + 1);
	snprintf(path, sizeof(path), "%s/trace", k->tracefs);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		hits += line[0] != '#' && strstr(line, tag) != NULL;
	fclose(f);
	return hits;
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
