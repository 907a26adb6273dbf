// SPDX-License-Identifier: GPL-2.0
/* unit_expect.c - version parsing, feature history, profiles, rows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expect_memslot.h"
#include "expect_mte.h"
#include "unit.h"

static struct kernel_facts facts(const char *release)
{
	struct kernel_facts kf = { 0 };

	snprintf(kf.release, sizeof(kf.release), "%s", release);
	parse_release(release, &kf.major, &kf.minor, &kf.patch);
	facts_apply_versions(&kf);
	return kf;
}

UNIT(parse_debian_release_strings)
{
	int maj, min, pat;

	CHECK(!parse_release("6.1.0-56-arm64", &maj, &min, &pat));
	CHECK(maj == 6 && min == 1 && pat == 0);
	CHECK(!parse_release("6.12.117+deb12-arm64", &maj, &min, &pat));
	CHECK(maj == 6 && min == 12 && pat == 117);
	CHECK(!parse_release("7.2.13+deb14-arm64", &maj, &min, &pat));
	CHECK(maj == 7 && min == 2 && pat == 13);
	CHECK(!parse_release("6.9-rc3", &maj, &min, &pat));
	CHECK(maj == 6 && min == 9 && pat == 0);
	CHECK(parse_release("custom", &maj, &min, &pat) == -EINVAL);
	CHECK(parse_release("", &maj, &min, &pat) == -EINVAL);
}

UNIT(versions_compare_numerically)
{
	struct kernel_facts kf = facts("6.12.1");

	CHECK(version_at_least(&kf, 6, 2));
	CHECK(version_at_least(&kf, 6, 12));
	CHECK(!version_at_least(&kf, 6, 13));
	CHECK(version_at_least(&kf, 5, 99));
	CHECK(!version_at_least(&kf, 7, 0));
}

UNIT(feature_history_per_kernel)
{
	struct kernel_facts k61 = facts("6.1.0-56-arm64");
	struct kernel_facts k612 = facts("6.12.117+deb12-arm64");
	struct kernel_facts k72 = facts("7.2.13+deb14-arm64");

	CHECK(!k61.feat[FEAT_MTE_MAP_SHARED]);
	CHECK(k612.feat[FEAT_MTE_MAP_SHARED]);
	CHECK(!k612.feat[FEAT_MTE_HUGETLB] && k72.feat[FEAT_MTE_HUGETLB]);
	CHECK(!k61.feat[FEAT_ALLOW_ANY_UNCACHED]);
	CHECK(k612.feat[FEAT_ALLOW_ANY_UNCACHED]);
	CHECK(!k612.feat[FEAT_PFNMAP_NO_REFCOUNT]);
	CHECK(k72.feat[FEAT_PFNMAP_NO_REFCOUNT]);
	CHECK(strstr(k612.feat_src[FEAT_MTE_HUGETLB], "before 6.13"));
}

/* Matrix rows 1, 6, 7, 9 and 12, per kernel. */
UNIT(mte_slot_acceptance_rows)
{
	static const struct {
		unsigned int vma;
		int k61, k612, k72;
	} rows[] = {
		{ VMA_ANON, 0, 0, 0 },				/* 1 */
		{ VMA_ANON | VMA_HUGETLB, 0, -EINVAL, 0 },	/* 6 */
		{ VMA_SHARED | VMA_HUGETLB, -EINVAL, -EINVAL, 0 }, /* 7 */
		{ VMA_SHARED | VMA_SHMEM, -EINVAL, 0, 0 },	/* 9 */
		{ VMA_SHMEM, 0, 0, 0 },			/* tmpfs private */
		{ VMA_FILE, 0, -EINVAL, -EINVAL },		/* 12 */
	};
	struct kernel_facts k[3] = { facts("6.1.0"), facts("6.12.117"),
				     facts("7.2.13") };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int want[3] = { rows[i].k61, rows[i].k612, rows[i].k72 };
		int j;

		for (j = 0; j < 3; j++) {
			struct expect e = expect_slot_create(&k[j],
							     rows[i].vma,
							     true);
			struct outcome o = out_ret(want[j]);

			if (!CHECK(outcome_match(&o, &e.out)))
				printf("# row %zu kernel %s: %s\n", i,
				       k[j].release, e.reason);
		}
	}
}

UNIT(no_mte_accepts_everything)
{
	struct kernel_facts kf = facts("6.1.0");
	struct expect e = expect_slot_create(&kf, VMA_SHARED | VMA_FILE,
					     false);

	CHECK(e.out.kind == OUT_ERRNO && e.out.err == 0);
	CHECK(strstr(e.reason, "row") != NULL);
}

UNIT(dontneed_rows_36_37)
{
	struct expect anon = expect_dontneed_load(VMA_ANON, 1, 2);
	struct expect shared = expect_dontneed_load(VMA_SHARED | VMA_SHMEM,
						    1, 2);
	struct expect file = expect_dontneed_load(VMA_FILE, 1, 2);
	struct expect huge = expect_dontneed_load(VMA_ANON | VMA_HUGETLB,
						  1, 2);

	CHECK(anon.out.check_value && anon.out.value == 0);
	CHECK(shared.out.value == 1);
	CHECK(file.out.value == 2);
	CHECK(huge.out.value == 0);
}

UNIT(exec_and_access_rows)
{
	struct kernel_facts kf = facts("7.2.13");
	struct expect ram = expect_exec(&kf, VMA_ANON);
	struct expect ro = expect_ro_slot_store(true, 0x40000000);
	struct expect nisv = expect_ro_slot_store(false, 0x40000000);
	struct expect del = expect_deleted_exec();

	CHECK(ram.out.kind == OUT_COMPLETED && ram.out.value ==
	      GUEST_EXEC_MAGIC);
	CHECK(ro.out.kind == OUT_EXIT && ro.out.write &&
	      ro.out.addr == 0x40000000);
	CHECK(nisv.out.kind == OUT_RUN_ERRNO && nisv.out.err == ENOSYS);
	CHECK(del.out.ec == EC_IABT_CUR && del.out.fsc == FSC_SEA);
	CHECK(expect_mprotect_ro_store().out.err == EFAULT);
}

static char *write_profile(const char *text)
{
	static char path[] = "/tmp/s2unit-XXXXXX";
	int fd;

	strcpy(path, "/tmp/s2unit-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		abort();
	close(fd);
	return path;
}

UNIT(profile_overrides_versions)
{
	struct kernel_facts kf = facts("6.1.0-56-arm64");
	char *p = write_profile("# backport\nmatch=6.1.0-*\n"
				"feature.mte_map_shared=1\n");

	CHECK(facts_apply_profile(&kf, p) == 1);
	CHECK(kf.feat[FEAT_MTE_MAP_SHARED]);
	CHECK(strstr(kf.feat_src[FEAT_MTE_MAP_SHARED], "profile") != NULL);
	unlink(p);
}

UNIT(profile_match_and_errors)
{
	struct kernel_facts kf = facts("6.12.117+deb12-arm64");
	char *p = write_profile("match=6.1.0-*\nfeature.mte_hugetlb=1\n");

	CHECK(facts_apply_profile(&kf, p) == 0);
	CHECK(!kf.feat[FEAT_MTE_HUGETLB]);
	unlink(p);
	p = write_profile("feature.no_such_thing=1\n");
	CHECK(facts_apply_profile(&kf, p) == -EINVAL);
	unlink(p);
	p = write_profile("feature.mte_hugetlb=2\n");
	CHECK(facts_apply_profile(&kf, p) == -EINVAL);
	unlink(p);
	CHECK(facts_apply_profile(&kf, "/nonexistent/x.conf") == -ENOENT);
}

#define BOOT_LINE "[0.0] Booting Linux on physical CPU 0x0 [0x000f0510]\n"

UNIT(cpu_features_from_boot_log)
{
	struct kernel_facts kf = facts("7.2.13");

	facts_parse_cpu_features(&kf, BOOT_LINE "[0.1] CPU features: "
				 "detected: Stage-2 Force Write-Back\n[0.1] CPU "
				 "features: detected: TLB range maintenance "
				 "instructions\n");
	CHECK(kf.fwb == 1 && kf.tlbirange == 1);
	facts_parse_cpu_features(&kf, BOOT_LINE "[0.1] CPU features: "
				 "detected: Privileged Access Never\n");
	CHECK(kf.fwb == 0 && kf.tlbirange == 0);
	/* Wrapped past the banner: later feature lines prove nothing. */
	facts_parse_cpu_features(&kf, "[0.2] CPU features: detected: "
				 "Privileged Access Never\n");
	CHECK(kf.fwb == -1 && kf.tlbirange == -1);
	facts_parse_cpu_features(&kf, "[99.0] log wrapped long ago\n");
	CHECK(kf.fwb == -1 && kf.tlbirange == -1);
	facts_parse_cpu_features(&kf, NULL);
	CHECK(kf.fwb == -1);
}

/* Each of KVM's init lines (6.12 and 7.2 arm.c), and the caps without one. */
UNIT(kvm_mode_from_log_then_caps)
{
	static const struct {
		const char *line;
		enum kvm_mode mode;
		const char *said;
	} lines[] = {
		{ "kvm [1]: VHE mode initialized successfully", KVM_MODE_VHE,
		  "VHE" },
		{ "kvm [1]: Hyp nVHE mode initialized successfully",
		  KVM_MODE_NVHE, "Hyp nVHE" },
		{ "kvm [1]: Hyp hVHE mode initialized successfully",
		  KVM_MODE_NVHE, "Hyp hVHE" },
		{ "kvm [1]: Protected hVHE mode initialized successfully",
		  KVM_MODE_PROTECTED, "Protected hVHE" },
		{ "kvm [1]: Protected nVHE mode initialized successfully",
		  KVM_MODE_PROTECTED, "Protected nVHE" },
		{ "kvm [1]: VHE+NV2 mode initialized successfully",
		  KVM_MODE_NESTED, "VHE+NV2" },
		{ "CPU features: detected: Nested Virtualization Support\n"
		  "[0.5] kvm [1]: VHE mode initialized successfully",
		  KVM_MODE_NESTED, "VHE" },
	};
	struct kernel_facts kf;
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		kf = facts("7.2.13");
		facts_parse_kvm_mode(&kf, lines[i].line);
		CHECK(kf.mode == lines[i].mode);
		CHECK(!strcmp(kf.mode_said, lines[i].said));
		CHECK(kvm_mode_from_name(kvm_mode_name(kf.mode)) == kf.mode);
	}
	kf = facts("7.2.13");
	facts_parse_kvm_mode(&kf, "[9.0] log wrapped long ago\n");
	kf.ipa_limit = 40;
	CHECK(kf.mode == KVM_MODE_UNKNOWN);
	kf.cpu_mte = true;
	facts_apply_mode_caps(&kf);
	CHECK(kf.mode == KVM_MODE_PROTECTED);
	kf = facts("7.2.13");
	kf.cap_el2 = true;
	facts_apply_mode_caps(&kf);
	CHECK(kf.mode == KVM_MODE_NESTED);
	kf = facts("7.2.13");
	kf.cap_mte = kf.cpu_mte = true;
	facts_apply_mode_caps(&kf);
	CHECK(kf.mode == KVM_MODE_UNKNOWN);
	CHECK(kvm_mode_from_name("bogus") == KVM_MODE_UNKNOWN);
}

UNIT(facts_line_is_one_readable_line)
{
	struct kernel_facts kf = facts("6.12.117+deb12-arm64");
	char buf[320];

	kf.cap_mte = 1;
	kf.dic = 1;
	kf.fwb = -1;
	kf.tlbirange = 0;
	kf.ncpus = 2;
	page_geom_init(&kf.sizes.geom, 65536);
	facts_format(&kf, buf, sizeof(buf));
	CHECK(strstr(buf, " cpus=2 ") && strstr(buf, " page=64K pmd=512M "));
	CHECK(strstr(buf, "kernel 6.12.117+deb12-arm64:") == buf);
	CHECK(strstr(buf, "mte=1") && strstr(buf, "fwb=?"));
	CHECK(strstr(buf, "dic=1") && strstr(buf, "tlbirange=0"));
	CHECK(!strchr(buf, '\n') && !strstr(buf, "profile="));
}

/* Item 6 of issue 14: a backport answers for itself, whatever its version. */
UNIT(probes_beat_versions)
{
	struct kernel_facts kf = facts("6.12.117+deb12-arm64");

	kf.cap_cacheable_pfnmap = 1;
	kf.fixture_aau = -1;
	kf.mte_hugetlb_prot = 1;
	facts_apply_probes(&kf);
	CHECK(kf.feat[FEAT_CACHEABLE_PFNMAP]);
	CHECK(strstr(kf.feat_src[FEAT_CACHEABLE_PFNMAP], "_SUPPORTED=1"));
	CHECK(!kf.feat[FEAT_ALLOW_ANY_UNCACHED]);
	CHECK(kf.feat[FEAT_MTE_HUGETLB]);
	CHECK(strstr(kf.feat_src[FEAT_MTE_MAP_SHARED], "by version"));

	/* 0 with FWB+DIC: the series is absent, even on a 7.x. */
	kf = facts("7.2.13+deb14-arm64");
	kf.fwb = kf.dic = 1;
	kf.mte_hugetlb_prot = -EINVAL;
	facts_apply_probes(&kf);
	CHECK(!kf.feat[FEAT_CACHEABLE_PFNMAP] && !kf.feat[FEAT_MTE_HUGETLB]);
	CHECK(strstr(kf.feat_src[FEAT_MTE_HUGETLB], "EINVAL"));
	/* Without FWB+DIC a 0 says nothing: the version stays. */
	kf = facts("7.2.13+deb14-arm64");
	kf.fwb = 0;
	kf.dic = 1;
	facts_apply_probes(&kf);
	CHECK(kf.feat[FEAT_CACHEABLE_PFNMAP] && kf.feat[FEAT_ALLOW_ANY_UNCACHED]);
	CHECK(strstr(kf.feat_src[FEAT_CACHEABLE_PFNMAP], "by version"));
	CHECK(strstr(kf.feat_src[FEAT_ALLOW_ANY_UNCACHED], "no s2fixture"));
}

/* Row 44 and its control: the same scan, opposite expectations. */
UNIT(ksm_merge_row_44_and_control)
{
	struct expect mte = expect_ksm_merge(true);
	struct expect plain = expect_ksm_merge(false);

	CHECK(mte.out.check_value && mte.out.value == 0);
	CHECK(plain.out.check_value && plain.out.value == 1);
	CHECK(strstr(mte.reason, "row 44") != NULL);
	CHECK(strstr(plain.reason, "control") != NULL);
}

/* Rows 41-43: no tag differs, and all `words` of the data match. */
UNIT(mte_tags_kept_rows_41_to_43)
{
	enum mte_move how[] = { MTE_MOVE_SWAP, MTE_MOVE_COW,
				MTE_MOVE_MIGRATE };
	char row[8];
	size_t i;

	for (i = 0; i < sizeof(how) / sizeof(how[0]); i++) {
		struct expect t = expect_mte_tags_kept(how[i]);

		snprintf(row, sizeof(row), "row %zu", 41 + i);
		CHECK(t.out.check_value && t.out.value == 0);
		CHECK(!strncmp(t.reason, row, strlen(row)));
		CHECK(strstr(t.reason, "(granules that differ)") != NULL);
	}
	CHECK(expect_mte_data_kept(512).out.value == 512);
	CHECK(expect_mte_cow_copied().out.value == 1);
	CHECK(expect_mte_tag_mismatch().out.fsc == FSC_TAG_CHECK);
}

/*
 * Row 62: no page of a block keeps a stale tag, except a CONT_PTE hugetlb
 * folio (mapped page by page) on a kernel with hugetlb MTE: the known
 * defect, every read page but the faulted one.
 */
UNIT(mte_block_fresh_row_62)
{
	struct kernel_facts k[3] = { facts("6.1.0"), facts("6.12.117"),
				     facts("7.2.13") };
	unsigned int vma[] = { VMA_ANON | VMA_THP, VMA_ANON | VMA_HUGETLB,
			       VMA_SHARED | VMA_HUGETLB };
	uint64_t page[] = { 4096, 16384, 65536 };
	size_t i, j, p;

	for (p = 0; p < 3; p++)
		for (j = 0; j < 3; j++) {
			const struct page_geom *g = &k[j].sizes.geom;
			struct expect e;

			CHECK(!page_geom_init(&k[j].sizes.geom, page[p]));
			for (i = 0; i < sizeof(vma) / sizeof(vma[0]); i++) {
				e = expect_mte_block_fresh(&k[j], vma[i],
							   g->pmd);
				CHECK(e.out.value == 0 && !e.defect);
				CHECK(!strncmp(e.reason, "row 62:", 7));
			}
			e = expect_mte_block_fresh(&k[j], vma[1], g->cont_pte);
			if (j < 2) {
				CHECK(e.out.value == 0 && !e.defect);
				continue;
			}
			CHECK(e.defect);
			CHECK(e.out.value == MTE_BLOCK_PAGES - 1);
			CHECK(strstr(e.reason, "(row 62)") != NULL);
		}
}
