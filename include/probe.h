/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe.h - one guest access, one classified outcome.
 *
 * A probe runs a single instruction against a guest address and reports
 * what happened from both sides: the guest may take a fault (recorded with
 * EC/FSC and resumed), KVM_RUN may fail with an errno, or the access may
 * exit to userspace. memtype_probe() turns a handful of probes into
 * Normal or Device, knowing what QEMU TCG does and does not model.
 */
#ifndef S2_PROBE_H
#define S2_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "probe_table.h"
#include "model/memtype.h"
#include "model/outcome.h"

struct vcpu;
struct kernel_facts;
struct result;
struct expect_attr;
struct expect;

const char *probe_name(enum probe_kind kind);

/*
 * SKIP the case when the CPU lacks the feature kind needs (the cpu
 * column of probe_table.h); probe() does it first, a case may do it
 * before its set-up.
 */
void probe_require_cpu(enum probe_kind kind);

/*
 * Run one probe on vcpu at gva; val is stored by store-type probes.
 * SKIPs the case when the CPU lacks the probe's feature.
 */
struct outcome probe(struct vcpu *vcpu, enum probe_kind kind, uint64_t gva,
		     uint64_t val);

/* Write an exec stub (returns GUEST_EXEC_MAGIC) at hva. */
void exec_stub_write(void *hva);

/* Classify the memory at gva (mapped Normal-WB at stage 1) from probes. */
struct memtype_result memtype_probe(struct vcpu *vcpu, uint64_t gva,
				    bool tcg);

/*
 * Judge the memory type at gpa (== gva, first touched here) against a:
 * the type KVM installed at stage 2 (kprobes on its map call, row 60)
 * is the verdict and the guest's probes its second witness, which must
 * agree; where the host cannot see the installed type, the probes alone
 * and why in the diagnostics.
 */
void memtype_judge(struct vcpu *vcpu, uint64_t gpa,
		   const struct kernel_facts *kf, const struct expect_attr *a,
		   struct result *res);

/*
 * An instruction fetch at gpa (first touched here) against e, and the X
 * bit of the mapping KVM installed for it as the second witness (row 60).
 */
void exec_judge(struct vcpu *vcpu, uint64_t gpa,
		const struct kernel_facts *kf, const struct expect *e,
		struct result *res);

#endif
