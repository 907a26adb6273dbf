// SPDX-License-Identifier: GPL-2.0
/*
 * expect_cpu.c - the CPU features a probe needs (include/probe_table.h)
 * and the SKIP reason where the CPU lacks one.
 */
#include <stdio.h>

#include "expect_cpu.h"

static const struct {
	const char *name;
	const char *hwcap;
} features[CPU_FEATURE_NR] = {
	[CPU_BASE] = { "Armv8.0", NULL },
	[CPU_LSE] = { "FEAT_LSE", "HWCAP_ATOMICS" },
	[CPU_MTE] = { "FEAT_MTE2", "HWCAP2_MTE" },
};

const char *cpu_feature_name(enum cpu_feature f)
{
	return f < CPU_FEATURE_NR ? features[f].name : "?";
}

static int cpu_has(const struct kernel_facts *kf, enum cpu_feature f)
{
	switch (f) {
	case CPU_LSE:
		return kf->lse;
	case CPU_MTE:
		return kf->cpu_mte;
	default:
		return 1;
	}
}

bool expect_cpu_lacks(const struct kernel_facts *kf, enum cpu_feature f,
		      const char *what, struct expect *e)
{
	if (f >= CPU_FEATURE_NR || cpu_has(kf, f) != 0)
		return false;
	*e = make_expect(out_completed(), "the CPU has no %s (%s=0): %s is "
			 "UNDEFINED in a guest as on the host, so it cannot "
			 "show what stage 2 does", features[f].name,
			 features[f].hwcap, what);
	return true;
}
