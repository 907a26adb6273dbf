/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stall.h - telling a stalled vCPU from a slow one, from samples the
 * call loop takes while a guest call runs (lib/vcpu.c).
 *
 * A vCPU is stalled when its architectural state (PC, PSTATE, x0-x30)
 * has not changed for STALL_WINDOW_MS while KVM kept exiting it far more
 * often than the samples themselves kick it: it runs, faults or is
 * interrupted, and is put back at the same instruction, e.g. a stage-2
 * fault the hypervisor drops (docs/behaviours.md row 50). A vCPU thread
 * the host does not schedule exits only for the samples and is slow,
 * not stalled; a guest loop changes its registers.
 */
#ifndef S2_MODEL_STALL_H
#define S2_MODEL_STALL_H

#include <stdbool.h>
#include <stdint.h>

#define STALL_SAMPLE_MS		250
#define STALL_WINDOW_MS		2500
#define STALL_RING		8	/* > 1000 / STALL_SAMPLE_MS samples */

struct stall_sample {
	uint64_t t_ms;		/* CLOCK_MONOTONIC */
	uint64_t exits;		/* the vCPU's "exits" stat */
	uint64_t state;		/* a hash of PC, PSTATE, x0-x30 */
	uint64_t pc;
};

struct stall_watch {
	bool started;
	struct stall_sample since;	/* first sample with this state */
	unsigned int kicks;		/* samples taken since then */
	struct stall_sample ring[STALL_RING];
	unsigned int nring;
};

/* Fold one register into a state hash (start from 0). */
uint64_t stall_hash(uint64_t h, uint64_t v);
/* Add a sample; true once the vCPU counts as stalled. */
bool stall_update(struct stall_watch *w, const struct stall_sample *s);
/* Exits per second over the newest second of samples (0 if unknown). */
uint64_t stall_exit_rate(const struct stall_watch *w);
/* How long the state has not changed, in ms. */
uint64_t stall_for_ms(const struct stall_watch *w);

#endif
