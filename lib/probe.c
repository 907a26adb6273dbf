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
