// SPDX-License-Identifier: GPL-2.0
/* unit_device.c - device-memory expectations (rows 13-20), memblock dumps. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "expect_device.h"
#include "expect_memslot.h"
#include "memblock.h"
#include "unit.h"

#define BAR	(VMA_SHARED | VMA_PFNMAP | VMA_DEVICE)
#define DAX	(VMA_SHARED | VMA_DAX)

static struct kernel_facts facts(const char *release)
{
	struct kernel_facts kf = { 0 };

	snprintf(kf.release, sizeof(kf.release), "%s", release);
	parse_release(release, &kf.major, &kf.minor, &kf.patch);
	facts_apply_versions(&kf);
	kf.fwb = 1;
	return kf;
}

/* 6.1 and 6.12+ debugfs formats, as the harness's VM prints them. */
static const char dump_61[] =
	"   0: 0x0000000040000000..0x00000000bfffffff\n"
	"   1: 0x00000000c0000000..0x000000012fffffff\n";
static const char dump_612[] =
	"   0: 0x0000000040000000..0x00000000bfffffff    0 NONE\n"
	"   1: 0x00000000c0000000..0x000000012fffffff    1 NONE\n"
	"   2: 0x0000000138000000..0x000000013bffffff    1 NOMAP\n";

UNIT(memblock_dump_both_formats)
{
	CHECK(memblock_text_is_map_memory(dump_61, 0x40000000) == 1);
	CHECK(memblock_text_is_map_memory(dump_61, 0x12fffffff) == 1);
	CHECK(memblock_text_is_map_memory(dump_61, 0x130000000) == 0);
	CHECK(memblock_text_is_map_memory(dump_61, 0x138000000) == 0);
	CHECK(memblock_text_is_map_memory(dump_612, 0xc0000000) == 1);
	CHECK(memblock_text_is_map_memory(dump_612, 0x13c000000) == 0);
	CHECK(memblock_text_is_map_memory("", 0x40000000) == -EINVAL);
	CHECK(memblock_text_is_map_memory("garbage\n", 0) == -EINVAL);
}

UNIT(memblock_nomap_is_not_map_memory)
{
	CHECK(memblock_text_is_map_memory(dump_612, 0x138000000) == 0);
	CHECK(memblock_text_is_map_memory(dump_612, 0x13bffffff) == 0);
}

UNIT(bar_type_per_kernel_row17)
{
	struct kernel_facts k61 = facts("6.1.0-56-arm64");
	struct kernel_facts k612 = facts("6.12.117+deb12-arm64");
	struct kernel_facts k72 = facts("7.2.13+deb14-arm64");

	CHECK(expect_device_attr(&k61, BAR, 0).attr == S2_ATTR_DEVICE);
	CHECK(expect_device_attr(&k612, BAR, 0).attr == S2_ATTR_NORMAL_NC);
	CHECK(expect_device_attr(&k72, BAR, 0).attr == S2_ATTR_NORMAL_NC);
	CHECK(expect_device_attr(&k72, BAR, -1).known);
	CHECK(strstr(expect_device_attr(&k61, BAR, 0).reason, "row 17"));
}

UNIT(dax_type_depends_on_memblock_before_7_row14)
{
	struct kernel_facts k612 = facts("6.12.117+deb12-arm64");
	struct kernel_facts k72 = facts("7.2.13+deb14-arm64");
	struct expect_attr a;

	a = expect_device_attr(&k612, DAX, 0);
	CHECK(a.known && a.attr == S2_ATTR_DEVICE);
	CHECK(strstr(a.reason, "outside memblock") != NULL);
	a = expect_device_attr(&k612, DAX, 1);
	CHECK(a.known && a.attr == S2_ATTR_NORMAL);
	CHECK(!expect_device_attr(&k612, DAX, -1).known);
	a = expect_device_attr(&k72, DAX, 0);
	CHECK(a.known && a.attr == S2_ATTR_NORMAL);
	CHECK(expect_device_attr(&k72, DAX, -1).known);
}

UNIT(exec_only_on_normal_rows15_18)
{
	struct kernel_facts k612 = facts("6.12.117+deb12-arm64");
	struct kernel_facts k72 = facts("7.2.13+deb14-arm64");
	struct expect e;

	e = expect_device_exec(&k72, BAR, 0);
	CHECK(e.out.kind == OUT_GUEST_FAULT && e.out.ec == EC_IABT_CUR &&
	      e.out.fsc == FSC_SEA);
	CHECK(strstr(e.reason, "row 18") != NULL);
	e = expect_device_exec(&k612, DAX, 0);
	CHECK(e.out.kind == OUT_GUEST_FAULT && e.out.fsc == FSC_SEA);
	CHECK(strstr(e.reason, "row 15") != NULL);
	e = expect_device_exec(&k72, DAX, 0);
	CHECK(e.out.kind == OUT_COMPLETED && e.out.value == GUEST_EXEC_MAGIC);
	CHECK(!e.unknown);
	/* Issue 11: no verdict on a memblock fact the suite lacks. */
	e = expect_device_exec(&k612, DAX, -1);
	CHECK(e.unknown && strstr(e.reason, "unknown"));
	CHECK(!expect_device_exec(&k612, DAX, 1).unknown);
}

UNIT(s1_device_choice)
{
	struct kernel_facts k61 = facts("6.1.0-56-arm64");
	struct kernel_facts k612 = facts("6.12.117+deb12-arm64");
	struct kernel_facts k72 = facts("7.2.13+deb14-arm64");

	CHECK(expect_device_s1_device(&k61, BAR, 0).attr == S2_ATTR_DEVICE);
	CHECK(expect_device_s1_device(&k612, BAR, 0).attr == S2_ATTR_DEVICE);
	/* S2 Normal: FWB forces WB on hardware, TCG faults per stage. */
	CHECK(expect_device_s1_device(&k72, DAX, 0).attr == S2_ATTR_NORMAL);
	k72.fwb = 0;
	CHECK(expect_device_s1_device(&k72, DAX, 0).attr == S2_ATTR_DEVICE);
	k72.fwb = -1;
	CHECK(!expect_device_s1_device(&k72, DAX, 0).known);
	k72.tcg = true;
	CHECK(expect_device_s1_device(&k72, DAX, 0).attr == S2_ATTR_DEVICE);
}

UNIT(create_mte_dirty_log_decode_rows13_16_19_20)
{
	struct kernel_facts k61 = facts("6.1.0-56-arm64");
	struct kernel_facts k72 = facts("7.2.13+deb14-arm64");

	CHECK(expect_device_create(&k61, BAR, false).out.err == 0);
	CHECK(expect_device_create(&k61, BAR, true).out.err == EINVAL);
	CHECK(expect_device_create(&k72, BAR, true).out.err == EINVAL);
	CHECK(expect_device_create(&k72, DAX, true).out.err == EINVAL);
	CHECK(strstr(expect_device_create(&k72, DAX, true).reason,
		     "row 13") != NULL);
	CHECK(strstr(expect_device_create(&k72, BAR, false).reason,
		     "row 16") != NULL);
	CHECK(expect_device_dirty_log(BAR).out.err == EINVAL);
	CHECK(expect_device_dirty_log(DAX).out.err == 0);
	CHECK(expect_device_decode_off().out.kind == OUT_RUN_ERRNO);
	CHECK(expect_device_decode_off().out.err == EFAULT);
}
