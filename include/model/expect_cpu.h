/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_cpu.h - what the CPU under the guest must have for an access to
 * mean anything. KVM gives a guest no instruction set feature the host
 * CPU lacks, so an instruction that needs one is UNDEFINED in the guest
 * there: that is the CPU's answer, not the stage-2 row a probe is about.
 */
#ifndef S2_MODEL_EXPECT_CPU_H
#define S2_MODEL_EXPECT_CPU_H

#include <stdbool.h>

#include "expect.h"
#include "facts.h"

/* The feature column of include/probe_table.h. */
enum cpu_feature {
	CPU_BASE,		/* Armv8.0: every arm64 CPU */
	CPU_LSE,		/* FEAT_LSE: CAS, LDADD (HWCAP_ATOMICS) */
	CPU_MTE,		/* FEAT_MTE2: STG, LDG (HWCAP2_MTE) */
	CPU_FEATURE_NR,
};

const char *cpu_feature_name(enum cpu_feature f);

/*
 * Whether kf's CPU is known to lack f; then *e is the SKIP reason,
 * naming the feature and how the suite read it. An unread feature
 * (-1) is not a missing one: the probe runs and says what it saw.
 */
bool expect_cpu_lacks(const struct kernel_facts *kf, enum cpu_feature f,
		      const char *what, struct expect *e);

#endif
