// SPDX-License-Identifier: GPL-2.0
/*
 * expect.c - feature history and per-behaviour expectations. Pure logic,
 * no KVM: host unit tests link it on x86.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arm64.h"
#include "expect.h"
#include "guest.h"
#include "uapi_compat.h"

/*
 * When each behaviour reached mainline. Where the merge version is not
 * provable from the trees read for spec/kernel-behaviors.md, the note says
 * so; kernels between the two trees may then need a profile.
 */
static const struct {
	const char *name;
	int major, minor;
	const char *note;
} history[FEAT_NR] = {
	[FEAT_MTE_MAP_SHARED] = { "mte_map_shared", 6, 2,
		"KVM: arm64: permit MAP_SHARED mappings with MTE enabled" },
	[FEAT_MTE_HUGETLB] = { "mte_hugetlb", 6, 13,
		"hugetlb: arm64: add mte support" },
	[FEAT_ALLOW_ANY_UNCACHED] = { "allow_any_uncached", 6, 9,
		"KVM: arm64: Set io memory s2 pte as normalnc" },
	[FEAT_CACHEABLE_PFNMAP] = { "cacheable_pfnmap", 6, 17,
		"cacheable PFNMAP series (merge version unconfirmed)" },
	[FEAT_PFNMAP_NO_REFCOUNT] = { "pfnmap_no_refcount", 6, 13,
		"KVM: Stop grabbing references to PFNMAP'd pages" },
	[FEAT_COPY_TAGS_CHECKS] = { "copy_tags_checks", 6, 12,
		"COPY_TAGS length/dirty-log checks: in 6.12, not 6.1; "
		"exact merge unconfirmed" },
	[FEAT_EXCL_ATOMIC_INJECT] = { "excl_atomic_inject", 6, 19,
		"kvm_inject_dabt_excl_atomic(): in 7.2, not 6.12; "
		"exact merge unconfirmed" },
};

const char *feature_name(enum feature f)
{
	return history[f].name;
}

const char *feature_note(enum feature f)
{
	return history[f].note;
}

int parse_release(const char *release, int *major, int *minor, int *patch)
{
	int n;

	*patch = 0;
	n = sscanf(release, "%d.%d.%d", major, minor, patch);
	if (n < 2 || *major < 2 || *minor < 0)
		return -EINVAL;
	return 0;
}

bool version_at_least(const struct kernel_facts *kf, int major, int minor)
{
	return kf->major > major ||
	       (kf->major == major && kf->minor >= minor);
}

void facts_apply_versions(struct kernel_facts *kf)
{
	int f;

	for (f = 0; f < FEAT_NR; f++) {
		kf->feat[f] = version_at_least(kf, history[f].major,
					       history[f].minor);
		snprintf(kf->feat_src[f], sizeof(kf->feat_src[f]),
			 "%s %d.%d", kf->feat[f] ? "since" : "before",
			 history[f].major, history[f].minor);
	}
}

/*
 * FWB and TLBIRANGE are hidden from EL0 (FTR_HIDDEN), so the boot log's
 * "CPU features: detected:" lines are the only userspace view. Without
 * the log (wrapped, restricted) they stay -1: unknown, never guessed.
 */
void facts_parse_cpu_features(struct kernel_facts *kf, const char *log)
{
	kf->fwb = kf->tlbirange = -1;
	if (!log || !strstr(log, "CPU features: detected:"))
		return;
	kf->fwb = strstr(log, "Stage-2 Force Write-Back") != NULL;
	kf->tlbirange = strstr(log, "TLB range maintenance instructions") !=
			NULL;
}

static void feat_probed(struct kernel_facts *kf, enum feature f, bool val,
			const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void feat_probed(struct kernel_facts *kf, enum feature f, bool val,
			const char *fmt, ...)
{
	va_list ap;

	kf->feat[f] = val;
	va_start(ap, fmt);
	vsnprintf(kf->feat_src[f], sizeof(kf->feat_src[f]), fmt, ap);
	va_end(ap);
}

/* Say in the reason that a version decided because nothing could be asked. */
static void feat_unprobed(struct kernel_facts *kf, enum feature f,
			  const char *why)
{
	size_t len = strlen(kf->feat_src[f]);

	snprintf(kf->feat_src[f] + len, sizeof(kf->feat_src[f]) - len,
		 " (by version: %s)", why);
}

void facts_apply_probes(struct kernel_facts *kf)
{
	/* 7.x answers FWB && DIC; older kernels answer 0 for any cap. */
	if (kf->cap_cacheable_pfnmap > 0)
		feat_probed(kf, FEAT_CACHEABLE_PFNMAP, true,
			    "KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED=1");
	else if (kf->cap_cacheable_pfnmap == 0 && kf->fwb == 1 &&
		 kf->dic == 1)
		feat_probed(kf, FEAT_CACHEABLE_PFNMAP, false,
			    "KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED=0 with "
			    "FWB+DIC");
	else
		feat_unprobed(kf, FEAT_CACHEABLE_PFNMAP, "cap 243 is 0 "
			      "without FWB+DIC either way");
	if (kf->fixture_aau)
		feat_probed(kf, FEAT_ALLOW_ANY_UNCACHED, kf->fixture_aau > 0,
			    "s2fixture built %s VM_ALLOW_ANY_UNCACHED",
			    kf->fixture_aau > 0 ? "with" : "without");
	else
		feat_unprobed(kf, FEAT_ALLOW_ANY_UNCACHED, "no s2fixture");
	if (kf->mte_hugetlb_prot)
		feat_probed(kf, FEAT_MTE_HUGETLB, kf->mte_hugetlb_prot > 0,
			    "PROT_MTE on a hugetlb VMA: %s",
			    kf->mte_hugetlb_prot > 0 ? "accepted" :
			    errno_name(-kf->mte_hugetlb_prot));
	else
		feat_unprobed(kf, FEAT_MTE_HUGETLB, "no MTE or no hugetlb "
			      "to try PROT_MTE on");
	feat_unprobed(kf, FEAT_MTE_MAP_SHARED, "KVM-only rule");
	feat_unprobed(kf, FEAT_COPY_TAGS_CHECKS, "KVM-only checks");
}

static const char *tri(int v)
{
	return v < 0 ? "?" : v ? "1" : "0";
}

int facts_format(const struct kernel_facts *kf, char *buf, size_t n)
{
	char sizes[128];

	sizes_format(&kf->sizes, sizes, sizeof(sizes));
	return snprintf(buf, n, "kernel %s: kvm=%s mte=%d memory2=%d "
			"nisv=%d gmem=%d gmem_flags=%lld ipa=%d tcg=%d cpus=%d "
			"dic=%s fwb=%s tlbirange=%s %s%s%s",
			kf->release, kf->kvm ? errno_name(-kf->kvm) : "ok",
			kf->cap_mte, kf->cap_memory2, kf->cap_nisv,
			kf->cap_gmem, kf->gmem_flags,
			kf->ipa_limit, kf->tcg, kf->ncpus, tri(kf->dic),
			tri(kf->fwb), tri(kf->tlbirange), sizes,
			kf->profile[0] ? " profile=" : "", kf->profile);
}

static int apply_line(struct kernel_facts *kf, const char *path,
		      const char *key, int val)
{
	int f;

	for (f = 0; f < FEAT_NR; f++) {
		if (strcmp(key, history[f].name))
			continue;
		kf->feat[f] = val;
		snprintf(kf->feat_src[f], sizeof(kf->feat_src[f]),
			 "profile %s", path);
		return 0;
	}
	return -EINVAL;
}

/*
 * Profile format: "match=GLOB" (on the release; absent = always) and
 * "feature.NAME=0|1" lines; '#' starts a comment. Returns 1 if applied,
 * 0 if it does not match this kernel, -errno on a malformed file.
 */
int facts_apply_profile(struct kernel_facts *kf, const char *path)
{
	char line[256], key[128];
	int val, applied = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t");

		if (*s == '#' || *s == '\n' || !*s)
			continue;
		s[strcspn(s, "\n")] = 0;
		if (!strncmp(s, "match=", 6)) {
			if (fnmatch(s + 6, kf->release, 0)) {
				fclose(f);
				return 0;
			}
		} else if (sscanf(s, "feature.%127[a-z0-9_]=%d", key,
				  &val) == 2 && (val == 0 || val == 1)) {
			if (apply_line(kf, path, key, val)) {
				fclose(f);
				return -EINVAL;
			}
			applied = 1;
		} else {
			fclose(f);
			return -EINVAL;
		}
	}
	fclose(f);
	if (applied)
		snprintf(kf->profile, sizeof(kf->profile), "%s", path);
	return applied;
}

struct expect make_expect(struct outcome out, const char *fmt, ...)
{
	struct expect e = { .out = out };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.reason, sizeof(e.reason), fmt, ap);
	va_end(ap);
	return e;
}

/* VM_MTE_ALLOWED as arch_calc_vm_flag_bits() computes it. */
static bool mte_allowed(const struct kernel_facts *kf, unsigned int vma)
{
	if (vma & VMA_PFNMAP)
		return false;
	if ((vma & VMA_HUGETLB) && !kf->feat[FEAT_MTE_HUGETLB])
		return false;
	return (vma & (VMA_ANON | VMA_SHMEM | VMA_HUGETLB)) != 0;
}

/* Rows 1, 6, 7, 9, 12: kvm_arch_prepare_memory_region(). */
struct expect expect_slot_create(const struct kernel_facts *kf,
				 unsigned int vma, bool mte)
{
	if (vma & VMA_GMEM)
		return expect_gmem_slot(kf, vma, 0, mte);
	/* Rows 16/22/26/28: VM_PFNMAP has its own rules (expect_pfnmap.c). */
	if (vma & VMA_PFNMAP)
		return expect_pfnmap_create(kf, vma, mte,
					    kf->cap_cacheable_pfnmap);
	if (!mte && (vma & VMA_SECRETMEM))
		return make_expect(out_ret(0), "row 32: the slot is made; GUP "
				   "meets secretmem only at fault time");
	if (!mte)
		return make_expect(out_ret(0), "rows 1/9: any VMA makes a slot "
			      "without MTE");
	if (!kf->feat[FEAT_MTE_MAP_SHARED]) {
		if (vma & VMA_SHARED)
			return make_expect(out_ret(-EINVAL), "row 9: MTE VMs "
				      "refuse VM_SHARED slots before 6.2");
		return make_expect(out_ret(0), "rows 1/6/12: before 6.2 only "
			      "VM_SHARED is refused with MTE");
	}
	if (mte_allowed(kf, vma))
		return make_expect(out_ret(0), "rows 1/7/9: VMA has "
			      "VM_MTE_ALLOWED (%s)",
			      kf->feat_src[FEAT_MTE_MAP_SHARED]);
	return make_expect(out_ret(-EINVAL), "rows 6/7/12: no VM_MTE_ALLOWED on "
		      "this VMA (%s; hugetlb %s)",
		      kf->feat_src[FEAT_MTE_MAP_SHARED],
		      kf->feat_src[FEAT_MTE_HUGETLB]);
}

/* Rows 3 and 8: cacheable RAM is mapped executable on fault. */
struct expect expect_exec(const struct kernel_facts *kf, unsigned int vma)
{
	/* Rows 18/21/24/27/29: X only on what KVM maps Normal. */
	if (vma & VMA_PFNMAP)
		return expect_pfnmap_exec(kf, vma, false,
					  kf->cap_cacheable_pfnmap);
	return make_expect(out_value(GUEST_EXEC_MAGIC), "rows 3/8: Normal "
		      "memory is executable at stage 2");
}

/* Row 34: io_mem_abort() on a KVM_MEM_READONLY slot. */
struct expect expect_ro_slot_store(bool has_syndrome, uint64_t gpa)
{
	if (has_syndrome)
		return make_expect(out_exit(KVM_EXIT_MMIO, gpa, true), "row 34: a "
			      "store with ISV=1 to a RO slot exits as MMIO");
	return make_expect(out_run_errno(ENOSYS), "row 34: no syndrome and no "
		      "NISV cap: KVM_RUN fails with ENOSYS");
}

/* Rows 33/35, I2: GUP with FOLL_WRITE fails on a read-only VMA. */
struct expect expect_mprotect_ro_store(void)
{
	return make_expect(out_run_errno(EFAULT), "rows 33/35: store after "
		      "mprotect(PROT_READ) fails KVM_RUN with EFAULT");
}

/* Rows 36/37, I4: what a load sees after MADV_DONTNEED. */
struct expect expect_dontneed_load(unsigned int vma, uint64_t old_data,
				   uint64_t file_data)
{
	if (vma & VMA_SHARED)
		return make_expect(out_value(old_data), "row 37: shared pages "
			      "survive MADV_DONTNEED (only PTEs drop)");
	if (vma & (VMA_FILE | VMA_SHMEM))
		return make_expect(out_value(file_data), "row 36: private CoW "
			      "copies drop; the file's data shows again");
	return make_expect(out_value(0), "row 36: private anonymous memory "
		      "reads zero after MADV_DONTNEED");
}

/* Row 38, I5: no slot, no stale translation. */
struct expect expect_deleted_load(uint64_t gpa)
{
	return make_expect(out_exit(KVM_EXIT_MMIO, gpa, false), "row 38: a load "
		      "from a deleted slot exits as MMIO at its IPA");
}

struct expect expect_deleted_exec(void)
{
	return make_expect(out_fault(EC_IABT_CUR, FSC_SEA), "row 38: fetch from "
		      "a deleted slot injects SEA-IABT");
}
