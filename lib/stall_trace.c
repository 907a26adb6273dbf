// SPDX-License-Identifier: GPL-2.0
/*
 * stall_trace.c - a tracefs instance that records one thread's
 * kvm:kvm_exit and kvm:kvm_guest_fault events (stall_trace.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stall_trace.h"

static const char *const events[] = {
	"events/kvm/kvm_exit/enable", "events/kvm/kvm_guest_fault/enable",
};

static int put(const char *dir, const char *file, const char *text)
{
	char path[256];
	ssize_t len = strlen(text), w;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, text, len);
	close(fd);
	return w == len ? 0 : -EIO;
}

static const char *tracefs(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[96];
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/kvm/kvm_exit",
			 dirs[i]);
		if (!access(path, F_OK))
			return dirs[i];
	}
	return NULL;
}

void stall_trace_begin(struct stall_trace *t)
{
	const char *fs = tracefs();
	char tid[24];
	size_t i;

	t->dir[0] = 0;
	if (!fs) {
		snprintf(t->why, sizeof(t->why), "no kvm tracepoints in "
			 "tracefs (not mounted, or CONFIG_TRACING off)");
		return;
	}
	snprintf(t->dir, sizeof(t->dir), "%s/instances/s2conform_stall_%d",
		 fs, (int)gettid());
	if (mkdir(t->dir, 0700) && errno != EEXIST) {
		snprintf(t->why, sizeof(t->why), "tracefs instance: %s",
			 strerror(errno));
		t->dir[0] = 0;
		return;
	}
	snprintf(tid, sizeof(tid), "%d", (int)gettid());
	if (put(t->dir, "set_event_pid", tid)) {
		snprintf(t->why, sizeof(t->why), "set_event_pid refused");
		rmdir(t->dir);
		t->dir[0] = 0;
		return;
	}
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		put(t->dir, events[i], "1");
}

/* "kvm_exit: IRQ: HSR_EC: 0x0024 (DABT_LOW), PC: 0x…" → from "IRQ". */
static void keep(char *dst, size_t n, const char *line, const char *tag)
{
	const char *p = strstr(line, tag);

	if (!p)
		return;
	p += strlen(tag);
	p += strspn(p, " ");
	snprintf(dst, n, "%.*s", (int)strcspn(p, "\n"), p);
}

static void summarise(FILE *f, char *buf, size_t n)
{
	char line[512], exit_ev[160] = "", fault[160] = "";
	unsigned long exits = 0, faults = 0;

	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "kvm_exit:")) {
			exits++;
			keep(exit_ev, sizeof(exit_ev), line, "kvm_exit:");
		} else if (strstr(line, "kvm_guest_fault:")) {
			faults++;
			keep(fault, sizeof(fault), line, "kvm_guest_fault:");
		}
	}
	if (!exits && !faults) {
		snprintf(buf, n, "tracepoints recorded nothing: faulting "
			 "IPA/ESR unavailable");
		return;
	}
	if (faults)
		snprintf(buf, n, "traced %lu exits, %lu stage-2 faults; last "
			 "fault: %s; last exit: %s", exits, faults, fault,
			 exit_ev);
	else
		snprintf(buf, n, "traced %lu exits, no stage-2 fault reached "
			 "the host (the fault is handled or dropped at EL2); "
			 "last exit: %s", exits, exit_ev);
}

void stall_trace_end(struct stall_trace *t, char *buf, size_t n)
{
	char path[200];
	size_t i;
	FILE *f;

	if (!t->dir[0]) {
		snprintf(buf, n, "faulting IPA/ESR unavailable: %s", t->why);
		return;
	}
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		put(t->dir, events[i], "0");
	snprintf(path, sizeof(path), "%s/trace", t->dir);
	f = fopen(path, "r");
	if (f) {
		summarise(f, buf, n);
		fclose(f);
	} else {
		snprintf(buf, n, "faulting IPA/ESR unavailable: %s: %s",
			 path, strerror(errno));
	}
	rmdir(t->dir);
	t->dir[0] = 0;
}
