/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect.h - layer 6: what the kernel under test must do, and why.
 *
 * Kernel facts are gathered once (version, KVM caps, CPU features). Each
 * behaviour that changed across kernels is a feature with the version that
 * brought it; a capability or an observable kernel interface wins over the
 * version, and a profile in configs/profiles/ overrides both for backport
 * kernels. Expectation functions return an outcome plus the reason, citing
 * the row of spec/kernel-behaviors.md's matrix.
 */
#ifndef S2_EXPECT_H
#define S2_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outcome.h"

/* What KVM's predicates see in a memslot's VMA. */
#define VMA_ANON	(1u << 0)	/* MAP_ANONYMOUS */
#define VMA_SHARED	(1u << 1)	/* VM_SHARED */
#define VMA_HUGETLB	(1u << 2)
#define VMA_SHMEM	(1u << 3)	/* shmem_file(): memfd, tmpfs */
#define VMA_FILE	(1u << 4)	/* regular page-cache file */
#define VMA_THP		(1u << 5)
#define VMA_PFNMAP	(1u << 6)	/* VM_PFNMAP|VM_IO */

enum feature {
	FEAT_MTE_MAP_SHARED,	/* VM_MTE_ALLOWED rule replaces !VM_SHARED */
	FEAT_MTE_HUGETLB,	/* hugetlb VMAs get VM_MTE_ALLOWED */
	FEAT_ALLOW_ANY_UNCACHED, /* VM_ALLOW_ANY_UNCACHED -> Normal-NC */
	FEAT_CACHEABLE_PFNMAP,	/* VMA-based cacheability (FWB+DIC) */
	FEAT_PFNMAP_NO_REFCOUNT, /* kvm_follow_pfn: no refs on PFNMAP */
	FEAT_COPY_TAGS_CHECKS,	/* COPY_TAGS: INT_MAX and dirty-log EBUSY */
	FEAT_NR,
};

struct kernel_facts {
	char release[128];
	int major, minor, patch;
	int kvm;		/* 0 or -errno from opening /dev/kvm */
	int ipa_limit;
	bool cap_mte;
	bool cap_memory2;
	bool cap_nisv;
	bool tcg;		/* QEMU TCG: see spec/qemu-tcg.md */
	int dic;		/* CTR_EL0.DIC: 1, 0, or -1 unknown */
	int fwb;		/* Stage-2 Force Write-Back (kernel log) */
	int tlbirange;		/* TLB range maintenance (kernel log) */
	bool feat[FEAT_NR];
	char feat_src[FEAT_NR][96];
	char profile[256];	/* override file applied, if any */
};

const struct kernel_facts *kernel_facts(void);

/* Pure helpers (host unit tests call these directly). */
int parse_release(const char *release, int *major, int *minor, int *patch);
bool version_at_least(const struct kernel_facts *kf, int major, int minor);
const char *feature_name(enum feature f);
const char *feature_note(enum feature f);
void facts_apply_versions(struct kernel_facts *kf);
void facts_parse_cpu_features(struct kernel_facts *kf, const char *log);
/* One line for the TAP header: release, caps, CPU features, profile. */
int facts_format(const struct kernel_facts *kf, char *buf, size_t n);
int facts_apply_profile(struct kernel_facts *kf, const char *path);

struct expect {
	struct outcome out;
	char reason[200];
};

struct expect expect_slot_create(const struct kernel_facts *kf,
				 unsigned int vma, bool mte);
struct expect expect_exec(const struct kernel_facts *kf, unsigned int vma);
struct expect expect_ro_slot_store(bool has_syndrome, uint64_t gpa);
struct expect expect_mprotect_ro_store(void);
struct expect expect_dontneed_load(unsigned int vma, uint64_t old_data,
				   uint64_t file_data);
struct expect expect_deleted_load(uint64_t gpa);
struct expect expect_deleted_exec(void);


/* MTE (lib/expect_mte.c), spec §4 and rows 10, 11, 41-47. */
struct expect expect_mte_cap(bool cpu_mte);
struct expect expect_mte_enable_after_vcpu(void);
struct expect expect_mte_touch_after_enable(const struct kernel_facts *kf,
					    unsigned int vma);
struct expect expect_mte_prot_probe(const struct kernel_facts *kf,
				    unsigned int vma);
struct expect expect_copy_tags_to_guest_dirty(const struct kernel_facts *kf,
					      uint64_t len);
struct expect expect_copy_tags_huge_len(const struct kernel_facts *kf);
struct expect expect_copy_tags_invalid(const char *what);

/* Shared with expect_mte.c: build an expect with a formatted reason. */
struct expect make_expect(struct outcome out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
