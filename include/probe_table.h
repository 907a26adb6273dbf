/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe_table.h - every probe the guest can run, and the guest functions
 * the host calls into. Shared by the guest runtime (lib/arm64/guest/) and
 * the host's probe() (probe.h): adding a probe is a line here and its
 * stub in lib/arm64/guest/probes.S.
 */
#ifndef S2_PROBE_TABLE_H
#define S2_PROBE_TABLE_H

#include <stdint.h>

/*
 * The probes, one line each: PROBE(kind, name, stub, recover, offset, cpu)
 *   kind     PROBE_<kind>
 *   name     what reports print
 *   stub     the guest stub in lib/arm64/guest/probes.S: x0 = address,
 *            x1 = the value store-type stubs store; returns what it read
 *   recover  what the host does when the access faults (enum recover)
 *   offset   bytes added to the probed address (1: unaligned)
 *   cpu      the CPU feature the instruction needs (model/expect_cpu.h):
 *            without it the instruction is UNDEFINED and the probe SKIPs
 * The enum, the names, the guest's dispatch and the host's recover,
 * offset and feature rules are all generated from this table.
 */
#define PROBE_TABLE(PROBE)						\
	PROBE(LOAD, "load", probe_ldr, RECOVER_SKIP, 0, CPU_BASE)	\
	PROBE(LOAD_UNALIGNED, "load-unaligned", probe_ldr, RECOVER_SKIP, 1, \
	      CPU_BASE)							\
	PROBE(STORE, "store", probe_str, RECOVER_SKIP, 0, CPU_BASE)	\
	PROBE(STORE_UNALIGNED, "store-unaligned", probe_str, RECOVER_SKIP, 1, \
	      CPU_BASE)							\
	PROBE(LOAD_PAIR, "load-pair", probe_ldp, RECOVER_SKIP, 0, CPU_BASE) \
	PROBE(STORE_PAIR, "store-pair", probe_stp, RECOVER_SKIP, 0, CPU_BASE) \
	PROBE(DC_ZVA, "dc-zva", probe_dc_zva, RECOVER_SKIP, 0, CPU_BASE) \
	PROBE(EXCLUSIVE, "exclusive", probe_excl, RECOVER_SKIP, 0, CPU_BASE) \
	PROBE(CAS, "cas", probe_cas, RECOVER_SKIP, 0, CPU_LSE)		\
	PROBE(LDADD, "ldadd", probe_ldadd, RECOVER_SKIP, 0, CPU_LSE)	\
	PROBE(EXEC, "exec", probe_exec, RECOVER_RETURN, 0, CPU_BASE)	\
	PROBE(STG, "stg", probe_stg, RECOVER_SKIP, 0, CPU_MTE)		\
	PROBE(LDG, "ldg", probe_ldg, RECOVER_SKIP, 0, CPU_MTE)		\
	PROBE(LOAD_BYTE, "load-byte", probe_ldrb, RECOVER_SKIP, 0, CPU_BASE)

enum probe_kind {
#define PROBE_ENUM(kind, ...)	PROBE_##kind,
	PROBE_TABLE(PROBE_ENUM)
#undef PROBE_ENUM
	PROBE_NR,
};

#ifdef __aarch64__
/* Guest stubs (lib/arm64/guest/probes.S). */
#define PROBE_STUB(kind, name, stub, ...)	\
	uint64_t stub(uint64_t addr, uint64_t val);
PROBE_TABLE(PROBE_STUB)
#undef PROBE_STUB
uint64_t guest_probe(uint64_t kind, uint64_t addr, uint64_t val);
uint64_t guest_fill(uint64_t addr, uint64_t len, uint64_t val);
uint64_t guest_check(uint64_t addr, uint64_t len, uint64_t val);
uint64_t guest_touch(uint64_t addr, uint64_t len, uint64_t stride,
		     uint64_t write, uint64_t val);
#endif

#endif
