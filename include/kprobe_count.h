/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kprobe_count.h - count calls of kernel functions with tracefs kprobe
 * events, where the kernel offers them (CONFIG_KPROBE_EVENTS): what KVM
 * did inside one ioctl, when no statistic or tracepoint says.
 */
#ifndef S2_KPROBE_COUNT_H
#define S2_KPROBE_COUNT_H

#include <stdbool.h>

#define KPROBE_MAX	4

struct kprobe_count {
	char tracefs[48];
	int nr;
	char event[KPROBE_MAX][48];	/* "s2conform/<name>_<pid>" */
	bool live[KPROBE_MAX];		/* registered: the symbol exists */
	char why[160];			/* why a probe could not be set */
};

/* 0, or -errno with why set when tracefs/kprobe_events is missing. */
int kprobe_count_init(struct kprobe_count *k);
/*
 * Probe fn: 1, 0 if the kernel refuses it (no such symbol, or code that
 * cannot be probed: why says which), -errno on any other failure.
 */
int kprobe_count_add(struct kprobe_count *k, const char *name,
		     const char *fn);
/* Empty the trace buffer and enable the probes. */
int kprobe_count_start(struct kprobe_count *k);
/* Hits of probe i since start, -1 if it is not live. */
long kprobe_count_hits(struct kprobe_count *k, int i);
/* Disable and remove every probe. */
void kprobe_count_stop(struct kprobe_count *k);

#endif
