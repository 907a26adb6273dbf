/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit.h - a minimal TAP unit-test harness for the host-side pure layers.
 * Each UNIT() is one TAP line; it passes when none of its CHECKs failed.
 */
#ifndef S2_UNIT_H
#define S2_UNIT_H

#include <stdbool.h>

void unit_register(const char *name, void (*fn)(void));
bool unit_check(bool ok, const char *expr, const char *file, int line);

#define UNIT(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void reg_##name(void)	\
	{								\
		unit_register(#name, name);				\
	}								\
	static void name(void)

#define CHECK(cond)	unit_check((cond), #cond, __FILE__, __LINE__)
#define CHECK_STR(a, b)	unit_check(!strcmp((a), (b)), #a " == \"" b "\"", \
				   __FILE__, __LINE__)

#endif
