// SPDX-License-Identifier: GPL-2.0
/* unit_main.c - run every registered UNIT() and print TAP 13. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#define MAX_UNITS 256

static struct {
	const char *name;
	void (*fn)(void);
} units[MAX_UNITS];
static int nr_units, failures;

void unit_register(const char *name, void (*fn)(void))
{
	if (nr_units == MAX_UNITS) {
		fprintf(stderr, "too many unit tests\n");
		exit(2);
	}
	units[nr_units].name = name;
	units[nr_units++].fn = fn;
}

bool unit_check(bool ok, const char *expr, const char *file, int line)
{
	if (!ok) {
		printf("# %s:%d: check failed: %s\n", file, line, expr);
		failures++;
	}
	return ok;
}

int main(void)
{
	int i, failed = 0;

	printf("TAP version 13\n1..%d\n", nr_units);
	for (i = 0; i < nr_units; i++) {
		int before = failures;

		units[i].fn();
		failed += failures != before;
		printf("%sok %d %s\n", failures != before ? "not " : "", i + 1,
		       units[i].name);
	}
	return failed ? 1 : 0;
}
