/* SPDX-License-Identifier: GPL-2.0 */
/*
 * facts.h - what the kernel under test is: version, KVM caps, CPU
 * features, and for each behaviour that changed across kernels whether
 * this one has it and why the suite thinks so. A capability or an
 * observable kernel interface wins over the version, and a profile in
 * configs/profiles/ overrides both for backport kernels. Gathering the
 * facts is I/O (lib/facts.c, include/kernel_facts.h); this is their parsing.
 */
#ifndef S2_MODEL_FACTS_H
#define S2_MODEL_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "sizes.h"

enum feature {
	FEAT_MTE_MAP_SHARED,	/* VM_MTE_ALLOWED rule replaces !VM_SHARED */
	FEAT_MTE_HUGETLB,	/* hugetlb VMAs get VM_MTE_ALLOWED */
	FEAT_ALLOW_ANY_UNCACHED, /* VM_ALLOW_ANY_UNCACHED -> Normal-NC */
	FEAT_CACHEABLE_PFNMAP,	/* VMA-based cacheability (FWB+DIC) */
	FEAT_PFNMAP_NO_REFCOUNT, /* kvm_follow_pfn: no refs on PFNMAP */
	FEAT_COPY_TAGS_CHECKS,	/* COPY_TAGS: INT_MAX and dirty-log EBUSY */
	FEAT_EXCL_ATOMIC_INJECT, /* FSC 0x35 is injected, not -EFAULT */
	FEAT_PKVM_GUEST_S2,	/* protected mode: EL2 owns every VM's stage 2 */
	FEAT_S1PTW_REWALK,	/* __hpfar_valid(): S1PTW faults re-walked */
	FEAT_NR,
};

/*
 * The mode KVM runs in (arm64 has no sysfs file for it): what its init
 * line says (arch/arm64/kvm/arm.c kvm_arm_init(), "%s%sVHE%s mode
 * initialized successfully"), else what the caps tell. nVHE and hVHE
 * (non-protected) run the same stage-2 code at EL1, so they are one mode
 * here; the kernel's own words stay in mode_said.
 */
enum kvm_mode {
	KVM_MODE_UNKNOWN,
	KVM_MODE_VHE,
	KVM_MODE_NVHE,
	KVM_MODE_PROTECTED,
	KVM_MODE_NESTED,
	KVM_MODE_NR,
};

struct kernel_facts {
	char release[128];
	int major, minor, patch;
	int kvm;		/* 0 or -errno from opening /dev/kvm */
	int ipa_limit;
	bool cap_mte;
	bool cap_memory2;
	bool cap_nisv;
	int cap_cacheable_pfnmap; /* VM cap 243: 1/0, -1 if not read */
	bool cap_gmem;		/* KVM_CAP_GUEST_MEMFD (234) */
	bool cap_el2;		/* KVM_CAP_ARM_EL2 (240): nested mode only */
	bool cpu_mte;		/* HWCAP2_MTE: the CPU has MTE */
	enum kvm_mode mode;
	char mode_said[40];	/* "Protected hVHE", "VHE+NV2", ... */
	char mode_src[64];	/* what decided mode */
	long long gmem_flags;	/* KVM_CAP_GUEST_MEMFD_FLAGS (244), VM fd */
	bool tcg;		/* QEMU TCG: see docs/qemu-tcg.md */
	int dic;		/* CTR_EL0.DIC: 1, 0, or -1 unknown */
	int lse;		/* HWCAP_ATOMICS: 1, 0, or -1 unknown */
	int erratum_834220;	/* boot log: workaround on 1/0, -1 unknown */
	int fwb;		/* Stage-2 Force Write-Back (kernel log) */
	int tlbirange;		/* TLB range maintenance (kernel log) */
	int ncpus;		/* online CPUs: TCG needs 2 (docs/qemu-tcg.md) */
	int fixture_aau;	/* fixture module built with
				 * VM_ALLOW_ANY_UNCACHED: 1/-1, 0 no module */
	int mte_hugetlb_prot;	/* PROT_MTE on hugetlb: 1, -errno, 0 unread */
	struct host_sizes sizes;
	bool feat[FEAT_NR];
	char feat_src[FEAT_NR][96];
	char profile[256];	/* override file applied, if any */
};

int parse_release(const char *release, int *major, int *minor, int *patch);
bool version_at_least(const struct kernel_facts *kf, int major, int minor);
void facts_apply_versions(struct kernel_facts *kf);
/* What the kernel answered (caps, module, PROT_MTE) overrides versions. */
void facts_apply_probes(struct kernel_facts *kf);
void facts_parse_cpu_features(struct kernel_facts *kf, const char *log);
/* The mode from a whole boot log, then from the caps where it is silent. */
void facts_parse_kvm_mode(struct kernel_facts *kf, const char *log);
void facts_apply_mode_caps(struct kernel_facts *kf);
const char *kvm_mode_name(enum kvm_mode m);
enum kvm_mode kvm_mode_from_name(const char *name);
/* One line for the TAP header: release, caps, CPU features, profile. */
int facts_format(const struct kernel_facts *kf, char *buf, size_t n);
int facts_apply_profile(struct kernel_facts *kf, const char *path);

#endif
