// SPDX-License-Identifier: GPL-2.0
/*
 * facts.c - feature history, the facts line, profiles and the boot log's
 * CPU features: parsing only, the gathering is lib/facts.c.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "outcome.h"

/*
 * When each behaviour reached mainline. Where the merge version is not
 * provable from the trees read for docs/behaviours.md, the note says
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
	[FEAT_PKVM_GUEST_S2] = { "pkvm_guest_s2", 6, 13,
		"pkvm_pgtable_stage2_*() and kvm_pkvm_ext_allowed(): in 7.2, "
		"not 6.12; exact merge unconfirmed" },
	[FEAT_S1PTW_REWALK] = { "s1ptw_rewalk", 6, 15,
		"__hpfar_valid() re-walks S1PTW faults with erratum 834220: "
		"in 7.2, not 6.12; exact merge unconfirmed" },
};

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
 * "CPU features: detected:" lines are the only userspace view. Only a log
 * that still holds its first line (arm64's "Booting Linux on physical
 * CPU") holds them all: a partly wrapped one kept later feature lines and
 * lost FWB's (seen in a 16K run's last binary). Without a whole log
 * (wrapped, restricted) they stay -1: unknown, never guessed.
 */
void facts_parse_cpu_features(struct kernel_facts *kf, const char *log)
{
	kf->fwb = kf->tlbirange = kf->erratum_834220 = -1;
	if (!log || !strstr(log, "Booting Linux on physical CPU") ||
	    !strstr(log, "CPU features: detected:"))
		return;
	kf->fwb = strstr(log, "Stage-2 Force Write-Back") != NULL;
	kf->tlbirange = strstr(log, "TLB range maintenance instructions") !=
			NULL;
	kf->erratum_834220 = strstr(log, "ARM erratum 834220") != NULL;
}

static const char *const mode_names[KVM_MODE_NR] = {
	[KVM_MODE_UNKNOWN] = "unknown", [KVM_MODE_VHE] = "vhe",
	[KVM_MODE_NVHE] = "nvhe", [KVM_MODE_PROTECTED] = "protected",
	[KVM_MODE_NESTED] = "nested",
};

const char *kvm_mode_name(enum kvm_mode m)
{
	return m < KVM_MODE_NR ? mode_names[m] : "unknown";
}

enum kvm_mode kvm_mode_from_name(const char *name)
{
	int m;

	for (m = 0; m < KVM_MODE_NR; m++)
		if (!strcmp(name, mode_names[m]))
			return m;
	return KVM_MODE_UNKNOWN;
}

/*
 * The words before " mode initialized successfully" on KVM's init line:
 * "VHE", "VHE+NV2" (7.x nested), "Hyp nVHE", "Hyp hVHE", "Protected
 * nVHE", "Protected hVHE". 6.x prints no "+NV2": there its nested mode
 * shows only as the "Nested Virtualization Support" CPU feature, which
 * the kernel detects only when kvm-arm.mode=nested asked for it.
 */
void facts_parse_kvm_mode(struct kernel_facts *kf, const char *log)
{
	static const char tail[] = " mode initialized successfully";
	const char *end = log ? strstr(log, tail) : NULL;
	const char *start = end;
	size_t n;

	if (!end)
		return;
	while (start > log && start[-1] != '\n' && start[-1] != ':')
		start--;
	start += strspn(start, " ");
	n = (size_t)(end - start);
	if (n >= sizeof(kf->mode_said))
		n = sizeof(kf->mode_said) - 1;
	memcpy(kf->mode_said, start, n);
	kf->mode_said[n] = 0;
	if (!strncmp(kf->mode_said, "Protected ", 10))
		kf->mode = KVM_MODE_PROTECTED;
	else if (!strncmp(kf->mode_said, "Hyp ", 4))
		kf->mode = KVM_MODE_NVHE;
	else if (strstr(kf->mode_said, "+NV2") ||
		 strstr(log, "detected: Nested Virtualization Support"))
		kf->mode = KVM_MODE_NESTED;
	else if (!strcmp(kf->mode_said, "VHE"))
		kf->mode = KVM_MODE_VHE;
	else
		return;
	snprintf(kf->mode_src, sizeof(kf->mode_src), "kernel log: %s mode",
		 kf->mode_said);
}

/*
 * Without the line (a wrapped or restricted log) two modes still tell
 * themselves: only nested mode offers KVM_CAP_ARM_EL2, and only protected
 * mode hides KVM_CAP_ARM_MTE from a CPU that has MTE (7.x,
 * kvm_pkvm_ext_allowed()). VHE and nVHE answer every cap alike.
 */
void facts_apply_mode_caps(struct kernel_facts *kf)
{
	if (kf->mode != KVM_MODE_UNKNOWN)
		return;
	if (kf->cap_el2) {
		kf->mode = KVM_MODE_NESTED;
		snprintf(kf->mode_src, sizeof(kf->mode_src),
			 "KVM_CAP_ARM_EL2=1");
	} else if (kf->cpu_mte && !kf->cap_mte && kf->ipa_limit > 0) {
		kf->mode = KVM_MODE_PROTECTED;
		snprintf(kf->mode_src, sizeof(kf->mode_src),
			 "KVM_CAP_ARM_MTE=0 on an MTE CPU");
	} else {
		snprintf(kf->mode_src, sizeof(kf->mode_src),
			 "no KVM init line in the log");
	}
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
			"dic=%s fwb=%s tlbirange=%s lse=%s e834220=%s mode=%s "
			"%s%s%s",
			kf->release, kf->kvm ? errno_name(-kf->kvm) : "ok",
			kf->cap_mte, kf->cap_memory2, kf->cap_nisv,
			kf->cap_gmem, kf->gmem_flags,
			kf->ipa_limit, kf->tcg, kf->ncpus, tri(kf->dic),
			tri(kf->fwb), tri(kf->tlbirange), tri(kf->lse),
			tri(kf->erratum_834220), kvm_mode_name(kf->mode), sizes,
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
