// SPDX-License-Identifier: GPL-2.0
/*
 * unit_stall.c - the stalled-vCPU rule, the CPU features probes need, and
 * row 50 (a stage-1 table page stage 2 lost, erratum 834220).
 */
#include <string.h>

#include "expect_cpu.h"
#include "expect_memslot.h"
#include "stall.h"
#include "unit.h"

static struct kernel_facts facts(int major, int minor, int erratum)
{
	struct kernel_facts kf = { .major = major, .minor = minor,
				   .fwb = -1, .tlbirange = -1, .lse = 1,
				   .cpu_mte = 1, .erratum_834220 = erratum };

	facts_apply_versions(&kf);
	return kf;
}

static struct stall_sample at(uint64_t t_ms, uint64_t exits, uint64_t state)
{
	return (struct stall_sample){ .t_ms = t_ms, .exits = exits,
				      .state = state, .pc = 0x400000 };
}

/* Feed one sample every STALL_SAMPLE_MS; the index of the first stall. */
static int first_stall(uint64_t exits_per_sample, bool moving, int n)
{
	struct stall_watch w = { 0 };
	struct stall_sample s;
	int i;

	for (i = 0; i < n; i++) {
		s = at(1000 + i * STALL_SAMPLE_MS, i * exits_per_sample,
		       moving ? (uint64_t)i + 1 : 7);
		if (stall_update(&w, &s))
			return i;
	}
	return -1;
}

UNIT(stall_needs_the_window_and_many_exits)
{
	int i = first_stall(60, false, 40);	/* ~240 exits/s: HZ ticks */

	CHECK(i == STALL_WINDOW_MS / STALL_SAMPLE_MS);
	/* Only the samples' own kicks: a thread the host did not run. */
	CHECK(first_stall(1, false, 40) == -1);
	CHECK(first_stall(2, false, 40) == -1);
	/* A guest whose registers move is slow, never stalled. */
	CHECK(first_stall(60, true, 40) == -1);
}

UNIT(stall_window_restarts_on_progress)
{
	struct stall_watch w = { 0 };
	struct stall_sample s;
	int i, stalled = -1;

	for (i = 0; i < 30 && stalled < 0; i++) {
		/* One change of state at sample 5 restarts the window. */
		s = at(i * STALL_SAMPLE_MS, i * 100, i == 5 ? 1 : 2);
		if (stall_update(&w, &s))
			stalled = i;
	}
	CHECK(stalled == 6 + STALL_WINDOW_MS / STALL_SAMPLE_MS);
	/* A counter that went backwards (a new vCPU) is a new window. */
	s = at(i * STALL_SAMPLE_MS, 0, 2);
	CHECK(!stall_update(&w, &s));
	CHECK(stall_for_ms(&w) == 0);
}

UNIT(stall_rate_is_the_last_second)
{
	struct stall_watch w = { 0 };
	struct stall_sample s;
	int i;

	/* 10 exits per sample, then 100: the rate follows the newest. */
	for (i = 0; i < 12; i++) {
		s = at(i * STALL_SAMPLE_MS, i < 6 ? i * 10 : 50 + (i - 5) * 100,
		       3);
		stall_update(&w, &s);
	}
	CHECK(stall_exit_rate(&w) == 400);
	CHECK(stall_for_ms(&w) == 11 * STALL_SAMPLE_MS);
	CHECK(stall_hash(0, 1) != stall_hash(0, 2));
	CHECK(stall_hash(stall_hash(0, 1), 2) != stall_hash(stall_hash(0, 2),
							   1));
}

UNIT(probes_skip_without_their_cpu_feature)
{
	struct kernel_facts kf = facts(6, 12, 0);
	struct expect e;

	CHECK(!expect_cpu_lacks(&kf, CPU_LSE, "cas", &e));
	CHECK(!expect_cpu_lacks(&kf, CPU_BASE, "load", &e));
	kf.lse = 0;
	CHECK(expect_cpu_lacks(&kf, CPU_LSE, "cas", &e));
	CHECK(strstr(e.reason, "FEAT_LSE") && strstr(e.reason, "cas") &&
	      strstr(e.reason, "HWCAP_ATOMICS=0"));
	kf.lse = -1;		/* unread: run it and report what it did */
	CHECK(!expect_cpu_lacks(&kf, CPU_LSE, "cas", &e));
	kf.cpu_mte = 0;
	CHECK(expect_cpu_lacks(&kf, CPU_MTE, "stg", &e));
	CHECK(strstr(e.reason, "FEAT_MTE2") != NULL);
	CHECK_STR(cpu_feature_name(CPU_LSE), "FEAT_LSE");
}

UNIT(erratum_834220_from_boot_log)
{
	struct kernel_facts kf = facts(7, 2, -1);

	facts_parse_cpu_features(&kf, "[0.0] Booting Linux on physical CPU "
				 "0x0 [0x411fd070]\n[0.1] CPU features: "
				 "detected: ARM erratum 834220\n");
	CHECK(kf.erratum_834220 == 1 && kf.fwb == 0);
	facts_parse_cpu_features(&kf, "[0.0] Booting Linux on physical CPU "
				 "0x0 [0x410fd083]\n[0.1] CPU features: "
				 "detected: ARM erratum 1319367\n");
	CHECK(kf.erratum_834220 == 0);
	facts_parse_cpu_features(&kf, NULL);
	CHECK(kf.erratum_834220 == -1);
}

UNIT(s1_table_refault_row_50)
{
	struct kernel_facts kf = facts(7, 2, 1);
	struct expect e = expect_s1_table_refault(&kf, 42);

	/* 7.2 with the workaround: the livelock, a named defect. */
	CHECK(e.out.kind == OUT_STALL && e.defect);
	CHECK(strstr(e.reason, "__hpfar_valid()") &&
	      strstr(e.reason, "row 50"));
	/* 6.12 reads HPFAR for S1PTW faults; no erratum: no re-walk. */
	kf = facts(6, 12, 1);
	e = expect_s1_table_refault(&kf, 42);
	CHECK(e.out.kind == OUT_COMPLETED && e.out.value == 42 && !e.defect);
	kf = facts(7, 2, 0);
	e = expect_s1_table_refault(&kf, 42);
	CHECK(e.out.kind == OUT_COMPLETED && !e.defect);
	/* Unknown CPU features on a kernel that has the re-walk: SKIP. */
	kf = facts(7, 2, -1);
	CHECK(expect_s1_table_refault(&kf, 42).unknown);
	kf = facts(6, 12, -1);
	CHECK(!expect_s1_table_refault(&kf, 42).unknown);
}

UNIT(stall_outcome_matches_only_stall)
{
	struct outcome s = out_stall(), v = out_value(1);
	char buf[32];

	CHECK(outcome_match(&s, &s) && !outcome_match(&v, &s) &&
	      !outcome_match(&s, &v));
	outcome_format(&s, buf, sizeof(buf));
	CHECK_STR(buf, "stall");
}
