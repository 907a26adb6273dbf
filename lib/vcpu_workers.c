// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_workers.c - background vCPU worker threads and call windows.
 *
 * Ordering: a worker publishes call n's tag, then started = n + 1, then
 * makes the call, then writes its record, then done = n + 1 under the
 * lock. So a window opened after a host action has bound = a tag no later
 * call can have had before the action returned, every call from lo on
 * began after it, and the records below done are final.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "verdict.h"
#include "vcpu_workers.h"

static struct outcome call_outcome(const struct call *c)
{
	if (c->status != CALL_OK)
		return out_error("%s: %s", call_status_name(c->status),
				 c->msg);
	if (c->nevents)
		return c->events[0].what;
	return out_value(c->ret);
}

static void worker_exit(struct vcpu_worker *w, const char *why)
{
	pthread_mutex_lock(&w->ws->lock);
	w->exited = true;
	snprintf(w->why, sizeof(w->why), "%s", why);
	pthread_cond_broadcast(&w->ws->cond);
	pthread_mutex_unlock(&w->ws->lock);
}

/* One call; the record is published before done moves past it. */
static bool worker_call(struct vcpu_worker *w, uint64_t n, uint64_t tag)
{
	const struct vcpu_workers_cfg *cfg = &w->ws->cfg;
	struct vcpu_worker_rec *r = &w->recs[n];
	struct call c = cfg->proto;

	cfg->call(cfg->ctx, cfg->vcpu[w->id], w->id, n, tag, &c);
	r->tag = tag;
	r->obs = call_outcome(&c);
	pthread_mutex_lock(&w->ws->lock);
	w->done = n + 1;
	pthread_cond_broadcast(&w->ws->cond);
	pthread_mutex_unlock(&w->ws->lock);
	return c.status == CALL_OK;
}

/* Runs every call of its vCPU: the call timer is bound to this thread. */
static void *worker_main(void *arg)
{
	struct vcpu_worker *w = arg;
	const struct vcpu_workers_cfg *cfg = &w->ws->cfg;
	uint64_t n, tag = 0;

	for (;;) {
		if (atomic_load(&w->ws->stop)) {
			worker_exit(w, "stopped");
			break;
		}
		n = atomic_load(&w->started);
		if (n == cfg->max_calls) {
			worker_exit(w, "out of call records");
			break;
		}
		if (cfg->tag)
			tag = cfg->tag(cfg->ctx, w->id, n, tag);
		atomic_store(&w->tag, tag);
		atomic_store(&w->started, n + 1);
		if (!worker_call(w, n, tag)) {
			worker_exit(w, w->recs[n].obs.msg);
			break;
		}
	}
	return NULL;
}

/* Wait until every worker finished target[id] calls. */
static void wait_done(struct vcpu_workers *ws, const uint64_t *target,
		      const char *when)
{
	struct timespec deadline;
	int id, busy;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ws->cfg.wait_s;
	pthread_mutex_lock(&ws->lock);
	for (;;) {
		busy = -1;
		for (id = ws->cfg.nr - 1; id >= 0; id--)
			if (ws->w[id].done < target[id])
				busy = id;
		if (busy < 0)
			break;
		if (ws->w[busy].exited)
			test_fail("vCPU%d stopped %s after %llu calls: %s",
				  busy, when,
				  (unsigned long long)ws->w[busy].done,
				  ws->w[busy].why);
		if (pthread_cond_timedwait(&ws->cond, &ws->lock, &deadline) ==
		    ETIMEDOUT)
			test_fail("vCPU%d: %llu of %llu calls after %d s %s",
				  busy, (unsigned long long)ws->w[busy].done,
				  (unsigned long long)target[busy],
				  ws->cfg.wait_s, when);
	}
	pthread_mutex_unlock(&ws->lock);
}

void vcpu_workers_start(struct vcpu_workers *ws,
			const struct vcpu_workers_cfg *cfg)
{
	pthread_condattr_t ca;
	int id;

	if (cfg->nr < 1 || cfg->nr > VCPU_WORKERS_MAX || !cfg->call)
		test_fail("vcpu_workers_start: bad configuration");
	ws->cfg = *cfg;
	if (!ws->cfg.iter)
		ws->cfg.iter = 1;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ws->cond, &ca);
	pthread_mutex_init(&ws->lock, NULL);
	for (id = 0; id < cfg->nr; id++) {
		struct vcpu_worker *w = &ws->w[id];

		w->ws = ws;
		w->id = id;
		w->recs = calloc(cfg->max_calls, sizeof(*w->recs));
		if (!w->recs)
			test_fail("out of memory");
		if (pthread_create(&w->th, NULL, worker_main, w))
			test_fail("pthread_create failed");
	}
}

void vcpu_workers_wait(struct vcpu_workers *ws, uint64_t calls,
		       const char *when)
{
	uint64_t target[VCPU_WORKERS_MAX];
	int id;

	for (id = 0; id < ws->cfg.nr; id++)
		target[id] = calls;
	wait_done(ws, target, when);
}

void vcpu_workers_stop(struct vcpu_workers *ws)
{
	int id;

	atomic_store(&ws->stop, true);
	for (id = 0; id < ws->cfg.nr; id++)
		pthread_join(ws->w[id].th, NULL);
}

void call_window_open(struct vcpu_workers *ws, struct call_window *win)
{
	uint64_t iter = ws->cfg.iter;
	int id;

	for (id = 0; id < ws->cfg.nr; id++) {
		win->bound[id] = atomic_load(&ws->w[id].tag);
		win->lo[id] = (atomic_load(&ws->w[id].started) + iter - 1) /
			      iter * iter;
	}
}

void call_window_wait(struct vcpu_workers *ws, const struct call_window *win,
		      uint64_t calls, const char *when)
{
	uint64_t target[VCPU_WORKERS_MAX];
	int id;

	for (id = 0; id < ws->cfg.nr; id++)
		target[id] = win->lo[id] + calls;
	wait_done(ws, target, when);
}

void call_window_close(struct vcpu_workers *ws, struct call_window *win)
{
	int id;

	pthread_mutex_lock(&ws->lock);
	for (id = 0; id < ws->cfg.nr; id++)
		win->hi[id] = ws->w[id].done;
	pthread_mutex_unlock(&ws->lock);
}
