/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probes.S - one access per stub, so a fault's ELR is known exactly and
 * the recovery "skip this instruction" is always right.
 *
 * x0 = address, x1 = value to store. Each stub returns what it read (or 0).
 */
	.text
	.arch	armv8.5-a+memtag+lse

	.macro	probe name
	.global	\name
	.type	\name, %function
	.balign	16
\name:
	.endm

probe	probe_ldr
	ldr	x0, [x0]
	ret

probe	probe_str
	str	x1, [x0]
	mov	x0, #0
	ret

/* Pair accesses carry no syndrome (ISV=0): KVM cannot emulate them. */
probe	probe_ldp
	ldp	x0, x1, [x0]
	ret

probe	probe_stp
	stp	x1, x1, [x0]
	mov	x0, #0
	ret

probe	probe_dc_zva
	dc	zva, x0
	mov	x0, #0
	ret

/* One exclusive pair; returns the STXR status (0 = stored). */
probe	probe_excl
	ldxr	x2, [x0]
	stxr	w3, x1, [x0]
	mov	x0, x3
	ret

probe	probe_cas
	mov	x2, x1
	mov	x1, #0
	cas	x1, x2, [x0]
	mov	x0, x1
	ret

/*
 * A far atomic (LSE): unlike CAS it never compares, so a CPU may perform
 * it in the memory system, which device and non-cacheable memory need
 * not support (FSC 0x35: unsupported exclusive or atomic). Returns the
 * old value.
 */
probe	probe_ldadd
	ldadd	x1, x0, [x0]
	ret

/*
 * Call into the region. An instruction abort there resumes at the return
 * address recorded in x30 by this blr (see guest_exception()).
 */
probe	probe_exec
	dsb	ish		/* the stub may have been written just now */
	ic	iallu
	dsb	ish
	isb
	stp	x29, x30, [sp, #-16]!
	blr	x0
	ldp	x29, x30, [sp], #16
	ret

/* MTE: x0 must carry the logical tag in bits 59:56 for STG. */
probe	probe_stg
	stg	x0, [x0]
	mov	x0, #0
	ret

probe	probe_ldg
	ldg	x0, [x0]
	ret

probe	probe_ldrb
	ldrb	w0, [x0]
	ret
