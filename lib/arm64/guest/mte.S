/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mte.S - guest MTE helpers. Addresses carry their logical tag in bits
 * 59:56 (TCR_EL1.TBI0 is set by the runtime).
 */
	.text
	.arch	armv8.5-a+memtag

	.macro	func name
	.global	\name
	.type	\name, %function
	.balign	16
\name:
	.endm

/* guest_mte_set(addr, len): STG every 16-byte granule of [addr, +len). */
func	guest_mte_set
	cbz	x1, 2f
1:	stg	x0, [x0], #16
	subs	x1, x1, #16
	b.hi	1b
2:	mov	x0, #0
	ret

/*
 * guest_mte_count(addr, len, tag): how many granules of [addr, +len) do
 * NOT carry tag (0 means all do).
 */
func	guest_mte_count
	mov	x3, #0
	cbz	x1, 2f
1:	mov	x4, x0
	ldg	x4, [x0]
	ubfx	x4, x4, #56, #4
	cmp	x4, x2
	cinc	x3, x3, ne
	add	x0, x0, #16
	subs	x1, x1, #16
	b.hi	1b
2:	mov	x0, x3
	ret

/* guest_mte_get(addr): the allocation tag of addr's granule. */
func	guest_mte_get
	ldg	x0, [x0]
	ubfx	x0, x0, #56, #4
	ret
