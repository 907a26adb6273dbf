// SPDX-License-Identifier: GPL-2.0
/*
 * outcome.c - build, print and compare outcomes. Portable: host unit tests
 * link this file on x86.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "outcome.h"

struct outcome out_completed(void)
{
	return (struct outcome){ .kind = OUT_COMPLETED };
}

struct outcome out_value(uint64_t value)
{
	return (struct outcome){ .kind = OUT_COMPLETED, .check_value = true,
				 .value = value };
}

struct outcome out_fault(uint32_t ec, uint32_t fsc)
{
	return (struct outcome){ .kind = OUT_GUEST_FAULT, .ec = ec,
				 .fsc = fsc };
}

struct outcome out_run_errno(int err)
{
	return (struct outcome){ .kind = OUT_RUN_ERRNO, .err = err };
}

struct outcome out_exit(uint32_t reason, uint64_t addr, bool write)
{
	return (struct outcome){ .kind = OUT_EXIT, .exit_reason = reason,
				 .addr = addr, .write = write };
}

struct outcome out_ret(int ret)
{
	return (struct outcome){ .kind = OUT_ERRNO,
				 .err = ret < 0 ? -ret : 0 };
}

struct outcome out_stall(void)
{
	return (struct outcome){ .kind = OUT_STALL };
}

struct outcome out_error(const char *fmt, ...)
{
	struct outcome o = { .kind = OUT_ERROR };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o.msg, sizeof(o.msg), fmt, ap);
	va_end(ap);
	return o;
}

const char *errno_name(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ 0, "OK" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { E2BIG, "E2BIG" },
		{ ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
		{ ENOSYS, "ENOSYS" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ ENXIO, "ENXIO" }, { EHWPOISON, "EHWPOISON" },
	};
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "errno%d", err);
	return buf;
}

static int format_fault(const struct outcome *o, char *buf, size_t n)
{
	if (o->ec == EC_IABT_CUR && o->fsc == FSC_SEA)
		return snprintf(buf, n, "guest:SEA-IABT");
	if (o->ec == EC_DABT_CUR && o->fsc == FSC_ALIGNMENT)
		return snprintf(buf, n, "guest:alignment-fault");
	if (o->ec == EC_DABT_CUR && o->fsc == FSC_TAG_CHECK)
		return snprintf(buf, n, "guest:tag-check-fault");
	return snprintf(buf, n, "guest:EC=0x%x,FSC=0x%x", o->ec, o->fsc);
}

static int format_exit(const struct outcome *o, char *buf, size_t n)
{
	switch (o->exit_reason) {
	case KVM_EXIT_MMIO:
		return snprintf(buf, n, "exit:MMIO-%s@0x%llx",
				o->write ? "write" : "read",
				(unsigned long long)o->addr);
	case KVM_EXIT_ARM_NISV:
		return snprintf(buf, n, "exit:NISV@0x%llx",
				(unsigned long long)o->addr);
	}
	return snprintf(buf, n, "exit:reason%u", o->exit_reason);
}

int outcome_format(const struct outcome *o, char *buf, size_t n)
{
	switch (o->kind) {
	case OUT_COMPLETED:
		if (o->check_value)
			return snprintf(buf, n, "completed=0x%llx",
					(unsigned long long)o->value);
		return snprintf(buf, n, "completed");
	case OUT_GUEST_FAULT:
		return format_fault(o, buf, n);
	case OUT_RUN_ERRNO:
		return snprintf(buf, n, "KVM_RUN:%s", errno_name(o->err));
	case OUT_EXIT:
		return format_exit(o, buf, n);
	case OUT_ERRNO:
		return snprintf(buf, n, "%s", errno_name(o->err));
	case OUT_ERROR:
		return snprintf(buf, n, "error:%s", o->msg);
	case OUT_STALL:
		return snprintf(buf, n, "stall");
	}
	return snprintf(buf, n, "?");
}

bool outcome_match(const struct outcome *obs, const struct outcome *exp)
{
	if (obs->kind != exp->kind || obs->kind == OUT_ERROR)
		return false;
	switch (exp->kind) {
	case OUT_COMPLETED:
		return !exp->check_value || obs->value == exp->value;
	case OUT_GUEST_FAULT:
		return obs->ec == exp->ec && obs->fsc == exp->fsc;
	case OUT_RUN_ERRNO:
	case OUT_ERRNO:
		return obs->err == exp->err;
	case OUT_EXIT:
		return obs->exit_reason == exp->exit_reason &&
		       (!exp->addr || obs->addr == exp->addr) &&
		       obs->write == exp->write;
	case OUT_STALL:
		return true;
	case OUT_ERROR:
		break;
	}
	return false;
}
