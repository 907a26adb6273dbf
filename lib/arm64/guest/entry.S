/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.S - a vCPU's first instructions, with the MMU off.
 *
 * The host writes the guest's stage-1 tables, so nothing has mapped
 * their pages at stage 2 when the guest first walks them: that walk
 * would take a stage-2 fault on a stage-1 table walk (S1PTW). On an
 * Armv8.0 host whose kernel sends S1PTW faults through the erratum
 * 834220 re-walk, KVM never maps the page and the vCPU livelocks
 * (docs/behaviours.md row 50). One plain load per table page with the
 * MMU off is an ordinary data abort that every kernel maps; then the
 * MMU goes on and guest_main() runs as the host set it up.
 *
 * x0: the SCTLR_EL1 to switch to; [x1, x2): the table pages in use.
 *
 * guest_reentry is the way back in for a parked vCPU after the host
 * dropped stage 2 (vcpu_reenter()): KVM may still step the PC past the
 * ucall store the vCPU was parked on, so one nop absorbs that step.
 */
	.text
	.global	guest_reentry
	.global	guest_entry
guest_reentry:
	nop
guest_entry:
1:	cmp	x1, x2
	b.hs	2f
	ldr	x3, [x1]
	add	x1, x1, #4096
	b	1b
2:	msr	sctlr_el1, x0
	isb
	b	guest_main
