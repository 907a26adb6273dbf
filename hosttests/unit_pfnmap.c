// SPDX-License-Identifier: GPL-2.0
/* unit_pfnmap.c - matrix rows 21-31 per kernel (lib/model/expect_pfnmap.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "expect_pfnmap.h"
#include "expect_memslot.h"
#include "expect_mte.h"
#include "unit.h"

#define TTM	(VMA_SHARED | VMA_PFNMAP | VMA_CACHEABLE | VMA_TAIL_NOREF)
#define CACHED	(VMA_SHARED | VMA_PFNMAP | VMA_DEVICE_PFN | VMA_CACHEABLE)
#define WC	(VMA_SHARED | VMA_PFNMAP | VMA_DEVICE_PFN | \
		 VMA_ALLOW_ANY_UNCACHED)
#define DEV	(VMA_SHARED | VMA_PFNMAP | VMA_DEVICE_PFN)

/* Expected outcomes in one letter each, to keep the tables readable. */
#define OK	0		/* value / accepted */
#define EF	1		/* KVM_RUN EFAULT */
#define IN	2		/* ioctl EINVAL */
#define SE	3		/* guest SEA-IABT */
#define EX	4		/* executes */

static struct kernel_facts kfacts(const char *release, int fwb, int dic)
{
	struct kernel_facts kf = { 0 };

	snprintf(kf.release, sizeof(kf.release), "%s", release);
	parse_release(release, &kf.major, &kf.minor, &kf.patch);
	facts_apply_versions(&kf);
	kf.fwb = fwb;
	kf.dic = dic;
	return kf;
}

static int code(const struct outcome *o)
{
	if (o->kind == OUT_RUN_ERRNO && o->err == EFAULT)
		return EF;
	if (o->kind == OUT_ERRNO && o->err == EINVAL)
		return IN;
	if (o->kind == OUT_GUEST_FAULT && o->ec == EC_IABT_CUR &&
	    o->fsc == FSC_SEA)
		return SE;
	if (o->kind == OUT_COMPLETED && o->value == GUEST_EXEC_MAGIC)
		return EX;
	if ((o->kind == OUT_ERRNO && !o->err) || o->kind == OUT_COMPLETED)
		return OK;
	return -1;
}

/* Kernels: 6.1, 6.12, 7.2 with FWB+DIC (QEMU -cpu max), 7.2 without. */
static struct kernel_facts k[4];
static const int caps[4] = { 0, 0, 1, 0 };

static void init_kernels(void)
{
	k[0] = kfacts("6.1.0-56-arm64", 1, 1);
	k[1] = kfacts("6.12.117+deb12-arm64", 1, 1);
	k[2] = kfacts("7.2.13+deb14-arm64", 1, 1);
	k[3] = kfacts("7.2.13+deb14-arm64", 0, 1);
}

static const struct {
	const char *name;
	unsigned int vma;
	int create[4], create_mte[4], head[4], tail[4], exec[4], mte[4];
	enum s2_attr attr[4];
} kinds[] = {
	{ "ttm", TTM,			/* rows 26, 28-30 */
	  { OK, OK, OK, IN }, { IN, IN, IN, IN }, { OK, OK, OK, OK },
	  { EF, EF, OK, OK }, { EX, EX, EX, EX }, { EF, EF, EF, EF },
	  { S2_ATTR_NORMAL, S2_ATTR_NORMAL, S2_ATTR_NORMAL, S2_ATTR_NORMAL } },
	{ "cacheable", CACHED,		/* rows 22-26 */
	  { OK, OK, OK, IN }, { IN, IN, IN, IN }, { OK, OK, OK, EF },
	  { OK, OK, OK, EF }, { SE, SE, EX, EF }, { OK, OK, EF, EF },
	  { S2_ATTR_DEVICE, S2_ATTR_DEVICE, S2_ATTR_NORMAL, S2_ATTR_DEVICE } },
	{ "wc", WC,			/* rows 21, 26 */
	  { OK, OK, OK, OK }, { IN, IN, IN, IN }, { OK, OK, OK, OK },
	  { OK, OK, OK, OK }, { SE, SE, SE, SE }, { OK, OK, OK, OK },
	  { S2_ATTR_DEVICE, S2_ATTR_NORMAL_NC, S2_ATTR_NORMAL_NC,
	    S2_ATTR_NORMAL_NC } },
	{ "device", DEV,		/* rows 26, 27 */
	  { OK, OK, OK, OK }, { IN, IN, IN, IN }, { OK, OK, OK, OK },
	  { OK, OK, OK, OK }, { SE, SE, SE, SE }, { OK, OK, OK, OK },
	  { S2_ATTR_DEVICE, S2_ATTR_DEVICE, S2_ATTR_DEVICE, S2_ATTR_DEVICE } },
};

static void check_code(const char *what, const char *kind, int j,
		       const struct expect *e, int want)
{
	if (!CHECK(code(&e->out) == want))
		printf("# %s %s on %s (cap %d): got %d want %d: %s\n", what,
		       kind, k[j].release, caps[j], code(&e->out), want,
		       e->reason);
	CHECK(strstr(e->reason, "row") != NULL);
}

UNIT(pfnmap_rows_21_to_30_per_kernel)
{
	size_t i;
	int j;

	init_kernels();
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		unsigned int vma = kinds[i].vma;
		const char *n = kinds[i].name;

		for (j = 0; j < 4; j++) {
			struct expect e;
			struct expect_attr a;

			e = expect_pfnmap_create(&k[j], vma, false, caps[j]);
			check_code("create", n, j, &e, kinds[i].create[j]);
			e = expect_pfnmap_create(&k[j], vma, true, caps[j]);
			check_code("create_mte", n, j, &e,
				   kinds[i].create_mte[j]);
			e = expect_pfnmap_access(&k[j], vma, false, caps[j], 7);
			check_code("head", n, j, &e, kinds[i].head[j]);
			e = expect_pfnmap_access(&k[j], vma, true, caps[j], 7);
			check_code("tail", n, j, &e, kinds[i].tail[j]);
			e = expect_pfnmap_exec(&k[j], vma, false, caps[j]);
			check_code("exec", n, j, &e, kinds[i].exec[j]);
			e = expect_pfnmap_mte_after(&k[j], vma, caps[j]);
			check_code("mte_after", n, j, &e, kinds[i].mte[j]);
			a = expect_pfnmap_attr(&k[j], vma, caps[j]);
			if (!CHECK(a.attr == kinds[i].attr[j]))
				printf("# attr %s on %s: %s\n", n,
				       k[j].release, a.reason);
		}
	}
}

UNIT(pfnmap_access_carries_the_value)
{
	struct kernel_facts kf = kfacts("7.2.13+deb14-arm64", 1, 1);
	struct expect e = expect_pfnmap_access(&kf, TTM, true, 1, 0x1234);

	CHECK(e.out.check_value && e.out.value == 0x1234);
	CHECK(strstr(e.reason, "row 30") != NULL);
}

UNIT(pfnmap_cacheable_support_from_cap_or_cpu)
{
	struct kernel_facts kf = kfacts("7.2.13+deb14-arm64", 1, 1);

	CHECK(pfnmap_cacheable_supported(&kf, 1) == 1);
	CHECK(pfnmap_cacheable_supported(&kf, 0) == 0);
	CHECK(pfnmap_cacheable_supported(&kf, -1) == 1);
	kf.dic = 0;
	CHECK(pfnmap_cacheable_supported(&kf, -1) == 0);
	kf.fwb = -1;
	CHECK(pfnmap_cacheable_supported(&kf, -1) == -1);
	/* Unknown support: no guessed verdict for creation. */
	CHECK(expect_pfnmap_create(&kf, CACHED, false, -1).out.kind ==
	      OUT_ERROR);
}

/* The interface beats the version: a 6.12 backport with kvm_follow_pfn. */
UNIT(pfnmap_tail_follows_the_feature)
{
	struct kernel_facts kf = kfacts("6.12.117+deb12-arm64", 1, 1);

	CHECK(pfnmap_tail_refused(&kf, TTM));
	CHECK(!pfnmap_tail_refused(&kf, CACHED));
	kf.feat[FEAT_PFNMAP_NO_REFCOUNT] = true;
	CHECK(!pfnmap_tail_refused(&kf, TTM));
}

UNIT(pfnmap_row_25_replace_and_31_refault)
{
	struct kernel_facts k72 = kfacts("7.2.13+deb14-arm64", 0, 0);
	struct kernel_facts k612 = kfacts("6.12.117+deb12-arm64", 0, 0);
	struct expect e;

	e = expect_pfnmap_replace(&k72, CACHED, 0, 5);
	CHECK(e.out.kind == OUT_RUN_ERRNO && e.out.err == EFAULT);
	e = expect_pfnmap_replace(&k72, CACHED, 1, 5);
	CHECK(e.out.kind == OUT_COMPLETED && e.out.value == 5);
	e = expect_pfnmap_replace(&k612, CACHED, 0, 5);
	CHECK(e.out.kind == OUT_COMPLETED && strstr(e.reason, "Device"));
	e = expect_pfnmap_refault(&k612, TTM, false, 9);
	CHECK(e.out.value == 9 && strstr(e.reason, "row 31"));
	e = expect_pfnmap_refault(&k612, TTM, true, 9);
	CHECK(e.out.kind == OUT_RUN_ERRNO);
	e = expect_pfnmap_refault(&k72, TTM, true, 9);
	CHECK(e.out.value == 9);
	CHECK(expect_ttm_refcount(false).out.value == 1);
	CHECK(expect_ttm_refcount(true).out.value == 0);
	/* Mapped, the head keeps just the driver's reference. */
	CHECK(expect_ttm_refcount_mapped().out.value ==
	      expect_ttm_refcount(false).out.value);
	CHECK(expect_ttm_refault_block().out.value == 1);
	CHECK(expect_ttm_quarantine_pfn().out.value == 1);
}

/* 6.1 checks VM_SHARED only: a private read-only PFNMAP makes an MTE slot. */
UNIT(pfnmap_mte_6_1_private)
{
	struct kernel_facts kf = kfacts("6.1.0-56-arm64", 1, 1);
	unsigned int priv = VMA_PFNMAP | VMA_CACHEABLE;
	struct expect create = expect_pfnmap_create(&kf, priv, true, 0);
	struct expect touch = expect_pfnmap_mte_after(&kf, priv, 0);

	CHECK(code(&create.out) == OK);
	CHECK(code(&touch.out) == OK);
}

/* A vfio-pci BAR (VMA_DEVICE) follows rows 17/18 through the same rules. */
UNIT(pfnmap_rules_cover_vfio_bars)
{
	unsigned int bar = VMA_SHARED | VMA_PFNMAP | VMA_DEVICE;
	struct kernel_facts k61 = kfacts("6.1.0-56-arm64", 1, 1);
	struct kernel_facts k72 = kfacts("7.2.13+deb14-arm64", 1, 1);
	struct expect e;

	CHECK(expect_pfnmap_attr(&k61, bar, 0).attr == S2_ATTR_DEVICE);
	CHECK(expect_pfnmap_attr(&k72, bar, 1).attr == S2_ATTR_NORMAL_NC);
	e = expect_pfnmap_exec(&k72, bar, false, 1);
	CHECK(code(&e.out) == SE);
	e = expect_pfnmap_mte_after(&k72, bar, 1);
	CHECK(code(&e.out) == OK);
	e = expect_pfnmap_dontneed();
	CHECK(code(&e.out) == IN);
}
