// SPDX-License-Identifier: GPL-2.0
/*
 * probe.c - layer 5: run one guest access and classify what happened.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "arm64.h"
#include "probe.h"
#include "test.h"
#include "vm.h"

static const char *const names[PROBE_NR] = {
	[PROBE_LOAD] = "load",
	[PROBE_LOAD_UNALIGNED] = "load-unaligned",
	[PROBE_STORE] = "store",
	[PROBE_STORE_UNALIGNED] = "store-unaligned",
	[PROBE_LOAD_PAIR] = "load-pair",
	[PROBE_STORE_PAIR] = "store-pair",
	[PROBE_DC_ZVA] = "dc-zva",
	[PROBE_EXCLUSIVE] = "exclusive",
	[PROBE_CAS] = "cas",
	[PROBE_EXEC] = "exec",
	[PROBE_STG] = "stg",
	[PROBE_LDG] = "ldg",
	[PROBE_LOAD_BYTE] = "load-byte",
};

const char *probe_name(enum probe_kind kind)
{
	return kind < PROBE_NR ? names[kind] : "?";
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

struct outcome probe(struct vcpu *vcpu, enum probe_kind kind, uint64_t gva,
		     uint64_t val)
{
	struct call c = {
		.recover = kind == PROBE_EXEC ? RECOVER_RETURN : RECOVER_SKIP,
		.mmio_read_value = MMIO_POISON,
	};

	if (kind == PROBE_LOAD_UNALIGNED || kind == PROBE_STORE_UNALIGNED)
		gva += 1;
	vcpu_call(vcpu, &c, guest_probe, kind, gva, val);
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
			  "faults (spec/qemu-tcg.md: -smp 2 or more): the "
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
