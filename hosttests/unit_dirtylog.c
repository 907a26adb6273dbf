// SPDX-License-Identifier: GPL-2.0
/* unit_dirtylog.c - the dirty-log model (rows 55-59). */
#include <string.h>

#include "expect_dirtylog.h"
#include "unit.h"

static struct dlog_state st;

static uint64_t count(const uint64_t *bits, uint64_t npages)
{
	uint64_t p, n = 0;

	for (p = 0; p < npages; p++)
		n += dlog_bit(bits, p);
	return n;
}

UNIT(dirtylog_which_backings_log)
{
	CHECK(dlog_backing_logs(VMA_ANON));
	CHECK(dlog_backing_logs(VMA_ANON | VMA_THP));
	CHECK(dlog_backing_logs(VMA_SHARED | VMA_HUGETLB));
	CHECK(dlog_backing_logs(VMA_SHARED | VMA_DAX));
	CHECK(!dlog_backing_logs(VMA_PFNMAP | VMA_DEVICE));
	CHECK(!dlog_backing_logs(VMA_GMEM | VMA_GMEM_MMAP));
	CHECK(!dlog_backing_logs(VMA_SECRETMEM));
}

/* Row 55: mapped pages are protected at enable, reads log nothing. */
UNIT(dirtylog_get_logs_exactly_the_writes)
{
	uint64_t out[DLOG_WORDS], p;

	CHECK(dlog_init(&st, 64, 1, DLOG_GET) == 0);
	for (p = 0; p < 32; p++)
		dlog_guest_write(&st, p);
	CHECK(dlog_take_faults(&st) == 32);
	dlog_enable(&st);
	dlog_get(&st, out);
	CHECK(count(out, 64) == 0);
	for (p = 0; p < 64; p++)
		dlog_guest_read(&st, p);
	/* Only the unmapped half faults, and maps read-only. */
	CHECK(dlog_take_faults(&st) == 32);
	dlog_guest_write(&st, 3);
	dlog_guest_write(&st, 40);
	dlog_guest_write(&st, 40);
	CHECK(dlog_take_faults(&st) == 2);
	dlog_get(&st, out);
	CHECK(count(out, 64) == 2 && dlog_bit(out, 3) && dlog_bit(out, 40));
	/* GET protected them again. */
	dlog_guest_write(&st, 40);
	dlog_get(&st, out);
	CHECK(count(out, 64) == 1 && dlog_bit(out, 40));
	CHECK(strstr(expect_dlog_log(&st).reason, "row 55"));
	CHECK(!strstr(expect_dlog_log(&st).reason, "row 57"));
}

/* A read fault while logging maps read-only: the write after it logs. */
UNIT(dirtylog_read_fault_maps_read_only)
{
	uint64_t out[DLOG_WORDS];

	dlog_init(&st, 64, 1, DLOG_GET);
	dlog_enable(&st);
	dlog_guest_read(&st, 5);
	dlog_guest_write(&st, 5);
	dlog_guest_write(&st, 6);
	CHECK(dlog_take_faults(&st) == 3);
	dlog_get(&st, out);
	CHECK(count(out, 64) == 2 && dlog_bit(out, 5) && dlog_bit(out, 6));
}

/* Row 56: initially set, nothing protected until CLEAR. */
UNIT(dirtylog_manual_initially_set)
{
	uint64_t out[DLOG_WORDS], mask[DLOG_WORDS] = { 0 }, p;

	dlog_init(&st, 128, 1, DLOG_MANUAL);
	dlog_set_manual(&st, DLOG_MANUAL_ENABLE | DLOG_INITIALLY_SET);
	for (p = 0; p < 128; p++)
		dlog_guest_write(&st, p);
	dlog_enable(&st);
	dlog_get(&st, out);
	CHECK(count(out, 128) == 128);
	/* GET does not clear in manual mode. */
	dlog_get(&st, out);
	CHECK(count(out, 128) == 128);
	for (p = 0; p < 64; p++)
		dlog_bit_set(mask, p);
	dlog_clear(&st, mask);
	dlog_take_faults(&st);
	dlog_guest_write(&st, 10);	/* cleared: logged, faults */
	dlog_guest_write(&st, 100);	/* never cleared: writable */
	CHECK(dlog_take_faults(&st) == 1);
	dlog_get(&st, out);
	CHECK(count(out, 128) == 65 && dlog_bit(out, 10) && !dlog_bit(out, 11));
	memset(mask, 0, sizeof(mask));
	dlog_bit_set(mask, 10);
	dlog_clear(&st, mask);
	dlog_guest_write(&st, 10);
	dlog_get(&st, out);
	CHECK(dlog_bit(out, 10));
	CHECK(strstr(expect_dlog_log(&st).reason, "initially set"));
}

UNIT(dirtylog_manual_without_initially_set)
{
	uint64_t out[DLOG_WORDS];

	dlog_init(&st, 64, 1, DLOG_MANUAL);
	dlog_set_manual(&st, DLOG_MANUAL_ENABLE);
	dlog_guest_write(&st, 1);
	dlog_enable(&st);
	dlog_get(&st, out);
	CHECK(count(out, 64) == 0);
	dlog_guest_write(&st, 1);
	dlog_get(&st, out);
	dlog_get(&st, out);
	CHECK(count(out, 64) == 1);
}

/* Row 57: a protected block splits at the first write, page by page. */
UNIT(dirtylog_block_splits_lazily)
{
	uint64_t out[DLOG_WORDS], p;

	dlog_init(&st, 512, 512, DLOG_GET);
	dlog_guest_write(&st, 0);
	CHECK(dlog_take_faults(&st) == 1);
	dlog_enable(&st);
	for (p = 0; p < 512; p += 8)
		dlog_guest_read(&st, p);
	CHECK(dlog_take_faults(&st) == 0);
	dlog_guest_write(&st, 100);
	dlog_guest_write(&st, 200);
	dlog_guest_write(&st, 300);
	CHECK(dlog_take_faults(&st) == 3);
	dlog_get(&st, out);
	CHECK(count(out, 512) == 3 && dlog_bit(out, 200));
	/* The rest of the block was dropped: reads fault again. */
	for (p = 0; p < 512; p += 8)
		dlog_guest_read(&st, p);
	CHECK(dlog_take_faults(&st) == 63);	/* of 64 points, 200 is mapped */
	CHECK(strstr(expect_dlog_faults(&st, 3, "x").reason, "row 57"));
	CHECK(strstr(expect_dlog_log(&st).reason, "row 57"));
}

/* Row 58: eager split at enable keeps every page mapped. */
UNIT(dirtylog_block_splits_eagerly)
{
	uint64_t out[DLOG_WORDS], p;

	dlog_init(&st, 512, 512, DLOG_GET);
	dlog_set_eager(&st, false);
	dlog_guest_write(&st, 0);
	dlog_enable(&st);
	dlog_guest_write(&st, 100);
	dlog_take_faults(&st);
	for (p = 0; p < 512; p += 8)
		dlog_guest_read(&st, p);
	CHECK(dlog_take_faults(&st) == 0);
	dlog_get(&st, out);
	CHECK(count(out, 512) == 1);
	CHECK(strstr(expect_dlog_faults(&st, 0, "x").reason, "row 58"));
	/* Broken eager split (pKVM): as lazy. */
	dlog_init(&st, 512, 512, DLOG_GET);
	dlog_set_eager(&st, true);
	dlog_guest_write(&st, 0);
	dlog_enable(&st);
	dlog_guest_write(&st, 100);
	dlog_take_faults(&st);
	for (p = 0; p < 512; p += 8)
		dlog_guest_read(&st, p);
	CHECK(dlog_take_faults(&st) == 64);
}

/* Manual + INITIALLY_SET on a writable block: CLEAR protects it whole. */
UNIT(dirtylog_manual_block_clear)
{
	uint64_t out[DLOG_WORDS], mask[DLOG_WORDS] = { 0 };

	dlog_init(&st, 512, 512, DLOG_MANUAL);
	dlog_set_manual(&st, DLOG_MANUAL_ENABLE | DLOG_INITIALLY_SET);
	dlog_guest_write(&st, 0);
	dlog_enable(&st);
	dlog_guest_write(&st, 7);
	CHECK(dlog_take_faults(&st) == 1);	/* the first write only */
	dlog_bit_set(mask, 70);
	dlog_clear(&st, mask);
	dlog_guest_write(&st, 300);	/* the block is protected: splits */
	CHECK(dlog_take_faults(&st) == 1);
	dlog_guest_write(&st, 70);
	CHECK(dlog_take_faults(&st) == 1);
	dlog_get(&st, out);
	CHECK(count(out, 512) == 512);
}

UNIT(dirtylog_compare_summaries)
{
	uint64_t a[DLOG_WORDS] = { 0 }, b[DLOG_WORDS] = { 0 };
	char os[96], es[96];

	dlog_bit_set(a, 3);
	dlog_bit_set(b, 3);
	CHECK(dlog_compare(a, b, 64, os, es, sizeof(os)));
	CHECK_STR(os, "1 of 64 set");
	dlog_bit_set(a, 9);
	CHECK(!dlog_compare(a, b, 64, os, es, sizeof(os)));
	CHECK_STR(os, "2 of 64 set, first mismatch page 9 (set)");
	CHECK_STR(es, "1 of 64 set");
	CHECK(dlog_init(&st, DLOG_MAX_PAGES + 1, 1, DLOG_GET) < 0);
	CHECK(dlog_faults_agree(5, 5, 2) && dlog_faults_agree(7, 5, 2));
	CHECK(!dlog_faults_agree(4, 5, 2) && !dlog_faults_agree(8, 5, 2));
}

/* The caps decide which cases can run; protected mode is a defect. */
UNIT(dirtylog_caps)
{
	struct kernel_facts kf = { .major = 7, .minor = 2 };
	struct dlog_caps none = { 0 };
	struct dlog_caps all = { .manual = 3, .block_sizes = (1 << 12) |
				 (1 << 21) | (1 << 30), .ring_bytes = 65536,
				 .ring_bitmap = true };
	struct expect e;

	CHECK(expect_dlog_manual(&none).unknown);
	CHECK(strstr(expect_dlog_manual(&none).reason,
		     "KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2"));
	CHECK(!expect_dlog_manual(&all).unknown);
	CHECK(expect_dlog_ring(&none).unknown);
	CHECK(strstr(expect_dlog_ring(&none).reason,
		     "KVM_CAP_DIRTY_LOG_RING_ACQ_REL"));
	all.ring_bitmap = false;
	CHECK(expect_dlog_ring(&all).unknown);
	all.ring_bitmap = true;
	CHECK(!expect_dlog_ring(&all).unknown);
	e = expect_dlog_eager(&kf, &none, 1 << 21);
	CHECK(e.unknown && strstr(e.reason,
				  "KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE"));
	CHECK(expect_dlog_eager(&kf, &all, 1 << 25).unknown);
	e = expect_dlog_eager(&kf, &all, 1 << 21);
	CHECK(!e.unknown && !e.defect && e.out.value == 1);
	kf.mode = KVM_MODE_PROTECTED;
	/* 6.12's protected mode still splits in the host (row M5). */
	e = expect_dlog_eager(&kf, &all, 1 << 21);
	CHECK(!e.defect && e.out.value == 1);
	kf.feat[FEAT_PKVM_GUEST_S2] = true;
	e = expect_dlog_eager(&kf, &all, 1 << 21);
	CHECK(e.defect && e.out.value == 0);
	CHECK(strstr(e.reason, "pkvm_pgtable_stage2_split"));
	CHECK(expect_dlog_enable().out.err == 0);
}
