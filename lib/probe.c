// SPDX-License-Identifier: GPL-2.0
/*
 * probe.c - run one guest access and classify what happened.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel_facts.h"
#include "model/expect_cpu.h"
#include "processor.h"
#include "probe.h"
#include "s2_watch.h"
#include "verdict.h"
#include "vm.h"

static const struct {
	const char *name;
	enum recover recover;
	uint64_t offset;
	enum cpu_feature cpu;
} probes[PROBE_NR] = {
#define PROBE_RULES(kind, n, stub, rec, off, feat)	\
	[PROBE_##kind] = { n, rec, off, feat },
	PROBE_TABLE(PROBE_RULES)
#undef PROBE_RULES
};

const char *probe_name(enum probe_kind kind)
{
	return kind < PROBE_NR ? probes[kind].name : "?";
}

/*
 * KVM's view wins over the guest's: an access KVM refused never reached
 * the guest's handler, whatever the recovery made the guest see after.
 */
static struct outcome classify(struct vcpu *vcpu, const struct call *c)
{
	const struct guest_cpu *cpu = vcpu->cpu;

	if (c->status != CALL_OK)
		return out_error("%s: %s", call_status_name(c->status),
				 c->msg);
	if (c->nevents)
		return c->events[0].what;
	if (cpu->nfaults) {
		struct outcome o = out_fault(ESR_EC(cpu->fault.esr),
					     ESR_FSC(cpu->fault.esr));

		o.far = cpu->fault.far;
		return o;
	}
	return out_value(c->ret);
}

void probe_require_cpu(enum probe_kind kind)
{
	struct expect e;

	if (expect_cpu_lacks(kernel_facts(), probes[kind].cpu,
			     probes[kind].name, &e))
		test_skip("%s", e.reason);
}

struct outcome probe(struct vcpu *vcpu, enum probe_kind kind, uint64_t gva,
		     uint64_t val)
{
	struct call c = {
		.recover = probes[kind].recover,
		.mmio_read_value = MMIO_POISON,
	};

	probe_require_cpu(kind);

	__vcpu_call(vcpu, &c, guest_probe, kind,
		    gva + probes[kind].offset, val);
	return classify(vcpu, &c);
}

void exec_stub_write(void *hva)
{
	/* movz x0, #GUEST_EXEC_MAGIC; ret */
	const uint32_t insns[] = {
		0xd2800000u | ((uint32_t)GUEST_EXEC_MAGIC << 5),
		0xd65f03c0u,
	};

	memcpy(hva, insns, sizeof(insns));
	__builtin___clear_cache((char *)hva, (char *)hva + sizeof(insns));
}

struct memtype_result memtype_probe(struct vcpu *vcpu, uint64_t gva,
				    bool tcg)
{
	struct memtype_result r = { MEMTYPE_UNKNOWN };
	struct outcome ld, st, zva, warm;
	char a[64], b[64], c[64];

	/* Single-threaded TCG checks no Device alignment: Device reads Normal. */
	if (tcg && sysconf(_SC_NPROCESSORS_ONLN) < 2)
		test_skip("QEMU TCG with one vCPU models no Device alignment "
			  "faults (docs/qemu-tcg.md: -smp 2 or more): the "
			  "memory type cannot be observed");

	/* An aligned load first: it proves the page is reachable at all. */
	warm = probe(vcpu, PROBE_LOAD, gva, 0);
	if (warm.kind != OUT_COMPLETED) {
		outcome_format(&warm, a, sizeof(a));
		snprintf(r.detail, sizeof(r.detail), "aligned load: %s", a);
		return r;
	}
	ld = probe(vcpu, PROBE_LOAD_UNALIGNED, gva, 0);
	st = probe(vcpu, PROBE_STORE_UNALIGNED, gva, 0);
	zva = probe(vcpu, PROBE_DC_ZVA, gva, 0);
	r.type = memtype_classify(&ld, &st, &zva, tcg);
	outcome_format(&ld, a, sizeof(a));
	outcome_format(&st, b, sizeof(b));
	outcome_format(&zva, c, sizeof(c));
	snprintf(r.detail, sizeof(r.detail),
		 "unaligned load: %s, unaligned store: %s, dc zva: %s%s",
		 a, b, c, tcg ? " (TCG: dc zva not counted)" : "");
	return r;
}

/* The installed mapping, its witness, and the verdicts of both. */
static void judge_installed(struct result *res, const struct s2_mapping *m,
			    const struct memtype_result *felt,
			    const struct expect_attr *a)
{
	struct expect w;
	char buf[128];

	s2_mapping_format(m, buf, sizeof(buf));
	result_diag(res, "stage 2 installed: %s", buf);
	result_check(res, m->valid && m->attr == a->attr, m->valid ?
		     s2_attr_name(m->attr) : buf, s2_attr_name(a->attr),
		     a->reason);
	if (!m->valid)
		return;
	w = expect_memtype_witness(m->attr);
	result_check(res, felt->type == (enum memtype)w.out.value,
		     memtype_name(felt->type),
		     memtype_name((enum memtype)w.out.value), w.reason);
}

void memtype_judge(struct vcpu *vcpu, uint64_t gpa,
		   const struct kernel_facts *kf, const struct expect_attr *a,
		   struct result *res)
{
	enum memtype want = a->attr == S2_ATTR_DEVICE ? MEMTYPE_DEVICE :
			    MEMTYPE_NORMAL;
	struct memtype_result felt;
	struct s2_mapping m;
	struct s2_watch w;
	bool seen;

	seen = s2_watch_map_start(&w, kf, gpa, kf->sizes.geom.page);
	felt = memtype_probe(vcpu, gpa, kf->tcg);
	seen = seen && s2_watch_map_find(&w, gpa, &m);
	result_diag(res, "%s", felt.detail);
	if (seen) {
		judge_installed(res, &m, &felt, a);
		return;
	}
	result_diag(res, "installed type not judged (row 60): %s", w.why);
	result_diag(res, "expected %s (the probes see Normal-NC as Normal)",
		    s2_attr_name(a->attr));
	result_check(res, felt.type == want, memtype_name(felt.type),
		     memtype_name(want), a->reason);
}

void exec_judge(struct vcpu *vcpu, uint64_t gpa,
		const struct kernel_facts *kf, const struct expect *e,
		struct result *res)
{
	struct s2_mapping m;
	struct outcome obs;
	struct s2_watch w;
	struct expect x;
	bool seen, ran;
	char buf[128];

	seen = s2_watch_map_start(&w, kf, gpa, kf->sizes.geom.page);
	obs = probe(vcpu, PROBE_EXEC, gpa, 0);
	seen = seen && s2_watch_map_find(&w, gpa, &m) && m.valid;
	result_expect(res, &obs, e);
	ran = obs.kind == OUT_COMPLETED;
	/* A refused fetch need not map at all: nothing installed to read. */
	if (!seen) {
		result_diag(res, "installed X bit not judged (row 60): %s",
			    ran ? w.why : "the fetch mapped nothing");
		return;
	}
	s2_mapping_format(&m, buf, sizeof(buf));
	result_diag(res, "stage 2 installed: %s", buf);
	x = expect_installed_exec(ran);
	result_check(res, m.x == (bool)x.out.value, m.x ? "X" : "XN",
		     x.out.value ? "X" : "XN", x.reason);
}
