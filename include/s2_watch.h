/* SPDX-License-Identifier: GPL-2.0 */
/*
 * s2_watch.h - what KVM does to a VM's stage 2, seen through kprobe
 * events on the host functions that do it (rows 60, 61): the mapping
 * each fault asks for (kvm_pgtable_stage2_map/relax_perms, in protected
 * mode their pkvm_ twins: IPA, size, prot), and the TLB invalidations an
 * unmap issues. Only the calls made by this process, at the IPAs
 * watched, count. The probes stay armed for the binary's later cases
 * (kprobe_count_attach()); the binary removes them when it ends. Where the running mode hides a call from the host
 * (EL2 code), why says so; nothing is guessed.
 */
#ifndef S2_S2_WATCH_H
#define S2_S2_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "kprobe_count.h"
#include "model/facts.h"
#include "model/s2map.h"

struct s2_watch {
	struct kprobe_count k;
	struct s2_layout layout;
	uint64_t gpa, size, page;
	int map, relax;		/* probe indexes, -1 none */
	int tlbi[TLBI_K_NR];
	bool live;
	bool range_pages;	/* the range probe fetches pages, not bytes */
	char why[320];		/* why the watch sees nothing */
};

/*
 * Watch the mappings KVM installs in [gpa, gpa + size) from now on.
 * false (why set) when no host function shows them: no kprobe events,
 * a prot layout the model does not know, or the probes refused.
 */
bool s2_watch_map_start(struct s2_watch *w, const struct kernel_facts *kf,
			uint64_t gpa, uint64_t size);
/*
 * The mapping covering ipa that KVM asked for last, with the later
 * permission relaxations folded in. false (why set) if none was seen.
 * One reading per start: the calls are consumed.
 */
bool s2_watch_map_find(struct s2_watch *w, uint64_t ipa,
		       struct s2_mapping *m);
/*
 * The smallest and largest mapping KVM asked for in the watched range:
 * the number of map calls, -1 if the watch is not live.
 */
long s2_watch_map_sizes(struct s2_watch *w, uint64_t *min, uint64_t *max);

/*
 * Count the invalidations of the host pages [gpa, gpa + pages * page)
 * from now on, with the probes that fire in kf's mode. false (why set)
 * when none can be placed.
 */
bool s2_watch_tlbi_start(struct s2_watch *w, const struct kernel_facts *kf,
			 uint64_t gpa, unsigned int pages);
/* What was issued since the start. */
void s2_watch_tlbi_read(struct s2_watch *w, struct tlbi_count *c);

#endif
