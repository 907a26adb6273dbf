// SPDX-License-Identifier: GPL-2.0
/*
 * s2_watch.c - KVM's stage-2 calls, read back from kprobe events with
 * fetched arguments (arm64: x0-x7 hold them at entry). The probes are the
 * binary's, shared by its cases (kprobe_count_attach()): a case only
 * reads its own calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/expect_mode.h"
#include "s2_watch.h"

#define MAX_HITS	4096

/* (pgt, addr, size, phys, prot, mc[, flags]) since 5.11. */
#define MAP_FETCH	"ipa=%x1:x64 size=%x2:x64 phys=%x3:x64 prot=%x4:x64"
/* (pgt, addr, prot[, flags]) */
#define RELAX_FETCH	"ipa=%x1:x64 prot=%x2:x64"

static int watch_init(struct s2_watch *w, uint64_t gpa, uint64_t size)
{
	int ret, i;

	memset(w, 0, sizeof(*w));
	w->gpa = gpa;
	w->size = size;
	w->map = w->relax = -1;
	for (i = 0; i < TLBI_K_NR; i++)
		w->tlbi[i] = -1;
	ret = kprobe_count_init(&w->k);
	if (ret)
		snprintf(w->why, sizeof(w->why), "%s", w->k.why);
	return ret;
}

/* The probe's index if it is armed, -1 if refused; why keeps why. */
static int add(struct s2_watch *w, const char *name, const char *fn,
	       const char *fetch)
{
	int i = w->k.nr, ret = kprobe_count_attach(&w->k, name, fn, fetch);

	if (ret > 0)
		return i;
	if (ret < 0)
		snprintf(w->k.why, sizeof(w->k.why), "%s: kprobe_events "
			 "refused it (%s)", fn, strerror(-ret));
	snprintf(w->why + strlen(w->why), sizeof(w->why) - strlen(w->why),
		 "%s%s", w->why[0] ? "; " : "", w->k.why);
	return -1;
}

static bool start(struct s2_watch *w)
{
	kprobe_count_drain(&w->k);
	w->live = true;
	return true;
}

bool s2_watch_map_start(struct s2_watch *w, const struct kernel_facts *kf,
			uint64_t gpa, uint64_t size)
{
	bool pkvm = mode_hyp_owns_s2(kf);

	if (watch_init(w, gpa, size))
		return false;
	w->layout = s2_prot_layout(kf);
	if (w->layout.id == S2_PROT_UNKNOWN) {
		snprintf(w->why, sizeof(w->why), "%s", w->layout.reason);
		return false;
	}
	w->map = add(w, "map", pkvm ? "pkvm_pgtable_stage2_map" :
		     "kvm_pgtable_stage2_map", MAP_FETCH);
	if (w->map < 0) {
		if (pkvm)
			snprintf(w->why, sizeof(w->why), "protected mode: no "
				 "host function of this kernel sees the prot "
				 "(pkvm_pgtable_stage2_map: %s)", w->k.why);
		return false;
	}
	w->relax = add(w, "relax", pkvm ? "pkvm_pgtable_stage2_relax_perms" :
		       "kvm_pgtable_stage2_relax_perms", RELAX_FETCH);
	return start(w);
}

/* This process's calls since the start; NULL (and *n 0) on failure. */
static struct kprobe_hit *consume(struct s2_watch *w, long *n)
{
	struct kprobe_hit *h = calloc(MAX_HITS, sizeof(*h));

	*n = h ? kprobe_count_consume(&w->k, getpid(), h, MAX_HITS) : 0;
	if (*n < 0) {
		snprintf(w->why, sizeof(w->why), "reading trace_pipe failed");
		*n = 0;
	}
	w->live = false;
	return h;
}

static bool in_slot(const struct s2_watch *w, const struct kprobe_hit *h)
{
	return h->nargs >= 2 && h->arg[0] >= w->gpa &&
	       h->arg[0] - w->gpa < w->size;
}

/* Relaxations after the map change R/W/X only, never the type. */
static void fold_relax(struct s2_watch *w, const struct kprobe_hit *h,
		       long n, long from, uint64_t ipa, struct s2_mapping *m)
{
	struct s2_mapping r;
	long i;

	for (i = from + 1; i < n; i++) {
		if (h[i].probe != w->relax || h[i].nargs < 2 ||
		    h[i].arg[0] > ipa || ipa - h[i].arg[0] >= m->size ||
		    !s2_prot_decode(w->layout.id, h[i].arg[1], &r))
			continue;
		m->r |= r.r;
		m->w |= r.w;
		m->x |= r.x;
	}
}

bool s2_watch_map_find(struct s2_watch *w, uint64_t ipa,
		       struct s2_mapping *m)
{
	struct kprobe_hit *h;
	long n, i, last = -1;

	memset(m, 0, sizeof(*m));
	if (!w->live)
		return false;
	h = consume(w, &n);
	for (i = 0; i < n; i++)
		if (h[i].probe == w->map && h[i].nargs >= 4 &&
		    h[i].arg[0] <= ipa && ipa - h[i].arg[0] < h[i].arg[1])
			last = i;
	if (last >= 0) {
		s2_prot_decode(w->layout.id, h[last].arg[3], m);
		m->ipa = h[last].arg[0];
		m->size = h[last].arg[1];
		if (m->valid)
			fold_relax(w, h, n, last, ipa, m);
	} else {
		snprintf(w->why, sizeof(w->why), "no stage-2 map call at IPA "
			 "0x%llx by this process (%ld calls of it in all)",
			 (unsigned long long)ipa, n);
	}
	free(h);
	return last >= 0;
}

long s2_watch_map_sizes(struct s2_watch *w, uint64_t *min, uint64_t *max)
{
	struct kprobe_hit *h;
	long n, i, calls = 0;

	*min = ~0ULL;
	*max = 0;
	if (!w->live)
		return -1;
	h = consume(w, &n);
	for (i = 0; i < n; i++) {
		if (h[i].probe != w->map || !in_slot(w, &h[i]))
			continue;
		calls++;
		if (h[i].arg[1] < *min)
			*min = h[i].arg[1];
		if (h[i].arg[1] > *max)
			*max = h[i].arg[1];
	}
	free(h);
	return calls;
}

bool s2_watch_tlbi_start(struct s2_watch *w, const struct kernel_facts *kf,
			 uint64_t gpa, unsigned int pages)
{
	bool vhe = kf->mode == KVM_MODE_VHE || kf->mode == KVM_MODE_NESTED;
	int k, live = 0;

	if (watch_init(w, gpa, (uint64_t)pages * kf->sizes.geom.page))
		return false;
	w->page = kf->sizes.geom.page;
	if (mode_hyp_owns_s2(kf)) {
		w->tlbi[TLBI_K_EL2_UNMAP] = add(w, "el2unmap",
						"pkvm_pgtable_stage2_unmap",
						"addr=%x1:x64 size=%x2:x64");
	} else {
		/* nVHE runs these two at EL2: registered, never fired. */
		if (vhe) {
			w->tlbi[TLBI_K_IPA] = add(w, "ipa",
						  "__kvm_tlb_flush_vmid_ipa",
						  "ipa=%x1:x64 level=%x2:s32");
			w->tlbi[TLBI_K_VMID] = add(w, "vmid",
						   "__kvm_tlb_flush_vmid", NULL);
		}
		/*
		 * VHE: the function that issues the range TLBI (mmu, start,
		 * pages), a witness closer to the instruction; nVHE runs it
		 * at EL2, so its host caller (mmu, addr, size).
		 */
		if (vhe)
			w->tlbi[TLBI_K_RANGE] = add(w, "range",
						    "__kvm_tlb_flush_vmid_range",
						    "addr=%x1:x64 pages=%x2:x64");
		w->range_pages = w->tlbi[TLBI_K_RANGE] >= 0;
		if (!vhe || w->tlbi[TLBI_K_RANGE] < 0)
			w->tlbi[TLBI_K_RANGE] = add(w, "range_host",
						    "kvm_tlb_flush_vmid_range",
						    "addr=%x1:x64 size=%x2:x64");
		w->tlbi[TLBI_K_REMOTE] = add(w, "remote",
					     "kvm_flush_remote_tlbs", NULL);
	}
	for (k = 0; k < TLBI_K_NR; k++)
		live += w->tlbi[k] >= 0;
	return live && start(w);
}

void s2_watch_tlbi_read(struct s2_watch *w, struct tlbi_count *c)
{
	struct kprobe_hit *h;
	long n, i;
	int k;

	tlbi_count_init(c, w->gpa, w->page, w->size / w->page);
	for (k = 0; k < TLBI_K_NR; k++)
		if (w->tlbi[k] >= 0)
			c->n[k] = 0;
	h = consume(w, &n);
	for (i = 0; i < n; i++)
		for (k = 0; k < TLBI_K_NR; k++)
			if (w->tlbi[k] == h[i].probe)
				tlbi_count_add(c, k, h[i].arg[0],
					       k == TLBI_K_RANGE &&
					       w->range_pages ?
					       h[i].arg[1] * w->page :
					       h[i].arg[1]);
	free(h);
}
