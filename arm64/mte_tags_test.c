// SPDX-License-Identifier: GPL-2.0
/*
 * mte_tags_test - what the guest gets as tag storage: fresh pages read tag
 * 0 (sanitised on first fault), STG/LDG round-trip, a mismatched pointer
 * takes a synchronous tag-check fault, KVM_ARM_MTE_COPY_TAGS moves tags
 * both ways and refuses malformed requests, and on MAP_SHARED memory tags
 * live with the page: two VMs and a VMM PROT_MTE alias see each other's
 * tags, and racing first touches never lose a written tag (PG_mte_lock).
 *
 * Rows 4, 11, 41-46 of docs/behaviours.md.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "kernel_facts.h"
#include "model/expect_mte.h"
#include "kvm_ioctl.h"
#include "mte.h"
#include "probe.h"
#include "slot.h"
#include "suite.h"
#include "vm.h"

/* COPY_TAGS works in host pages: its IPA and length are PAGE_SIZE units. */
#define PAGE		host_page()
#define TAG_A		5
#define TAG_B		3
#define RACE_PAGES	128

struct ctx {
	const struct backing_ops *ops;
	struct backing b;
	struct vm *vm;
	struct vcpu *vcpu;
	uint64_t gpa;
	uint64_t size;
};

static void check_fresh_zero(struct ctx *f, struct result *res);
static void check_stg_ldg(struct ctx *f, struct result *res);
static void check_tag_check(struct ctx *f, struct result *res);
static void check_copy_from(struct ctx *f, struct result *res);
static void check_copy_to(struct ctx *f, struct result *res);
static void check_copy_invalid(struct ctx *f, struct result *res);
static void check_copy_huge_len(struct ctx *f, struct result *res);
static void check_copy_dirty(struct ctx *f, struct result *res);
static void check_two_vms(struct ctx *f, struct result *res);
static void check_vmm_alias(struct ctx *f, struct result *res);
static void check_race(struct ctx *f, struct result *res);
static void setup(struct ctx *f, const struct kase *k);

/*
 * On every backing whose MTE slot the kernel accepts; then the COPY_TAGS
 * ABI on anonymous memory, and sharing on memfd.
 */
/* Row 48: no kernel makes an MTE slot of a guest_memfd. */
static bool not_gmem(const struct backing_ops *ops, const struct check *c)
{
	return !(ops->vma & VMA_GMEM);
}

static const struct check checks[] = {
	{ "fresh_tags_zero", check_fresh_zero, .applies = not_gmem },
	{ "stg_ldg", check_stg_ldg, .applies = not_gmem },
	{ "tag_check_fault", check_tag_check, .applies = not_gmem },
	{ "copy_tags/from_guest", check_copy_from, .single = true },
	{ "copy_tags/to_guest", check_copy_to, .single = true },
	{ "copy_tags/invalid", check_copy_invalid, .single = true },
	{ "copy_tags/huge_length", check_copy_huge_len, .single = true },
	{ "copy_tags/to_guest_dirty_log", check_copy_dirty, .single = true },
	{ "shared/two_vms", check_two_vms, .single = true },
	{ "shared/vmm_alias", check_vmm_alias, .single = true },
	{ "shared/first_touch_race", check_race, .single = true },
};

SUITE(.name = "mte_tags_test",
      .summary = "guest tag storage: sanitising, STG/LDG, tag checks, "
		 "COPY_TAGS, shared pages",
      CHECKS(checks), CTX(struct ctx, setup));

/* Guest code */

static uint64_t page_bytes;	/* the host page: set before any vCPU runs */

/* Tag granule 0 of every page of [base, +pages): page i gets race_tag(i). */
static unsigned int race_tag(uint64_t i)
{
	return 1 + i % 14;
}

static uint64_t guest_tag_pages(uint64_t base, uint64_t pages)
{
	uint64_t i;

	for (i = 0; i < pages; i++)
		guest_mte_set(tag_ptr(base + i * page_bytes, race_tag(i)),
			      MTE_GRANULE);
	return 0;
}

/* First-touch every page from the other end, reading tags. */
static uint64_t guest_read_pages(uint64_t base, uint64_t pages)
{
	uint64_t i, sum = 0;

	for (i = pages; i-- > 0;)
		sum += guest_mte_get(base + i * page_bytes);
	return sum;
}

/* Host code */

static void setup(struct ctx *f, const struct kase *k)
{
	f->ops = k->ops;
}

/* An MTE VM with the backing as a Tagged slot, as the expectation says. */
static void mte_slot(struct ctx *f, const struct backing_ops *ops,
		     uint32_t flags)
{
	f->size = backing_region_size(ops);
	f->vm = mte_vm_create();
	backing_create(ops, f->size, &f->b);
	f->gpa = vm_alloc_gpa(f->vm, f->size);
	slot_expect_accepted(ops, true, backing_add_slot(&f->b, f->vm, f->gpa,
							 flags, NULL));
	mte_map_tagged(f->vm, f->gpa, f->size);
	page_bytes = host_page();
	sync_global_to_guest(f->vm, page_bytes);
	f->vcpu = vcpu_add(f->vm);
}

/* Huge pages go back to a pool with their tags: leave none behind. */
static void untag(struct ctx *f)
{
	vcpu_call(f->vcpu, guest_mte_set, tag_ptr(f->gpa, 0), PAGE);
}

static uint64_t count_not(struct ctx *f, uint64_t gpa, uint64_t len,
			  unsigned int tag)
{
	return vcpu_call(f->vcpu, guest_mte_count, gpa, len, tag);
}

/* Row 4: the first stage-2 fault clears stale tags. */
static void check_fresh_zero(struct ctx *f, struct result *res)
{
	struct expect e = expect_mte_fresh_tags();
	struct outcome obs;

	mte_slot(f, f->ops, 0);
	memset(f->b.hva, 0x5a, PAGE);
	obs = out_value(count_not(f, f->gpa, PAGE, 0));
	result_expect(res, &obs, &e);
}

static void check_stg_ldg(struct ctx *f, struct result *res)
{
	struct expect e = expect_mte_stg_ldg();
	struct outcome obs;

	mte_slot(f, f->ops, 0);
	vcpu_call(f->vcpu, guest_mte_set, tag_ptr(f->gpa, TAG_A), PAGE);
	obs = out_value(count_not(f, f->gpa, PAGE, TAG_A));
	result_expect(res, &obs, &e);
	untag(f);
}

static void check_tag_check(struct ctx *f, struct result *res)
{
	struct expect bad = expect_mte_tag_mismatch();
	struct expect good = expect_mte_tag_match();
	struct outcome obs;

	mte_slot(f, f->ops, 0);
	vcpu_call(f->vcpu, guest_mte_set, tag_ptr(f->gpa, TAG_A), PAGE);
	obs = probe(f->vcpu, PROBE_LOAD, tag_ptr(f->gpa, TAG_B), 0);
	result_expect(res, &obs, &bad);
	obs = probe(f->vcpu, PROBE_LOAD, tag_ptr(f->gpa, TAG_A), 0);
	result_expect(res, &obs, &good);
	untag(f);
}

static uint64_t mismatches(const uint8_t *tags, uint64_t n, uint8_t tag)
{
	uint64_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += (tags[i] & 0xf) != tag;
	return bad;
}

static void check_copy_from(struct ctx *f, struct result *res)
{
	struct expect e = expect_copy_tags_from_guest();
	uint8_t tags[PAGE / MTE_GRANULE];
	struct outcome obs;
	long ret;

	mte_slot(f, backing_find("anon_4k"), 0);
	vcpu_call(f->vcpu, guest_mte_set, tag_ptr(f->gpa, TAG_A), PAGE);
	ret = mte_tags_from_guest(f->vm, f->gpa, PAGE, tags);
	if (ret != (long)PAGE)
		test_fail("COPY_TAGS FROM_GUEST returned %ld", ret);
	obs = out_value(mismatches(tags, sizeof(tags), TAG_A));
	result_expect(res, &obs, &e);
}

static void check_copy_to(struct ctx *f, struct result *res)
{
	struct expect e = expect_copy_tags_to_guest();
	uint8_t tags[PAGE / MTE_GRANULE];
	struct outcome obs;
	long ret;

	mte_slot(f, backing_find("anon_4k"), 0);
	memset(tags, TAG_B, sizeof(tags));
	ret = mte_tags_to_guest(f->vm, f->gpa, PAGE, tags);
	if (ret != (long)PAGE)
		test_fail("COPY_TAGS TO_GUEST returned %ld", ret);
	obs = out_value(count_not(f, f->gpa, PAGE, TAG_B));
	result_expect(res, &obs, &e);
}

/* Rows 45/46: every malformed request is EINVAL, whichever check trips. */
static void check_copy_invalid(struct ctx *f, struct result *res)
{
	const struct {
		const char *what;
		uint64_t off, len, flags, reserved;
	} bad[] = {
		{ "unaligned IPA", 16, PAGE, KVM_ARM_TAGS_FROM_GUEST, 0 },
		{ "unaligned length", 0, PAGE + 16, KVM_ARM_TAGS_FROM_GUEST, 0 },
		{ "unknown flags", 0, PAGE, 2, 0 },
		{ "reserved != 0", 0, PAGE, KVM_ARM_TAGS_FROM_GUEST, 1 },
	};
	uint8_t tags[2 * PAGE / MTE_GRANULE];
	struct outcome obs;
	struct expect e;
	struct vm *plain;
	size_t i;

	mte_slot(f, backing_find("anon_4k"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = expect_copy_tags_invalid(bad[i].what);
		obs = out_ret(kvm_mte_copy_tags(f->vm->fd, f->gpa + bad[i].off,
						bad[i].len, tags,
						bad[i].flags,
						bad[i].reserved));
		result_diag(res, "%s: %s", bad[i].what, errno_name(obs.err));
		result_outcome(res, &obs, &e.out, e.reason);
	}
	plain = vm_create(NULL);
	e = expect_copy_tags_invalid("a VM without MTE");
	obs = out_ret(mte_tags_from_guest(plain, GUEST_REGION_BASE, PAGE,
					  tags));
	result_outcome(res, &obs, &e.out, e.reason);
}

static void check_copy_huge_len(struct ctx *f, struct result *res)
{
	const struct kernel_facts *kf = kernel_facts();
	struct expect e = expect_copy_tags_huge_len(kf);
	struct outcome obs;
	uint8_t tags[16];

	if (!kf->feat[FEAT_COPY_TAGS_CHECKS])
		test_skip("no INT_MAX check here (%s): the kernel would walk "
			  "2 GiB of IPA", kf->feat_src[FEAT_COPY_TAGS_CHECKS]);
	mte_slot(f, backing_find("anon_4k"), 0);
	obs = out_ret(mte_tags_from_guest(f->vm, f->gpa, 0x80000000ULL, tags));
	result_outcome(res, &obs, &e.out, e.reason);
}

static void check_copy_dirty(struct ctx *f, struct result *res)
{
	struct expect e = expect_copy_tags_to_guest_dirty(kernel_facts(),
							  PAGE);
	uint8_t tags[PAGE / MTE_GRANULE];
	struct outcome obs;

	mte_slot(f, backing_find("anon_4k"), KVM_MEM_LOG_DIRTY_PAGES);
	memset(tags, TAG_A, sizeof(tags));
	obs = out_ret(mte_tags_to_guest(f->vm, f->gpa, PAGE, tags));
	result_outcome(res, &obs, &e.out, e.reason);
}

/* A second MTE VM over the same memfd pages. */
static struct vcpu *second_vm(struct ctx *f)
{
	struct vm *vm = mte_vm_create();
	uint64_t gpa = vm_alloc_gpa(vm, f->size);
	void *view;
	int ret;

	view = mmap(NULL, f->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    f->b.fd, 0);
	if (view == MAP_FAILED)
		test_fail("second mapping of the memfd: %s", strerror(errno));
	ret = vm_add_slot(vm, gpa, f->size, view, 0, NULL);
	if (ret)
		test_fail("second VM's slot: %s", strerror(-ret));
	if (gpa != f->gpa)
		test_fail("the two VMs lay out slots differently");
	mte_map_tagged(vm, gpa, f->size);
	return vcpu_add(vm);
}

/* Row 11: tags belong to the physical page, not to a VM. */
static void check_two_vms(struct ctx *f, struct result *res)
{
	struct expect e = expect_mte_shared_other_vm();
	struct outcome obs;
	struct vcpu *other;

	mte_slot(f, backing_find("memfd_shared"), 0);
	other = second_vm(f);
	vcpu_call(f->vcpu, guest_mte_set, tag_ptr(f->gpa, TAG_A), PAGE);
	obs = out_value(vcpu_call(other, guest_mte_count, f->gpa, PAGE,
				  TAG_A));
	result_expect(res, &obs, &e);
}

/* Row 11: the VMM's own PROT_MTE mapping and the guest share tags. */
static void check_vmm_alias(struct ctx *f, struct result *res)
{
	struct expect vmm = expect_mte_shared_vmm_reads();
	struct expect guest = expect_mte_shared_guest_reads();
	struct outcome obs;
	uint8_t *alias;

	mte_slot(f, backing_find("memfd_shared"), 0);
	alias = mmap(NULL, f->size, PROT_READ | PROT_WRITE | PROT_MTE_FLAG,
		     MAP_SHARED, f->b.fd, 0);
	if (alias == MAP_FAILED)
		test_fail("PROT_MTE mapping of the memfd: %s", strerror(errno));
	vcpu_call(f->vcpu, guest_mte_set, tag_ptr(f->gpa, TAG_A), PAGE);
	obs = out_value(guest_mte_count((uint64_t)(uintptr_t)alias, PAGE,
					TAG_A));
	result_expect(res, &obs, &vmm);
	guest_mte_set(tag_ptr((uint64_t)(uintptr_t)alias + PAGE, TAG_B),
		      PAGE);
	obs = out_value(count_not(f, f->gpa + PAGE, PAGE, TAG_B));
	result_expect(res, &obs, &guest);
}

struct racer {
	struct vcpu *vcpu;
	void *fn;
	uint64_t base;
	uint8_t *alias;
};

static void *race_vcpu(void *arg)
{
	struct racer *r = arg;

	vcpu_call(r->vcpu, r->fn, r->base, RACE_PAGES);
	return NULL;
}

static void *race_host(void *arg)
{
	struct racer *r = arg;
	uint64_t i;

	for (i = 0; i < RACE_PAGES; i += 2)
		guest_mte_get((uint64_t)(uintptr_t)r->alias + i * PAGE);
	return NULL;
}

/*
 * Row 4: first touches from two vCPUs and the VMM race one writer. Without
 * PG_mte_lock a late sanitiser could wipe a tag already written.
 */
static void check_race(struct ctx *f, struct result *res)
{
	uint8_t tags[RACE_PAGES * PAGE / MTE_GRANULE];
	struct expect lost_e = expect_mte_race_lost();
	struct expect stale_e = expect_mte_race_stale();
	struct racer r[3];
	struct outcome obs;
	pthread_t th[3];
	uint64_t i, lost = 0, stale = 0;
	int n;

	mte_slot(f, backing_find("memfd_shared"), 0);
	r[0] = (struct racer){ f->vcpu, guest_tag_pages, f->gpa, NULL };
	r[1] = (struct racer){ vcpu_add(f->vm), guest_read_pages,
			       f->gpa, NULL };
	r[2].alias = mmap(NULL, f->size,
			  PROT_READ | PROT_WRITE | PROT_MTE_FLAG, MAP_SHARED,
			  f->b.fd, 0);
	if (r[2].alias == MAP_FAILED)
		test_fail("PROT_MTE mapping: %s", strerror(errno));
	for (n = 0; n < 3; n++)
		pthread_create(&th[n], NULL, n < 2 ? race_vcpu : race_host,
			       &r[n]);
	for (n = 0; n < 3; n++)
		pthread_join(th[n], NULL);
	if (mte_tags_from_guest(f->vm, f->gpa, sizeof(tags) * MTE_GRANULE,
				tags) != (long)sizeof(tags) * MTE_GRANULE)
		test_fail("COPY_TAGS FROM_GUEST after the race failed");
	for (i = 0; i < RACE_PAGES; i++) {
		lost += tags[i * PAGE / MTE_GRANULE] != race_tag(i);
		stale += mismatches(&tags[i * PAGE / MTE_GRANULE + 1],
				    PAGE / MTE_GRANULE - 1, 0);
	}
	result_diag(res, "%d pages: %llu lost tags, %llu stale granules",
		    RACE_PAGES, (unsigned long long)lost,
		    (unsigned long long)stale);
	obs = out_value(lost);
	result_expect(res, &obs, &lost_e);
	obs = out_value(stale);
	result_expect(res, &obs, &stale_e);
}
