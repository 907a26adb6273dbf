/* SPDX-License-Identifier: GPL-2.0 */
/*
 * outcome.h - what one guest access (or one ioctl) did, as data.
 *
 * Observed and expected outcomes are the same type, so a case is one
 * outcome_match() and the report prints both with outcome_format().
 */
#ifndef S2_OUTCOME_H
#define S2_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"

enum outcome_kind {
	OUT_COMPLETED,		/* the access completed in the guest */
	OUT_GUEST_FAULT,	/* the guest took a synchronous exception */
	OUT_RUN_ERRNO,		/* KVM_RUN failed */
	OUT_EXIT,		/* KVM_RUN returned to userspace */
	OUT_ERRNO,		/* an ioctl or syscall result (0 or -errno) */
	OUT_ERROR,		/* the harness could not tell: see msg */
	OUT_STALL,		/* the vCPU made no progress (model/stall.h) */
};

struct outcome {
	enum outcome_kind kind;
	bool check_value;	/* expectations: compare value too */
	uint64_t value;
	uint32_t ec;
	uint32_t fsc;
	uint64_t far;
	int err;		/* positive errno, 0 for success */
	uint32_t exit_reason;
	uint64_t addr;		/* MMIO/NISV address; 0 = any in expectations */
	bool write;
	char msg[192];
};

struct outcome out_completed(void);
struct outcome out_value(uint64_t value);
struct outcome out_fault(uint32_t ec, uint32_t fsc);
struct outcome out_run_errno(int err);
struct outcome out_exit(uint32_t reason, uint64_t addr, bool write);
struct outcome out_ret(int ret);	/* 0 or -errno from a wrapper */
struct outcome out_stall(void);
struct outcome out_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* "completed", "KVM_RUN:EFAULT", "guest:SEA-IABT", "exit:MMIO@0x…" … */
int outcome_format(const struct outcome *o, char *buf, size_t n);
bool outcome_match(const struct outcome *obs, const struct outcome *exp);

const char *errno_name(int err);

#endif
