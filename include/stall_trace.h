/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stall_trace.h - what a stalled vCPU faults on, from KVM's tracepoints.
 *
 * KVM's stats count exits but not what they were; the kvm:kvm_exit and
 * kvm:kvm_guest_fault tracepoints name the exception class, PC, IPA and
 * ESR. A private tracefs instance, filtered to the vCPU thread, records
 * them for a short window once the call loop has declared a stall: it
 * costs nothing until then.
 */
#ifndef S2_STALL_TRACE_H
#define S2_STALL_TRACE_H

#include <stddef.h>

struct stall_trace {
	char dir[160];		/* the instance, "" when tracing is off */
	char why[96];		/* why it is off */
};

/* Start recording this thread's KVM exits and faults. */
void stall_trace_begin(struct stall_trace *t);
/* Stop, remove the instance, and summarise what it saw into buf. */
void stall_trace_end(struct stall_trace *t, char *buf, size_t n);

#endif
