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
#include "sizes.h"

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
	FEAT_EXCL_ATOMIC_INJECT, /* FSC 0x35 is injected, not -EFAULT */
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
	int cap_cacheable_pfnmap; /* VM cap 243: 1/0, -1 if not read */
	bool cap_gmem;		/* KVM_CAP_GUEST_MEMFD (234) */
	long long gmem_flags;	/* KVM_CAP_GUEST_MEMFD_FLAGS (244), VM fd */
	bool tcg;		/* QEMU TCG: see spec/qemu-tcg.md */
	int dic;		/* CTR_EL0.DIC: 1, 0, or -1 unknown */
	int fwb;		/* Stage-2 Force Write-Back (kernel log) */
	int tlbirange;		/* TLB range maintenance (kernel log) */
	int ncpus;		/* online CPUs: TCG needs 2 (qemu-tcg.md) */
	int fixture_aau;	/* module built with VM_ALLOW_ANY_UNCACHED:
				 * 1/0, -1 no module */
	int mte_hugetlb_prot;	/* PROT_MTE on hugetlb: 0, -errno, 1 unread */
	struct host_sizes sizes;
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
/* What the kernel answered (caps, module, PROT_MTE) overrides versions. */
void facts_apply_probes(struct kernel_facts *kf);
void facts_parse_cpu_features(struct kernel_facts *kf, const char *log);
/* One line for the TAP header: release, caps, CPU features, profile. */
int facts_format(const struct kernel_facts *kf, char *buf, size_t n);
int facts_apply_profile(struct kernel_facts *kf, const char *path);

struct expect {
	struct outcome out;
	bool defect;		/* out is a known kernel bug, named in reason */
	bool unknown;		/* needs a fact the suite lacks: reason names it */
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
/* Granules of the reused page still carrying the old tag: all of them. */
#define MTE_REUSE_STALE	256
struct expect expect_mte_reused_hugetlb(const struct kernel_facts *kf);

/* Shared with expect_mte.c: build an expect with a formatted reason. */
struct expect make_expect(struct outcome out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Unmap (lib/expect_unmap.c), spec §3, rows 33-40. */
enum unmap_op {
	UNMAP_MUNMAP,		/* munmap() of the slot's VMA */
	UNMAP_DONTNEED,		/* madvise(MADV_DONTNEED) */
	UNMAP_PUNCH_HOLE,	/* fallocate(PUNCH_HOLE) on the backing file */
	UNMAP_MPROTECT_RO,	/* mprotect(PROT_READ) */
	UNMAP_DELETE_SLOT,	/* KVM_SET_USER_MEMORY_REGION, size 0 */
	UNMAP_OP_NR,
};

/* The accesses of the unmap tests' guest loop, and what they return. */
enum unmap_access {
	UA_STORE,	/* store and read back: 0, or 1 + first page missed */
	UA_LOAD_OWN,	/* sum of the word this vCPU keeps storing */
	UA_LOAD_MARK,	/* sum of a word the host wrote before the op */
};

enum reinit_state { REINIT_KEPT, REINIT_UNMAPPED, REINIT_MIXED };
enum tlbi_strategy { TLBI_PER_PAGE, TLBI_RANGE, TLBI_UNKNOWN };

const char *unmap_op_name(enum unmap_op op);
bool unmap_op_applies(enum unmap_op op, unsigned int vma);
bool unmap_op_freezes_old_page(enum unmap_op op, unsigned int vma);
bool unmap_op_refaults(enum unmap_op op);
struct expect expect_unmap_access(enum unmap_op op, unsigned int vma,
				  enum unmap_access a, uint64_t addr,
				  uint64_t own_sum, uint64_t mark_sum);
struct expect expect_unmap_restored(enum unmap_access a, uint64_t own_sum,
				    uint64_t mark_sum);
struct expect expect_unmap_old_page(enum unmap_op op);
struct expect expect_unmap_new_page(enum unmap_op op);
const char *reinit_state_name(enum reinit_state s);
enum reinit_state reinit_classify(uint64_t exits, uint64_t baseline,
				  uint64_t pages);
struct expect expect_vcpu_reinit(const struct kernel_facts *kf);
const char *tlbi_strategy_name(enum tlbi_strategy s);
struct expect expect_unmap_tlbi(const struct kernel_facts *kf);
/*
 * What one stage-2 unmap of leaves leaf pages did, from kprobe counts:
 * calls of kvm_tlb_flush_vmid_range() (-1: the kernel has no such
 * function) and of __kvm_tlb_flush_vmid_ipa() (-1: not probeable).
 */
enum tlbi_strategy tlbi_classify(long range_calls, long ipa_calls,
				 uint64_t leaves);

/* Device memory: VFIO and DAX (lib/expect_device.c), rows 13-20. */
#define VMA_DEVICE	(1u << 7)	/* pfns outside memblock: a PCI BAR */
#define VMA_DAX		(1u << 8)	/* ZONE_DEVICE pmem: fsdax, devdax */

/* What KVM writes into the stage-2 leaf (spec: "S2 type"). */
enum s2_attr { S2_ATTR_NORMAL, S2_ATTR_NORMAL_NC, S2_ATTR_DEVICE };

struct expect_attr {
	enum s2_attr attr;
	bool known;		/* false: the kernel's rule needs a fact we lack */
	char reason[200];
};

const char *s2_attr_name(enum s2_attr attr);
/* 1 if phys is map-memory in a /sys/kernel/debug/memblock/memory dump,
 * 0 if not, -EINVAL if the dump has no range. */
int memblock_text_is_map_memory(const char *dump, uint64_t phys);

/* map_memory: 1/0 whether the pfns are in memblock, -1 unknown. */
struct expect_attr expect_device_attr(const struct kernel_facts *kf,
				      unsigned int vma, int map_memory);
struct expect_attr expect_device_s1_device(const struct kernel_facts *kf,
					   unsigned int vma, int map_memory);
struct expect expect_device_create(const struct kernel_facts *kf,
				   unsigned int vma, bool mte);
struct expect expect_device_dirty_log(unsigned int vma);
struct expect expect_device_exec(const struct kernel_facts *kf,
				 unsigned int vma, int map_memory);
struct expect expect_device_decode_off(void);

/* PFNMAP fixture (lib/expect_pfnmap.c), rows 21-31. */
#define VMA_DEVICE_PFN	(1u << 9)	/* pfns outside memblock, not a BAR */
#define VMA_CACHEABLE	(1u << 10)	/* vm_page_prot is Normal-WB */
#define VMA_ALLOW_ANY_UNCACHED (1u << 11) /* sets it where it exists */
#define VMA_TAIL_NOREF	(1u << 12)	/* non-compound blocks: tails ref 0 */

/*
 * cap: KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED read on a VM fd (1 or 0;
 * kernels without it answer 0), or -1 when not read: then kf's FWB and
 * DIC decide. Returns 1, 0, or -1 when unknown.
 */
int pfnmap_cacheable_supported(const struct kernel_facts *kf, int cap);
/* Row 30: KVM refuses a refcount-0 tail page on this kernel. */
bool pfnmap_tail_refused(const struct kernel_facts *kf, unsigned int vma);
/* Row 25: the fault itself is refused (cacheable, no FWB+DIC, 7.x). */
bool pfnmap_fault_refused(const struct kernel_facts *kf, unsigned int vma,
			  int cap);
struct expect_attr expect_pfnmap_attr(const struct kernel_facts *kf,
				      unsigned int vma, int cap);
struct expect expect_pfnmap_create(const struct kernel_facts *kf,
				   unsigned int vma, bool mte, int cap);
struct expect expect_pfnmap_access(const struct kernel_facts *kf,
				   unsigned int vma, bool tail, int cap,
				   uint64_t value);
struct expect expect_pfnmap_exec(const struct kernel_facts *kf,
				 unsigned int vma, bool tail, int cap);
struct expect expect_pfnmap_mte_after(const struct kernel_facts *kf,
				      unsigned int vma, int cap);
struct expect expect_pfnmap_replace(const struct kernel_facts *kf,
				    unsigned int vma, int cap,
				    uint64_t value);
struct expect expect_pfnmap_refault(const struct kernel_facts *kf,
				    unsigned int vma, bool tail,
				    uint64_t fresh);
struct expect expect_ttm_refcount(bool tail);
struct expect expect_pfnmap_dontneed(void);

/*
 * guest_memfd and memfd_secret (lib/expect_gmem.c): spec §13, rows 32,
 * 48, 49. A guest_memfd slot faults through gmem_abort(), which takes the
 * pfn from the file and never looks at the VMA.
 */
#define VMA_GMEM	(1u << 13)	/* KVM_MEM_GUEST_MEMFD slot */
#define VMA_GMEM_MMAP	(1u << 14)	/* GUEST_MEMFD_FLAG_MMAP */
#define VMA_GMEM_SHARED	(1u << 15)	/* GUEST_MEMFD_FLAG_INIT_SHARED */
#define VMA_SECRETMEM	(1u << 16)	/* memfd_secret(): GUP refuses it */

/* The slot with flags (KVM_MEM_*) in an MTE VM or not. */
struct expect expect_slot_create_flags(const struct kernel_facts *kf,
				       unsigned int vma, uint32_t flags,
				       bool mte);
struct expect expect_gmem_slot(const struct kernel_facts *kf,
			       unsigned int vma, uint32_t flags, bool mte);
struct expect expect_gmem_file(const struct kernel_facts *kf,
			       uint64_t flags);
struct expect expect_gmem_mmap(unsigned int vma);
struct expect expect_gmem_host_touch(unsigned int vma);
struct expect expect_gmem_mte_after_slot(void);
struct expect expect_gmem_truncate(void);
struct expect expect_gmem_exec_faults(const struct kernel_facts *kf);
struct expect expect_mprotect_ro_store_kind(unsigned int vma);
bool expect_block_mapped(unsigned int vma, bool host_huge,
			 const char **reason);
struct expect expect_secretmem_access(void);
struct expect expect_excl_atomic(const struct kernel_facts *kf);

#endif
