/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcpu_reinit.h - a second KVM_ARM_VCPU_INIT on a vCPU that has run.
 *
 * That is what a VMM does on guest reboot, and KVM uses it as a cue to
 * drop (no FWB) or keep (FWB) stage 2 (row 39). The
 * ioctl resets the vCPU's registers, so the harness state the guest
 * runtime lives on (MMU, vectors, stack, the pc parked in the call loop)
 * is saved before and written back after: the next __vcpu_call() continues
 * as if nothing happened.
 */
#ifndef S2_VCPU_REINIT_H
#define S2_VCPU_REINIT_H

struct vcpu;

/* 0, or -errno from KVM_ARM_VCPU_INIT or a register access. */
int vcpu_reinit(struct vcpu *vcpu);

#endif
