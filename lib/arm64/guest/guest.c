// SPDX-License-Identifier: GPL-2.0
/*
 * guest.c - the guest runtime: call loop, ucall, exception dispatch, probes.
 *
 * Runs at EL1 inside the test VM. Built freestanding: nothing here may call
 * libc, because only this ELF's bytes exist in the guest, not a kernel.
 */
#include "processor.h"
#include "guest.h"
#include "probe_table.h"

#define read_sysreg(r) ({						\
	uint64_t __v;							\
	asm volatile("mrs %0, " #r : "=r"(__v));			\
	__v;								\
})

void guest_ucall(uint64_t cmd)
{
	struct guest_cpu *cpu = this_cpu();
	uint64_t uc = (uint64_t)&cpu->uc;

	cpu->uc.cmd = cmd;
	/* A plain STR so the exit carries a valid syndrome (ISV=1). */
	asm volatile("dsb ish\n\tstr %0, [%1]"
		     : : "r"(uc), "r"(GUEST_UCALL_GPA) : "memory");
}

/*
 * Load each table page the host added since the last call, through the
 * identity map, before any walk needs it: a plain data abort maps it at
 * stage 2, where a first walk would be an S1PTW fault (entry.S).
 */
static void map_new_tables(struct guest_cpu *cpu, uint64_t end)
{
	uint64_t pa;

	for (pa = cpu->pt_mapped; pa < end; pa += GUEST_S1_PAGE)
		(void)READ_ONCE(*(uint64_t *)pa);
	if (end > cpu->pt_mapped)
		cpu->pt_mapped = end;
}

void guest_main(void)
{
	struct guest_cpu *cpu = this_cpu();
	struct ucall *uc = &cpu->uc;
	guest_fn_t fn;

	for (;;) {
		guest_ucall(UCALL_IDLE);
		/*
		 * Only on request: a blanket TLBI would also hide stale
		 * stage-2 entries, which is what unmap tests look for.
		 */
		map_new_tables(cpu, READ_ONCE(uc->pt_end));
		if (READ_ONCE(uc->flush_tlb))
			asm volatile("dsb ishst\n\ttlbi vmalle1\n\t"
				     "dsb nsh\n\tisb" ::: "memory");
		fn = (guest_fn_t)READ_ONCE(uc->fn);
		uc->ret = fn(uc->args[0], uc->args[1], uc->args[2],
			     uc->args[3], uc->args[4], uc->args[5]);
		guest_ucall(UCALL_RETURN);
	}
}

/* A broken invariant of the runtime itself: the host fails the call. */
static void __attribute__((noreturn))
guest_assert_fail(const char *file, uint64_t line, const char *expr,
		  uint64_t a, uint64_t b)
{
	struct ucall *uc = &this_cpu()->uc;

	uc->file = file;
	uc->line = line;
	uc->expr = expr;
	uc->vals[0] = a;
	uc->vals[1] = b;
	for (;;)
		guest_ucall(UCALL_ASSERT);
}

void guest_fault_begin(void)
{
	struct guest_cpu *cpu = this_cpu();

	cpu->nfaults = 0;
	cpu->fault.esr = 0;
	cpu->fault.far = 0;
	cpu->fault.elr = 0;
	cpu->fault.vector = 0;
	cpu->fault.ipa = 0;
	asm volatile("" ::: "memory");
	cpu->expect_fault = 1;
}

uint64_t guest_fault_end(void)
{
	struct guest_cpu *cpu = this_cpu();

	cpu->expect_fault = 0;
	asm volatile("" ::: "memory");
	return cpu->nfaults;
}

void guest_sync_icache(void)
{
	asm volatile("dsb ish\n\tic iallu\n\tdsb ish\n\tisb" ::: "memory");
}

static void record_fault(struct guest_cpu *cpu, struct ex_regs *regs,
			 uint64_t vector, uint64_t esr)
{
	if (!cpu->nfaults) {
		cpu->fault.esr = esr;
		cpu->fault.far = read_sysreg(far_el1);
		cpu->fault.elr = regs->elr;
		cpu->fault.vector = vector;
		cpu->fault.ipa = 0;
	}
	cpu->nfaults++;
}

void guest_exception(struct ex_regs *regs, uint64_t vector)
{
	struct guest_cpu *cpu = this_cpu();
	uint64_t esr = read_sysreg(esr_el1);
	uint64_t ec = ESR_EC(esr);

	if (vector == VECTOR_SYNC_LOWER_A64) {
		l2_exit(regs, esr);
		return;
	}
	if (vector == VECTOR_SYNC_CUR_SPX && cpu->handler[ec]) {
		((guest_handler_t)cpu->handler[ec])(regs, esr);
		return;
	}
	if (vector == VECTOR_SYNC_CUR_SPX && cpu->expect_fault) {
		record_fault(cpu, regs, vector, esr);
		/* The faulting fetch has no next instruction: go back. */
		if (ec == EC_IABT_CUR) {
			regs->elr = regs->x[30];
			regs->x[0] = GUEST_EXEC_FAULTED;
		} else {
			regs->elr += 4;
		}
		return;
	}
	cpu->uc.vals[0] = vector;
	cpu->uc.vals[1] = esr;
	cpu->uc.vals[2] = read_sysreg(far_el1);
	cpu->uc.vals[3] = regs->elr;
	for (;;)
		guest_ucall(UCALL_UNHANDLED);
}

/* -Wswitch: a probe kind without a stub does not build. */
static uint64_t do_probe(enum probe_kind kind, uint64_t addr, uint64_t val)
{
	switch (kind) {
#define PROBE_CASE(k, name, stub, ...)	\
	case PROBE_##k:			\
		return stub(addr, val);
	PROBE_TABLE(PROBE_CASE)
#undef PROBE_CASE
	case PROBE_NR:
		break;
	}
	guest_assert_fail(__FILE__, __LINE__, "known probe kind", kind, 0);
}

/* Called by the host through __vcpu_call(); the fault record stays in cpu. */
uint64_t guest_probe(uint64_t kind, uint64_t addr, uint64_t val)
{
	uint64_t ret;

	guest_fault_begin();
	ret = do_probe(kind, addr, val);
	guest_fault_end();
	return ret;
}

/* Fill [addr, addr+len) with val, one 64-bit store per word. */
uint64_t guest_fill(uint64_t addr, uint64_t len, uint64_t val)
{
	volatile uint64_t *p = (volatile uint64_t *)addr;
	uint64_t i;

	for (i = 0; i < len / 8; i++)
		p[i] = val;
	return 0;
}

/* Return the index of the first word != val, or len/8 when all match. */
uint64_t guest_check(uint64_t addr, uint64_t len, uint64_t val)
{
	volatile uint64_t *p = (volatile uint64_t *)addr;
	uint64_t i;

	for (i = 0; i < len / 8; i++)
		if (p[i] != val)
			return i;
	return len / 8;
}

/* Touch one word per page: write when val != 0, else read. */
uint64_t guest_touch(uint64_t addr, uint64_t len, uint64_t stride,
		     uint64_t write, uint64_t val)
{
	uint64_t off, sum = 0;

	for (off = 0; off < len; off += stride) {
		volatile uint64_t *p = (volatile uint64_t *)(addr + off);

		if (write)
			*p = val + off;
		else
			sum += *p;
	}
	return sum;
}
