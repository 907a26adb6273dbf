// SPDX-License-Identifier: GPL-2.0
/*
 * expect.c - the bottom of the expectations: building an expect or a
 * stage-2 attribute with its reason. Everything in lib/model/ is pure C on
 * libc alone, built for the host unit tests with include/model/ only.
 */
#include <stdarg.h>
#include <stdio.h>

#include "expect.h"

struct expect make_expect(struct outcome out, const char *fmt, ...)
{
	struct expect e = { .out = out };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.reason, sizeof(e.reason), fmt, ap);
	va_end(ap);
	return e;
}

struct expect make_defect(struct outcome out, const char *fmt, ...)
{
	struct expect e = { .out = out, .defect = true };
	size_t n = snprintf(e.reason, sizeof(e.reason), "known defect: ");
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.reason + n, sizeof(e.reason) - n, fmt, ap);
	va_end(ap);
	return e;
}

const char *s2_attr_name(enum s2_attr attr)
{
	switch (attr) {
	case S2_ATTR_NORMAL:
		return "Normal-WB";
	case S2_ATTR_NORMAL_NC:
		return "Normal-NC";
	case S2_ATTR_DEVICE:
		return "Device-nGnRE";
	}
	return "?";
}

struct expect_attr make_attr(enum s2_attr attr, bool known,
			     const char *fmt, ...)
{
	struct expect_attr e = { .attr = attr, .known = known };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.reason, sizeof(e.reason), fmt, ap);
	va_end(ap);
	return e;
}
