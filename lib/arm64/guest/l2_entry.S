/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l2_entry.S - an L1 guest hypervisor (EL2, HCR_EL2.E2H=1) enters its L2 at
 * EL1 and gets back from it as from a function call.
 *
 * l2_run() keeps L1's callee-saved registers and sp in ctx, ERETs to fn
 * in L2 with the arguments in x0-x4 and x30 = l2_return, whose HVC brings
 * L2's return value to L1's vectors; l2_exit() (l2.c) then calls
 * l2_leave(), which returns from l2_run() with that value. Any other exit
 * is handled on the exception frame and ERETs back into L2.
 *
 * Under E2H=1, elr_el1/spsr_el1 written at EL2 are ELR_EL2/SPSR_EL2.
 */
#define CTX_SP	96

	.text

/* uint64_t l2_run(uint64_t fn, const uint64_t args[5], uint64_t ctx[13],
 *		   uint64_t l2_sp) */
	.global	l2_run
	.type	l2_run, %function
	.balign	16
l2_run:
	stp	x19, x20, [x2, #0]
	stp	x21, x22, [x2, #16]
	stp	x23, x24, [x2, #32]
	stp	x25, x26, [x2, #48]
	stp	x27, x28, [x2, #64]
	stp	x29, x30, [x2, #80]
	mov	x9, sp
	str	x9, [x2, #CTX_SP]
	msr	sp_el1, x3
	msr	elr_el1, x0
	mov	x9, #0x3c5		/* EL1h, DAIF masked */
	msr	spsr_el1, x9
	adr	x30, l2_return
	mov	x9, x1
	ldp	x0, x1, [x9, #0]
	ldp	x2, x3, [x9, #16]
	ldr	x4, [x9, #32]
	isb
	eret

/* In L2 at EL1: the called function returned here with its value in x0. */
	.balign	16
l2_return:
	hvc	#0
	b	l2_return

/* void l2_leave(const uint64_t ctx[13], uint64_t ret): never returns */
	.global	l2_leave
	.type	l2_leave, %function
	.balign	16
l2_leave:
	ldp	x19, x20, [x0, #0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x30, [x0, #80]
	ldr	x9, [x0, #CTX_SP]
	mov	sp, x9
	mov	x0, x1
	ret
