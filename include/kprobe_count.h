/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kprobe_count.h - count calls of kernel functions with tracefs kprobe
 * events, where the kernel offers them (CONFIG_KPROBE_EVENTS): what KVM
 * did inside one ioctl, when no statistic or tracepoint says. A probe may
 * fetch arguments (registers at the function's entry), read back per hit
 * with the pid of the task that made the call.
 */
#ifndef S2_KPROBE_COUNT_H
#define S2_KPROBE_COUNT_H

#include <stdbool.h>
#include <stdint.h>

#define KPROBE_MAX	8
#define KPROBE_ARGS	4

struct kprobe_count {
	char tracefs[48];
	int nr;
	char event[KPROBE_MAX][48];	/* "s2conform/<name>_<pid>" */
	bool live[KPROBE_MAX];		/* registered: the symbol exists */
	char why[160];			/* why a probe could not be set */
};

/* One call of a probed function: who made it and what it fetched. */
struct kprobe_hit {
	int probe;			/* index of the probe that fired */
	int pid;			/* the calling task (thread id) */
	int nargs;
	uint64_t arg[KPROBE_ARGS];	/* in the order of the fetch list */
};

/* 0, or -errno with why set when tracefs/kprobe_events is missing. */
int kprobe_count_init(struct kprobe_count *k);
/*
 * Probe fn: 1, 0 if the kernel refuses it (no such symbol, or code that
 * cannot be probed: why says which), -errno on any other failure.
 */
int kprobe_count_add(struct kprobe_count *k, const char *name,
		     const char *fn);
/*
 * The same, fetching up to KPROBE_ARGS arguments at entry: fetch is the
 * kprobe_events list, "a=%x1:x64 b=%x2:s32" (arm64: x0-x7 hold them).
 */
int kprobe_count_add_args(struct kprobe_count *k, const char *name,
			  const char *fn, const char *fetch);
/* Empty the trace buffer and enable the probes. */
int kprobe_count_start(struct kprobe_count *k);
/* Hits of probe i since start, -1 if it is not live. */
long kprobe_count_hits(struct kprobe_count *k, int i);
/*
 * Hits of probe i since start (-1 if not live); the first max of them
 * are stored in hits, oldest first.
 */
long kprobe_count_read(struct kprobe_count *k, int i,
		       struct kprobe_hit *hits, long max);
/* Disable the probes (the trace buffer stays readable). */
void kprobe_count_pause(struct kprobe_count *k);
/* Disable and remove every probe. */
void kprobe_count_stop(struct kprobe_count *k);

/*
 * Probes shared by every case of one test binary. Disarming a kprobe
 * event waits for RCU grace periods, ~0.1 s a probe under QEMU TCG, so
 * a case does not: the first case that asks registers and enables the
 * probe under the name of the binary's process (the cases' parent), the
 * others find it armed, and the binary removes its own at exit
 * (kprobe_count_release()). A case reads the calls it made itself
 * (its pid) by consuming trace_pipe, never truncating the buffer (that
 * waits for a grace period too).
 */
int kprobe_count_attach(struct kprobe_count *k, const char *name,
			const char *fn, const char *fetch);
/* Discard what the trace buffer holds so far. */
void kprobe_count_drain(struct kprobe_count *k);
/*
 * Consume the buffer: the calls of the attached probes made by task pid
 * since the last drain or consume, at most max of them (oldest first),
 * each with its probe's index. The number kept, or -errno.
 */
long kprobe_count_consume(struct kprobe_count *k, int pid,
			  struct kprobe_hit *hits, long max);
/* At the binary's exit: remove the probes attached under owner's name. */
void kprobe_count_release(int owner);

#endif
