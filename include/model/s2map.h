/* SPDX-License-Identifier: GPL-2.0 */
/*
 * s2map.h - what KVM asked stage 2 to install, seen from the host (rows
 * 60 and 61): the prot argument of kvm_pgtable_stage2_map() and
 * kvm_pgtable_stage2_relax_perms() decoded per kernel (the bits of enum
 * kvm_pgtable_prot moved between 6.12 and 7.2), and the TLB invalidations
 * a stage-2 unmap issued, judged against the kernel's own rule. The
 * counting is lib/s2_watch.c's; this is the decoding and the verdicts.
 */
#ifndef S2_MODEL_S2MAP_H
#define S2_MODEL_S2MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "expect.h"
#include "memtype.h"

/* Where enum kvm_pgtable_prot keeps its bits. */
enum s2_prot_layout {
	S2_PROT_UNKNOWN,
	S2_PROT_X0_DEV3,	/* X 0, W 1, R 2, DEVICE 3: before 6.9 */
	S2_PROT_X0_NC4,		/* the same, NORMAL_NC 4: 6.9 to 6.12 */
	S2_PROT_PX0_NC5,	/* PX 0, UX 1, W 2, R 3, DEVICE 4, NC 5: 7.2 */
};

struct s2_layout {
	enum s2_prot_layout id;
	char reason[200];
};

/* One mapping KVM asked for: its IPA, size and decoded prot. */
struct s2_mapping {
	bool valid;		/* the prot is one the layout can hold */
	enum s2_attr attr;
	bool r, w, x;
	uint64_t ipa, size;
	uint64_t prot;		/* as fetched, for the report */
};

struct s2_layout s2_prot_layout(const struct kernel_facts *kf);
/* false (m->valid too) for bits the layout does not define. */
bool s2_prot_decode(enum s2_prot_layout l, uint64_t prot,
		    struct s2_mapping *m);
/* "Normal-NC R W XN, 4K page at 0x..." */
int s2_mapping_format(const struct s2_mapping *m, char *buf, size_t n);
/* The stage-2 level of a mapping of size bytes at this page size, -1. */
int s2_size_level(uint64_t size, uint64_t page);

/*
 * Row 60: the guest's probes are a second witness of the type KVM
 * installed: Device faults unaligned accesses, both Normals do not.
 */
struct expect expect_memtype_witness(enum s2_attr installed);
/* Row 60: an instruction fetch needs the X bit in the installed prot. */
struct expect expect_installed_exec(bool executes);

/*
 * Row 61: the invalidations of one stage-2 unmap of pages host pages at
 * [ipa, ipa + pages * page), counted per kind. -1: the probe is not
 * live (the symbol is missing or cannot be probed in this mode).
 */
enum tlbi_kind {
	TLBI_K_IPA,		/* __kvm_tlb_flush_vmid_ipa(), a leaf */
	TLBI_K_RANGE,		/* (__)kvm_tlb_flush_vmid_range() */
	TLBI_K_VMID,		/* __kvm_tlb_flush_vmid(), a whole VMID */
	TLBI_K_REMOTE,		/* kvm_flush_remote_tlbs(), a whole VMID */
	TLBI_K_EL2_UNMAP,	/* pkvm_pgtable_stage2_unmap(): EL2 unmaps */
	TLBI_K_NR,
};

#define TLBI_MAX_PAGES	64

struct tlbi_count {
	long n[TLBI_K_NR];	/* calls seen, -1 not live */
	long table_ipa;		/* IPA calls for freed tables (not leaves) */
	uint64_t ipa, page;
	unsigned int pages;	/* <= TLBI_MAX_PAGES */
	uint64_t covered;	/* bit i: page i was invalidated */
};

void tlbi_count_init(struct tlbi_count *c, uint64_t ipa, uint64_t page,
		     unsigned int pages);
/* Record one call: a, b are its IPA/level or addr/size arguments. */
void tlbi_count_add(struct tlbi_count *c, enum tlbi_kind k, uint64_t a,
		    uint64_t b);
/* "range", "per-page", "per-page+whole-VMID", "none (3 of 64 pages)" */
int tlbi_count_name(const struct tlbi_count *c, char *buf, size_t n);

/* What the kernel's rule makes a stage-2 unmap issue (row 61). */
enum tlbi_want {
	TLBI_WANT_RANGE,	/* only range TLBIs, covering every page */
	TLBI_WANT_PER_PAGE,	/* a leaf TLBI for every page, no range */
	TLBI_WANT_EL2,		/* protected: EL2 unmapped every page */
	TLBI_WANT_UNSEEN,	/* no host probe sees it: reason says why */
};

struct expect expect_unmap_invalidation(const struct kernel_facts *kf);
/* The name tlbi_count_name() gives a count that satisfies want. */
const char *tlbi_want_name(enum tlbi_want want);

#endif
