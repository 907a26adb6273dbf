/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcpu_workers.h - vCPUs that keep running guest calls in the background
 * while the host acts on their memory.
 *
 * Each worker is a host thread that owns one vCPU (a call's timer is bound
 * to the thread that makes it) and loops: call n gets a tag from the test
 * (say, the sequence number it stores), the tag and "call n has begun" are
 * published, the test's call() makes one __vcpu_call(), and its record
 * { tag, outcome } is published before the call counts as done. The host
 * waits for calls by number with a deadline, never by sleeping:
 *
 *	struct vcpu_workers ws = { 0 };
 *	struct call_window pre = { 0 }, win;
 *
 *	vcpu_workers_start(&ws, &cfg);
 *	vcpu_workers_wait(&ws, 9, "before the op");	// warm-up
 *	call_window_close(&ws, &pre);		// pre: calls [0, hi)
 *	host_action();
 *	call_window_open(&ws, &win);		// what begins after it
 *	call_window_wait(&ws, &win, 12, "after the op");
 *	call_window_close(&ws, &win);
 *	vcpu_workers_stop(&ws);
 *	// check ws.w[id].recs[win.lo[id] .. win.hi[id])
 *
 * A wait that runs out of time, or finds a worker gone (a call failed on
 * the host side, or max_calls were made), ends the case with test_fail().
 */
#ifndef S2_VCPU_WORKERS_H
#define S2_VCPU_WORKERS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "guest.h"
#include "model/outcome.h"
#include "vm.h"

#define VCPU_WORKERS_MAX	GUEST_MAX_VCPUS

struct vcpu_worker_rec {
	uint64_t tag;		/* what cfg.tag() gave the call */
	struct outcome obs;	/* its first event, error, or return */
};

struct vcpu_workers_cfg {
	int nr;			/* workers, <= VCPU_WORKERS_MAX */
	struct vcpu *vcpu[VCPU_WORKERS_MAX];	/* one each, distinct */
	/*
	 * Call n's tag, from the previous call's (0 before the first); it is
	 * published before the call begins. NULL: every tag is 0.
	 */
	uint64_t (*tag)(void *ctx, int id, uint64_t n, uint64_t prev);
	/* Make call n: one __vcpu_call(vcpu, c, fn, …) with c as prepared. */
	void (*call)(void *ctx, struct vcpu *vcpu, int id, uint64_t n,
		     uint64_t tag, struct call *c);
	void *ctx;
	struct call proto;	/* recover, timeout_ms, mmio_read_value */
	uint64_t max_calls;	/* records per worker: it stops after them */
	unsigned int iter;	/* calls per iteration (lo: a multiple) */
	int wait_s;		/* the deadline of every wait */
};

struct vcpu_worker {
	struct vcpu_workers *ws;
	int id;
	pthread_t th;
	atomic_uint_fast64_t started;	/* calls begun */
	atomic_uint_fast64_t tag;	/* the latest call's tag */
	uint64_t done;			/* calls finished; ws->lock */
	bool exited;			/* ws->lock */
	char why[200];			/* why it exited */
	struct vcpu_worker_rec *recs;	/* [0, done) are final */
};

struct vcpu_workers {
	struct vcpu_workers_cfg cfg;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_bool stop;
	struct vcpu_worker w[VCPU_WORKERS_MAX];
};

/*
 * The calls of each worker that began after a host action returned:
 * [lo, hi), lo the first whole iteration begun after call_window_open(),
 * hi the calls finished at call_window_close(). A window zeroed and only
 * closed holds every call made so far.
 */
struct call_window {
	uint64_t lo[VCPU_WORKERS_MAX], hi[VCPU_WORKERS_MAX];
	uint64_t bound[VCPU_WORKERS_MAX];	/* latest tag begun before */
};

/* Start one thread per worker; ws must be zeroed. */
void vcpu_workers_start(struct vcpu_workers *ws,
			const struct vcpu_workers_cfg *cfg);
/* Wait until every worker finished calls calls in all. */
void vcpu_workers_wait(struct vcpu_workers *ws, uint64_t calls,
		       const char *when);
/* Stop every worker after its current call and join it. */
void vcpu_workers_stop(struct vcpu_workers *ws);

/* Call right after the host action returned. */
void call_window_open(struct vcpu_workers *ws, struct call_window *win);
/* Wait until every worker finished calls calls inside the window. */
void call_window_wait(struct vcpu_workers *ws, const struct call_window *win,
		      uint64_t calls, const char *when);
void call_window_close(struct vcpu_workers *ws, struct call_window *win);

#endif
