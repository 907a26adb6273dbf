// SPDX-License-Identifier: GPL-2.0
/*
 * unit_s2map.c - rows 60/61: the prot bits of each kernel, and the TLBI
 * counts of one unmap judged against the kernel's rule.
 */
#include <string.h>

#include "s2map.h"
#include "unit.h"

static struct kernel_facts facts(int major, int minor, enum kvm_mode mode,
				 int tlbirange, int fwb)
{
	struct kernel_facts kf = { .major = major, .minor = minor,
				   .mode = mode, .fwb = fwb,
				   .tlbirange = tlbirange };

	facts_apply_versions(&kf);
	return kf;
}

static enum s2_prot_layout layout(int major, int minor)
{
	struct kernel_facts kf = facts(major, minor, KVM_MODE_VHE, 1, 1);

	return s2_prot_layout(&kf).id;
}

UNIT(prot_layout_per_kernel)
{
	CHECK(layout(6, 1) == S2_PROT_X0_DEV3);
	CHECK(layout(6, 9) == S2_PROT_X0_NC4);
	CHECK(layout(6, 12) == S2_PROT_X0_NC4);
	CHECK(layout(7, 2) == S2_PROT_PX0_NC5);
	/* Between the trees read: not decoded, never guessed. */
	CHECK(layout(6, 18) == S2_PROT_UNKNOWN);
	CHECK(layout(7, 1) == S2_PROT_UNKNOWN);
}

static enum s2_attr attr(enum s2_prot_layout l, uint64_t prot, bool *x)
{
	struct s2_mapping m;

	CHECK(s2_prot_decode(l, prot, &m));
	*x = m.x;
	return m.attr;
}

/* What user_mem_abort asked for, as fetched on 6.12 and 7.2. */
UNIT(prot_decoded_per_layout)
{
	struct s2_mapping m;
	bool x;

	/* 7.2: R|W|PX|UX anon, R|W|NC VFIO BAR, R|W|DEVICE. */
	CHECK(attr(S2_PROT_PX0_NC5, 0xf, &x) == S2_ATTR_NORMAL && x);
	CHECK(attr(S2_PROT_PX0_NC5, 0x2c, &x) == S2_ATTR_NORMAL_NC && !x);
	CHECK(attr(S2_PROT_PX0_NC5, 0x1c, &x) == S2_ATTR_DEVICE && !x);
	CHECK(attr(S2_PROT_PX0_NC5, 0xb, &x) == S2_ATTR_NORMAL && x);
	/* 6.12: R|W|X, R|W|NC, R|W|DEVICE. */
	CHECK(attr(S2_PROT_X0_NC4, 0x7, &x) == S2_ATTR_NORMAL && x);
	CHECK(attr(S2_PROT_X0_NC4, 0x16, &x) == S2_ATTR_NORMAL_NC && !x);
	CHECK(attr(S2_PROT_X0_NC4, 0xe, &x) == S2_ATTR_DEVICE && !x);
	/* 6.1: bit 3 is DEVICE; bit 4 means nothing there. */
	CHECK(attr(S2_PROT_X0_DEV3, 0xe, &x) == S2_ATTR_DEVICE);
	CHECK(!s2_prot_decode(S2_PROT_X0_DEV3, 0x16, &m) && !m.valid);
	/* DEVICE and NC together is no type; nor is an unknown layout. */
	CHECK(!s2_prot_decode(S2_PROT_PX0_NC5, 0x3c, &m));
	CHECK(!s2_prot_decode(S2_PROT_UNKNOWN, 0x7, &m));
	/* The software bits carry no attribute. */
	CHECK(attr(S2_PROT_PX0_NC5, 0xfULL << 55 | 0xc, &x) ==
	      S2_ATTR_NORMAL && !x);
}

UNIT(mapping_level_from_size)
{
	CHECK(s2_size_level(4096, 4096) == 3);
	CHECK(s2_size_level(2 << 20, 4096) == 2);
	CHECK(s2_size_level(1 << 30, 4096) == 1);
	CHECK(s2_size_level(32 << 20, 16384) == 2);
	CHECK(s2_size_level(512 << 20, 65536) == 2);
	CHECK(s2_size_level(8192, 4096) == -1);
}

UNIT(witness_of_the_installed_type)
{
	CHECK(expect_memtype_witness(S2_ATTR_DEVICE).out.value ==
	      MEMTYPE_DEVICE);
	CHECK(expect_memtype_witness(S2_ATTR_NORMAL_NC).out.value ==
	      MEMTYPE_NORMAL);
	CHECK(expect_memtype_witness(S2_ATTR_NORMAL).out.value ==
	      MEMTYPE_NORMAL);
	CHECK(strstr(expect_memtype_witness(S2_ATTR_NORMAL).reason,
		     "row 60"));
}

static const char *seen(const struct tlbi_count *c)
{
	static char buf[128];

	tlbi_count_name(c, buf, sizeof(buf));
	return buf;
}

#define PG	4096ULL
#define BASE	0x40000000ULL

UNIT(tlbi_counts_named)
{
	struct tlbi_count c;
	int i;

	/* 7.2 VHE, max: one range, two table flushes (INT_MAX level). */
	tlbi_count_init(&c, BASE, PG, 64);
	tlbi_count_add(&c, TLBI_K_RANGE, BASE, 64 * PG);
	tlbi_count_add(&c, TLBI_K_IPA, BASE, 0x7fffffff);
	tlbi_count_add(&c, TLBI_K_IPA, BASE, 0x7fffffff);
	c.n[TLBI_K_VMID] = 0;
	CHECK(!strcmp(seen(&c), "range") && c.table_ipa == 2);
	/* A whole-VMID flush on top is named. */
	tlbi_count_add(&c, TLBI_K_REMOTE, 0, 0);
	CHECK(!strcmp(seen(&c), "range+whole-VMID"));
	/* neoverse-n1: one leaf flush per page. */
	tlbi_count_init(&c, BASE, PG, 64);
	for (i = 0; i < 64; i++)
		tlbi_count_add(&c, TLBI_K_IPA, BASE + i * PG, 3);
	CHECK(!strcmp(seen(&c), "per-page"));
	/* A walker that stopped invalidating: the pages left say so. */
	tlbi_count_init(&c, BASE, PG, 64);
	tlbi_count_add(&c, TLBI_K_IPA, BASE, 0x7fffffff);
	CHECK(!strcmp(seen(&c), "uncovered (0 of 64 pages invalidated)"));
	tlbi_count_add(&c, TLBI_K_RANGE, BASE, 2 * PG);
	CHECK(!strcmp(seen(&c), "uncovered (2 of 64 pages invalidated: "
		      "range)"));
	/* A range elsewhere covers nothing here. */
	tlbi_count_init(&c, BASE, PG, 4);
	tlbi_count_add(&c, TLBI_K_RANGE, BASE + 4 * PG, 4 * PG);
	CHECK(!strcmp(seen(&c), "uncovered (0 of 4 pages invalidated: "
		      "range)"));
	/* Protected mode: the unmap handed to EL2. */
	tlbi_count_init(&c, BASE, PG, 64);
	tlbi_count_add(&c, TLBI_K_EL2_UNMAP, BASE, 64 * PG);
	CHECK(!strcmp(seen(&c), "el2-unmap"));
}

static enum tlbi_want want(int major, int minor, enum kvm_mode mode,
			   int tlbirange, int fwb, bool *unknown)
{
	struct kernel_facts kf = facts(major, minor, mode, tlbirange, fwb);
	struct expect e = expect_unmap_invalidation(&kf);

	*unknown = e.unknown;
	CHECK(strstr(e.reason, "row 61") != NULL);
	return e.out.value;
}

UNIT(tlbi_rule_per_mode_and_cpu)
{
	bool u;

	CHECK(want(7, 2, KVM_MODE_VHE, 1, 1, &u) == TLBI_WANT_RANGE && !u);
	CHECK(want(7, 2, KVM_MODE_VHE, 0, 0, &u) == TLBI_WANT_PER_PAGE);
	CHECK(want(7, 2, KVM_MODE_VHE, 1, 0, &u) == TLBI_WANT_PER_PAGE);
	CHECK(want(6, 1, KVM_MODE_VHE, 1, 1, &u) == TLBI_WANT_PER_PAGE);
	CHECK(want(7, 2, KVM_MODE_NESTED, 1, 1, &u) == TLBI_WANT_RANGE);
	/* nVHE: the range path is host code, the leaf path EL2's. */
	CHECK(want(7, 2, KVM_MODE_NVHE, 1, 1, &u) == TLBI_WANT_RANGE && !u);
	CHECK(want(7, 2, KVM_MODE_NVHE, 0, 0, &u) == TLBI_WANT_UNSEEN && u);
	CHECK(want(6, 1, KVM_MODE_NVHE, 1, 1, &u) == TLBI_WANT_UNSEEN && u);
	CHECK(want(7, 2, KVM_MODE_PROTECTED, 1, 1, &u) == TLBI_WANT_EL2 &&
	      !u);
	CHECK(want(7, 2, KVM_MODE_UNKNOWN, 1, 1, &u) == TLBI_WANT_UNSEEN && u);
	CHECK(want(7, 2, KVM_MODE_VHE, -1, 1, &u) == TLBI_WANT_UNSEEN && u);
	CHECK(!strcmp(tlbi_want_name(TLBI_WANT_RANGE), "range"));
	CHECK(!strcmp(tlbi_want_name(TLBI_WANT_PER_PAGE), "per-page"));
	CHECK(!strcmp(tlbi_want_name(TLBI_WANT_EL2), "el2-unmap"));
}
