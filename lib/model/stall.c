// SPDX-License-Identifier: GPL-2.0
/*
 * stall.c - the stalled-vCPU rule of model/stall.h, on samples only.
 */
#include "stall.h"

/* Exits beyond the samples' own kicks that make "running" certain. */
#define STALL_MIN_EXTRA_EXITS	8

uint64_t stall_hash(uint64_t h, uint64_t v)
{
	/* FNV-1a over the 8 bytes: any change moves the hash. */
	int i;

	if (!h)
		h = 0xcbf29ce484222325ULL;
	for (i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void restart(struct stall_watch *w, const struct stall_sample *s)
{
	w->started = true;
	w->since = *s;
	w->kicks = 0;
	w->ring[0] = *s;
	w->nring = 1;
}

static void push(struct stall_watch *w, const struct stall_sample *s)
{
	unsigned int i;

	if (w->nring == STALL_RING) {
		for (i = 1; i < STALL_RING; i++)
			w->ring[i - 1] = w->ring[i];
		w->nring--;
	}
	w->ring[w->nring++] = *s;
}

bool stall_update(struct stall_watch *w, const struct stall_sample *s)
{
	const struct stall_sample *from = &w->since;

	if (!w->started || s->state != from->state || s->pc != from->pc ||
	    s->t_ms < from->t_ms || s->exits < from->exits) {
		restart(w, s);
		return false;
	}
	w->kicks++;
	push(w, s);
	return s->t_ms - from->t_ms >= STALL_WINDOW_MS &&
	       s->exits - from->exits > 2ULL * w->kicks +
					STALL_MIN_EXTRA_EXITS;
}

uint64_t stall_exit_rate(const struct stall_watch *w)
{
	const struct stall_sample *now, *then;
	unsigned int i;

	if (w->nring < 2)
		return 0;
	now = &w->ring[w->nring - 1];
	then = &w->ring[0];
	/* The newest sample at least a second old, else the oldest. */
	for (i = 0; i + 1 < w->nring; i++)
		if (now->t_ms - w->ring[i].t_ms >= 1000)
			then = &w->ring[i];
	if (now->t_ms == then->t_ms)
		return 0;
	return (now->exits - then->exits) * 1000 / (now->t_ms - then->t_ms);
}

uint64_t stall_for_ms(const struct stall_watch *w)
{
	if (!w->nring)
		return 0;
	return w->ring[w->nring - 1].t_ms - w->since.t_ms;
}
