// SPDX-License-Identifier: GPL-2.0
/*
 * facts.c - gather the kernel facts expectations are computed from.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel_facts.h"
#include "kvm_ioctl.h"
#include "../fixture/s2fixture.h"

/* uapi asm/hwcap.h, absent from non-arm64 headers. */
#define HWCAP2_MTE_BIT	(1UL << 18)

static bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* QEMU's -cpu max reports implementer 0 ("reserved for software"). */
static bool detect_tcg(void)
{
	const char *env = getenv("S2_TCG");
	unsigned long midr = 1;
	FILE *f;

	if (env)
		return atoi(env) != 0;
	f = fopen("/sys/devices/system/cpu/cpu0/regs/identification/midr_el1",
		  "r");
	if (!f)
		return false;
	if (fscanf(f, "%lx", &midr) != 1)
		midr = 1;
	fclose(f);
	return (midr >> 24) == 0;
}

static int read_dic(void)
{
#ifdef __aarch64__
	uint64_t ctr;

	asm volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return (ctr >> 29) & 1;
#else
	return -1;
#endif
}

/*
 * The CPU's own answer, as the kernel passes it to EL0: KVM gives a
 * guest no feature the host lacks, so a probe that needs one can ask.
 */
static void read_lse(struct kernel_facts *kf)
{
	unsigned long hwcap = getauxval(AT_HWCAP);

	kf->lse = hwcap ? !!(hwcap & (1UL << 8)) : -1;	/* HWCAP_ATOMICS */
}

/* The runner's copy of the boot log's feature lines, if it made one. */
static char *read_saved_boot_log(void)
{
	const char *path = getenv("S2_BOOT_LOG");
	static char buf[16384];
	size_t n;
	FILE *f;

	if (!path || !(f = fopen(path, "r")))
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

/*
 * The live log if it is whole, else the copy made when the run began;
 * the KVM mode from whichever still has KVM's init line.
 */
static void read_boot_log(struct kernel_facts *kf)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf = len > 0 ? malloc(len + 1) : NULL;

	if (buf) {
		len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
		buf[len > 0 ? len : 0] = 0;
	}
	facts_parse_cpu_features(kf, buf);
	facts_parse_kvm_mode(kf, buf);
	if (kf->fwb < 0)
		facts_parse_cpu_features(kf, read_saved_boot_log());
	if (kf->mode == KVM_MODE_UNKNOWN)
		facts_parse_kvm_mode(kf, read_saved_boot_log());
	free(buf);
}

static uint64_t read_u64(const char *path)
{
	unsigned long long v = 0;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static uint64_t hugetlb_default_size(void)
{
	char line[128];
	unsigned long long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static void read_sizes(struct host_sizes *s)
{
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *de;

	if (page_geom_init(&s->geom, sysconf(_SC_PAGESIZE)))
		fprintf(stderr, "host page size %ld is not an arm64 "
			"granule\n", sysconf(_SC_PAGESIZE));
	s->thp = read_u64("/sys/kernel/mm/transparent_hugepage/"
			  "hpage_pmd_size");
	s->hugetlb_default = hugetlb_default_size();
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && sizes_add_hugetlb(s, de->d_name))
			fprintf(stderr, "hugepages/%s: not a size\n",
				de->d_name);
	if (d)
		closedir(d);
}

/* The module's own answer (fixture/s2fixture.h): 1, -1, 0 if not loaded. */
static int read_fixture_aau(void)
{
	struct s2fx_info info;
	int fd = open(S2FX_DEV, O_RDWR | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return 0;
	if (!ioctl(fd, S2FX_IOC_INFO, &info) &&
	    info.abi_version == S2FX_ABI_VERSION)
		ret = info.flags & S2FX_INFO_ALLOW_ANY_UNCACHED ? 1 : -1;
	close(fd);
	return ret;
}

/*
 * Whether hugetlb VMAs get VM_MTE_ALLOWED: mmap(PROT_MTE) asks the same
 * arch_validate_flags(). MAP_NORESERVE: no free huge page is needed.
 */
#ifndef PROT_MTE
#define PROT_MTE	0x20	/* arm64 uapi */
#endif

/* cap_mte: KVM_CAP_ARM_MTE, i.e. system_supports_mte(). */
static int probe_mte_hugetlb(const struct host_sizes *s, bool cap_mte)
{
	uint64_t size = s->hugetlb_default;
	void *p;

	if (!cap_mte || !size)
		return 0;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_MTE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED)
		return errno == EINVAL ? -EINVAL : 0;
	munmap(p, size);
	return 1;
}

/* Interfaces that exist exactly when a behaviour does beat versions. */
static void apply_interfaces(struct kernel_facts *kf)
{
	if (file_exists("/sys/module/kvm/parameters/allow_unsafe_mappings")) {
		kf->feat[FEAT_PFNMAP_NO_REFCOUNT] = true;
		snprintf(kf->feat_src[FEAT_PFNMAP_NO_REFCOUNT],
			 sizeof(kf->feat_src[0]),
			 "kvm.allow_unsafe_mappings exists");
	}
}

/*
 * $S2_CONFIG_MISSING, else config-missing beside the binary's directory
 * (the VM's initramfs): "CONFIG_X<TAB>GLOB GLOB..." lines.
 */
const char *facts_config_missing(const char *suite, const char *name)
{
	static char line[512];	/* the option, once its tab is cut */
	const char *env = getenv("S2_CONFIG_MISSING");
	char path[PATH_MAX + 32], exe[PATH_MAX], id[256], *glob, *save;
	ssize_t n;
	FILE *f;

	if (env) {
		snprintf(path, sizeof(path), "%s", env);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n <= 0)
			return NULL;
		exe[n] = 0;
		*strrchr(exe, '/') = 0;
		snprintf(path, sizeof(path), "%s/../config-missing", exe);
	}
	f = fopen(path, "r");
	if (!f)
		return NULL;
	snprintf(id, sizeof(id), "%s:%s", suite, name);
	while (fgets(line, sizeof(line), f)) {
		glob = strchr(line, '\t');
		if (!glob)
			continue;
		*glob++ = 0;
		for (glob = strtok_r(glob, " \n", &save); glob;
		     glob = strtok_r(NULL, " \n", &save)) {
			if (fnmatch(glob, id, 0))
				continue;
			fclose(f);
			return line;
		}
	}
	fclose(f);
	return NULL;
}

/* configs/profiles/ beside the binary's tree, or $S2_PROFILE. */
static void apply_profiles(struct kernel_facts *kf)
{
	char dir[PATH_MAX + 32], path[PATH_MAX + 320], exe[PATH_MAX];
	const char *env = getenv("S2_PROFILE");
	struct dirent *de;
	ssize_t n;
	DIR *d;

	if (env) {
		if (facts_apply_profile(kf, env) < 0)
			fprintf(stderr, "S2_PROFILE %s: unreadable or "
				"malformed\n", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = 0;
	*strrchr(exe, '/') = 0;
	snprintf(dir, sizeof(dir), "%s/../configs/profiles", exe);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strstr(de->d_name, ".conf"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (facts_apply_profile(kf, path) < 0)
			fprintf(stderr, "profile %s is malformed\n", path);
	}
	closedir(d);
}

/*
 * A VM cap (7.x): answered on a VM fd only. Kernels without it answer 0,
 * exactly like kernels with it and no FWB+DIC; history tells the two apart.
 */
static int read_vm_cap(int cap)
{
	int vm = kvm_create_vm(0), ret;

	if (vm < 0)
		return -1;
	ret = kvm_vm_check_cap(vm, cap);
	close(vm);
	return ret < 0 ? -1 : ret;
}

static void gather(struct kernel_facts *kf)
{
	struct utsname u;

	uname(&u);
	snprintf(kf->release, sizeof(kf->release), "%s", u.release);
	if (parse_release(kf->release, &kf->major, &kf->minor, &kf->patch))
		kf->major = kf->minor = 0;
	kf->kvm = kvm_open();
	if (kf->kvm >= 0) {
		kf->kvm = 0;
		kf->ipa_limit = kvm_check_cap(KVM_CAP_ARM_VM_IPA_SIZE);
		kf->cap_mte = kvm_check_cap(KVM_CAP_ARM_MTE) > 0;
		kf->cap_memory2 = kvm_check_cap(KVM_CAP_USER_MEMORY2) > 0;
		kf->cap_nisv = kvm_check_cap(KVM_CAP_ARM_NISV_TO_USER) > 0;
		kf->cap_cacheable_pfnmap =
			read_vm_cap(KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED);
		kf->cap_gmem = kvm_check_cap(KVM_CAP_GUEST_MEMFD) > 0;
		kf->cap_el2 = kvm_check_cap(KVM_CAP_ARM_EL2) > 0;
		/* Per VM: INIT_SHARED depends on the VM type. */
		kf->gmem_flags = kf->cap_gmem ?
				 read_vm_cap(KVM_CAP_GUEST_MEMFD_FLAGS) : 0;
	} else {
		kf->cap_cacheable_pfnmap = -1;
		kf->gmem_flags = -1;
	}
	kf->cpu_mte = getauxval(AT_HWCAP2) & HWCAP2_MTE_BIT;
	kf->tcg = detect_tcg();
	kf->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	kf->dic = read_dic();
	read_lse(kf);
	read_boot_log(kf);
	facts_apply_mode_caps(kf);
	read_sizes(&kf->sizes);
	kf->fixture_aau = read_fixture_aau();
	kf->mte_hugetlb_prot = probe_mte_hugetlb(&kf->sizes, kf->cap_mte);
	facts_apply_versions(kf);
	facts_apply_probes(kf);
	apply_interfaces(kf);
	apply_profiles(kf);
}

const struct kernel_facts *kernel_facts(void)
{
	static struct kernel_facts kf;
	static bool done;

	if (!done) {
		gather(&kf);
		done = true;
	}
	return &kf;
}
