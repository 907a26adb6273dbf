// SPDX-License-Identifier: GPL-2.0
/*
 * private_memory_test - memory a VMM hides from the host, and the fault
 * row 49 is about.
 *
 *  - guest_memfd (spec §13, row 48): which files KVM_CREATE_GUEST_MEMFD
 *    makes, which of them arm64 takes as a slot (guest_memfd-only, never
 *    with MTE, in either order), the VMM's mmap() of the file, truncate
 *    (refused), PUNCH_HOLE seen by the guest (I4), and exec rights that
 *    gmem_abort() gives at fault time only with DIC. The per-backing
 *    cases of memslot_backing_test, mte_slot_test and unmap_test run on
 *    gmem_shared like on every other kind.
 *  - memfd_secret (row 32): the slot is accepted, the guest's first
 *    access is not (GUP refuses secretmem: KVM_RUN -EFAULT).
 *  - row 49: an exclusive or atomic to Device or Normal-NC stage-2
 *    memory, where the CPU reports it as FSC 0x35.
 *
 * Without KVM_CAP_GUEST_MEMFD (6.1, 6.12 on arm64) the guest_memfd
 * cases SKIP from the capability.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backing.h"
#include "expect.h"
#include "kvm_ioctl.h"
#include "mte.h"
#include "probe.h"
#include "slot.h"
#include "test.h"
#include "vm.h"

/* 512 host pages: 2M at 4K, as many pages on every granule. */
#define REGION_SIZE	(512 * host_page())
#define OLD_DATA	0x0123456789abcdefULL
#define EXEC_TRIALS	3

static void case_file_flags(const struct test_case *tc, struct result *res);
static void case_create(const struct test_case *tc, struct result *res);
static void case_create_mte(const struct test_case *tc, struct result *res);
static void case_host_mmap(const struct test_case *tc, struct result *res);
static void case_host_touch(const struct test_case *tc, struct result *res);
static void case_guest_rw(const struct test_case *tc, struct result *res);
static void case_punch_hole(const struct test_case *tc, struct result *res);
static void case_truncate(const struct test_case *tc, struct result *res);
static void case_exec_dic(const struct test_case *tc, struct result *res);
static void case_secret_access(const struct test_case *tc,
			       struct result *res);
static void case_excl_atomic(const struct test_case *tc, struct result *res);

/* KVM_CREATE_GUEST_MEMFD flags, one case each. */
static const struct {
	const char *name;
	uint64_t flags;
} file_flags[] = {
	{ "none", 0 },
	{ "mmap", GUEST_MEMFD_FLAG_MMAP },
	{ "mmap_init_shared",
	  GUEST_MEMFD_FLAG_MMAP | GUEST_MEMFD_FLAG_INIT_SHARED },
	{ "unknown_bit", 1ULL << 63 },
};

/* Per kind; `mmap` cases need GUEST_MEMFD_FLAG_MMAP, `slot` a slot. */
static const struct {
	struct case_def def;
	bool mmap, slot;
} kind_cases[] = {
	{ { "create", case_create } },
	{ { "create_mte", case_create_mte } },
	{ { "host_mmap", case_host_mmap } },
	{ { "host_touch", case_host_touch }, true },
	{ { "guest_rw", case_guest_rw }, false, true },
};

static const struct case_def shared_cases[] = {
	{ "punch_hole", case_punch_hole },
	{ "truncate", case_truncate },
	{ "exec_dic", case_exec_dic },
};

static const struct case_def secret_cases[] = {
	{ "create", case_create },
	{ "create_mte", case_create_mte },
	{ "guest_load", case_secret_access },
	{ "guest_store", case_secret_access },
};

/* Row 49 runs where stage 2 is Device or Normal-NC. */
static const char *const atomic_kinds[] = {
	"fixture_device", "fixture_wc", "vfio_bar",
};

/* Guest code: probes and fills are lib/arm64/guest.c's. */

/* Host code */

static const struct backing_ops *gmem_kinds[3];

static bool slot_accepted(const struct backing_ops *ops)
{
	struct expect e = expect_slot_create(kernel_facts(), ops->vma, false);

	return e.out.kind == OUT_ERRNO && !e.out.err;
}

static void need_gmem(void)
{
	const struct kernel_facts *kf = kernel_facts();

	if (kf->kvm)
		test_skip("/dev/kvm: %s", strerror(-kf->kvm));
	if (!kf->cap_gmem)
		test_skip("no KVM_CAP_GUEST_MEMFD: this kernel has no "
			  "guest_memfd for arm64 VMs (row 48)");
}

/* A slot over ops in a default VM, with one vCPU, that must work. */
static struct vcpu *slot_setup(struct slot_fixture *s,
			       const struct backing_ops *ops)
{
	slot_fixture_init(s, ops, REGION_SIZE);
	slot_fixture_add_ok(s, NULL, 0, MAP_MT(MT_NORMAL));
	return vcpu_add_default(s->vm);
}

static void case_file_flags(const struct test_case *tc, struct result *res)
{
	uint64_t flags = *(const uint64_t *)tc->arg;
	struct expect e;
	struct outcome obs;
	struct vm *vm;
	int fd;

	need_gmem();
	e = expect_gmem_file(kernel_facts(), flags);
	vm = vm_create_default();
	fd = kvm_create_guest_memfd(vm->fd, REGION_SIZE, flags);
	obs = out_ret(fd < 0 ? fd : 0);
	result_outcome(res, &obs, &e.out, e.reason);
}

/* §13 and rows 32/48: the slot in a VM without MTE. */
static void case_create(const struct test_case *tc, struct result *res)
{
	const struct backing_ops *ops = tc->arg;
	struct expect e = expect_slot_create(kernel_facts(), ops->vma, false);
	struct slot_fixture s = { 0 };
	struct outcome obs;

	slot_fixture_init(&s, ops, REGION_SIZE);
	obs = out_ret(slot_fixture_add(&s, NULL, 0, MAP_MT(MT_NORMAL)));
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Row 48 (guest_memfd) and rows 9/12 (memfd_secret): an MTE VM. */
static void case_create_mte(const struct test_case *tc, struct result *res)
{
	const struct backing_ops *ops = tc->arg;
	struct expect e = expect_slot_create(kernel_facts(), ops->vma, true);
	struct slot_fixture s = { 0 };
	struct outcome obs;

	mte_require();
	slot_fixture_init(&s, ops, REGION_SIZE);
	obs = out_ret(slot_fixture_add(&s, mte_vm_create(), 0,
				       MAP_MT(MT_NORMAL)));
	result_outcome(res, &obs, &e.out, e.reason);
}

/* §13: the VMM's mmap() of the file, shared and private. */
static void case_host_mmap(const struct test_case *tc, struct result *res)
{
	const struct backing_ops *ops = tc->arg;
	struct expect e = expect_gmem_mmap(ops->vma);
	struct outcome obs, einval = out_ret(-EINVAL);
	struct backing b;
	struct vm *vm;
	void *p;

	need_gmem();
	backing_create_or_skip(ops, REGION_SIZE, &b);
	vm = vm_create_default();
	obs = out_ret(ops->attach(&b, vm));
	if (obs.err)
		test_fail("KVM_CREATE_GUEST_MEMFD: %s", strerror(obs.err));
	p = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, b.fd,
		 0);
	obs = out_ret(p == MAP_FAILED ? -errno : 0);
	result_outcome(res, &obs, &e.out, e.reason);
	if (!(ops->vma & VMA_GMEM_MMAP))
		return;
	p = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 b.fd, 0);
	obs = out_ret(p == MAP_FAILED ? -errno : 0);
	result_outcome(res, &obs, &einval, "§13: kvm_gmem_mmap() wants "
		       "VM_SHARED|VM_MAYSHARE: no MAP_PRIVATE view");
}

/* The signal a child dies of touching hva, 0 if it survives. */
static int host_touch_signal(volatile uint64_t *hva)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		test_fail("fork: %s", strerror(errno));
	if (!pid) {
		*hva = OLD_DATA;
		_exit(*hva == OLD_DATA ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid)
		test_fail("waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	if (WEXITSTATUS(status))
		test_fail("the host's store did not read back");
	return 0;
}

/* §13: INIT_SHARED decides whether the host's view faults in. */
static void case_host_touch(const struct test_case *tc, struct result *res)
{
	const struct backing_ops *ops = tc->arg;
	struct expect e = expect_gmem_host_touch(ops->vma);
	struct slot_fixture s = { 0 };
	struct outcome obs;

	slot_setup(&s, ops);
	obs = out_value(host_touch_signal(s.b.hva));
	result_outcome(res, &obs, &e.out, e.reason);
}

/*
 * Whatever the host may see, the guest owns the memory: zeroes first,
 * then its own stores (kvm_gmem_get_pfn() clears a new folio).
 */
static void case_guest_rw(const struct test_case *tc, struct result *res)
{
	const struct backing_ops *ops = tc->arg;
	struct slot_fixture s = { 0 };
	struct vcpu *vcpu = slot_setup(&s, ops);
	uint64_t words = REGION_SIZE / 8;
	struct outcome obs, all = out_value(words);

	obs = out_value(vcpu_call_ok(vcpu, guest_check, s.gpa, REGION_SIZE,
				     0));
	result_outcome(res, &obs, &all, "§13: a new guest_memfd folio is "
		       "cleared before the guest maps it (first non-zero "
		       "word)");
	vcpu_call_ok(vcpu, guest_fill, s.gpa, REGION_SIZE, OLD_DATA);
	obs = out_value(vcpu_call_ok(vcpu, guest_check, s.gpa, REGION_SIZE,
				     OLD_DATA));
	result_outcome(res, &obs, &all, "§13: the guest reads back its own "
		       "stores (first mismatch)");
}

/*
 * I4 on guest_memfd: the host never maps the pages, so only guest_memfd's
 * own invalidation (kvm_gmem_punch_hole()) can take them from stage 2.
 */
static void case_punch_hole(const struct test_case *tc, struct result *res)
{
	struct slot_fixture s = { 0 };
	struct vcpu *vcpu = slot_setup(&s, tc->arg);
	uint64_t pg = host_page(), rest = REGION_SIZE - 2 * pg;
	struct outcome obs, zero = out_value(0);
	struct outcome kept = out_value(rest / 8), first = out_value(pg / 8);

	vcpu_call_ok(vcpu, guest_fill, s.gpa, REGION_SIZE, OLD_DATA);
	if (fallocate(s.b.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, pg,
		      pg))
		test_fail("fallocate(PUNCH_HOLE): %s", strerror(errno));
	obs = probe(vcpu, PROBE_LOAD, s.gpa + pg, 0);
	result_outcome(res, &obs, &zero, "I4 (§13): once PUNCH_HOLE returns "
		       "the guest reads the new, cleared page");
	obs = out_value(vcpu_call_ok(vcpu, guest_check, s.gpa, pg, OLD_DATA));
	result_outcome(res, &obs, &first, "I4: the page before the hole "
		       "keeps its data (first mismatch)");
	obs = out_value(vcpu_call_ok(vcpu, guest_check, s.gpa + 2 * pg, rest,
				     OLD_DATA));
	result_outcome(res, &obs, &kept, "I4: the pages after the hole keep "
		       "their data (first mismatch)");
	obs = out_value(((volatile uint64_t *)s.b.hva)[pg / 8]);
	result_outcome(res, &obs, &zero, "§13: the host's view of the hole "
		       "reads zero too");
}

/* §13: no size change, so nothing to invalidate and nothing lost. */
static void case_truncate(const struct test_case *tc, struct result *res)
{
	struct expect e = expect_gmem_truncate();
	struct slot_fixture s = { 0 };
	struct vcpu *vcpu = slot_setup(&s, tc->arg);
	struct outcome obs, all = out_value(REGION_SIZE / 8);

	vcpu_call_ok(vcpu, guest_fill, s.gpa, REGION_SIZE, OLD_DATA);
	obs = out_ret(ftruncate(s.b.fd, 0) ? -errno : 0);
	result_outcome(res, &obs, &e.out, e.reason);
	obs = out_ret(ftruncate(s.b.fd, 2 * REGION_SIZE) ? -errno : 0);
	result_outcome(res, &obs, &e.out, e.reason);
	obs = out_value(vcpu_call_ok(vcpu, guest_check, s.gpa, REGION_SIZE,
				     OLD_DATA));
	result_outcome(res, &obs, &all, "§13: the guest's data survives a "
		       "refused truncate (first mismatch)");
}

static uint64_t exits(struct vcpu *vcpu)
{
	uint64_t val;
	int ret = vcpu_stat(vcpu, "exits", &val);

	if (ret)
		test_skip("no \"exits\" vCPU statistic: %s", strerror(-ret));
	return val;
}

/* Exits of one fetch from gva, which must run the stub. */
static uint64_t exec_exits(struct vcpu *vcpu, uint64_t gva)
{
	struct outcome ran = out_value(GUEST_EXEC_MAGIC), obs;
	uint64_t before = exits(vcpu);
	char o[96];

	obs = probe(vcpu, PROBE_EXEC, gva, 0);
	if (!outcome_match(&obs, &ran)) {
		outcome_format(&obs, o, sizeof(o));
		test_fail("fetch from guest_memfd: %s, not the stub", o);
	}
	return exits(vcpu) - before;
}

/*
 * §13: load a fresh page (a data fault maps it), then fetch from it
 * twice. The first fetch's extra exits over the second are the
 * permission faults taken to add X: the least of a few pages, so a stray
 * interrupt exit cannot add one.
 */
static void case_exec_dic(const struct test_case *tc, struct result *res)
{
	struct slot_fixture s = { 0 };
	struct vcpu *vcpu = slot_setup(&s, tc->arg);
	uint64_t pg = host_page(), first = ~0ULL, again = ~0ULL, d, gva;
	struct expect e;
	struct outcome obs;
	int t;

	if (s.kf->dic < 0)
		test_skip("CTR_EL0.DIC unknown");
	e = expect_gmem_exec_faults(s.kf);
	for (t = 0; t < EXEC_TRIALS; t++) {
		gva = s.gpa + (t + 1) * pg;
		exec_stub_write((char *)s.b.hva + (t + 1) * pg);
		obs = probe(vcpu, PROBE_LOAD, gva, 0);
		if (obs.kind != OUT_COMPLETED)
			test_fail("load before the fetch did not complete");
		d = exec_exits(vcpu, gva);
		first = d < first ? d : first;
		d = exec_exits(vcpu, gva);
		again = d < again ? d : again;
	}
	result_diag(res, "DIC=%d: least exits of a first fetch %llu, of a "
		    "second %llu", s.kf->dic, (unsigned long long)first,
		    (unsigned long long)again);
	obs = out_value(first > again ? first - again : 0);
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Row 32: the slot exists; the first fault's GUP refuses the page. */
static void case_secret_access(const struct test_case *tc,
			       struct result *res)
{
	bool store = !strcmp(strrchr(tc->name, '/') + 1, "guest_store");
	struct expect e = expect_secretmem_access();
	struct slot_fixture s = { 0 };
	struct vcpu *vcpu = slot_setup(&s, tc->arg);
	struct outcome obs;

	/* The host's own mapping works: the pages exist, just hidden. */
	*(volatile uint64_t *)s.b.hva = OLD_DATA;
	obs = probe(vcpu, store ? PROBE_STORE : PROBE_LOAD, s.gpa, OLD_DATA);
	result_outcome(res, &obs, &e.out, e.reason);
}

/*
 * Row 49: the CPU may complete an exclusive or atomic to Device/NC, or
 * report it as FSC 0x35 at stage 2; only the second has a KVM verdict.
 */
static void case_excl_atomic(const struct test_case *tc, struct result *res)
{
	const struct backing_ops *ops = tc->arg;
	enum probe_kind kind = *(const enum probe_kind *)tc->arg2;
	struct slot_fixture s = { 0 };
	struct expect_attr a;
	struct expect e;
	struct outcome obs;
	struct vcpu *vcpu;
	char o[96];

	slot_fixture_init(&s, ops, REGION_SIZE);
	a = expect_backing_attr(s.kf, &s.b);
	if (!a.known || a.attr == S2_ATTR_NORMAL)
		test_skip("stage 2 is not known to be Device or Normal-NC "
			  "here (%s)", a.reason);
	if (!slot_accepted(ops))
		test_skip("%s slots are refused here: pfnmap_test and "
			  "device_memory_test cover that", ops->name);
	slot_fixture_add_ok(&s, NULL, 0, MAP_MT(MT_NORMAL));
	vcpu = vcpu_add_default(s.vm);
	obs = probe(vcpu, PROBE_LOAD, s.gpa, 0);
	if (obs.kind != OUT_COMPLETED) {
		outcome_format(&obs, o, sizeof(o));
		test_fail("an aligned load from %s did not complete: %s",
			  ops->name, o);
	}
	obs = probe(vcpu, kind, s.gpa, 1);
	outcome_format(&obs, o, sizeof(o));
	result_diag(res, "%s on %s (%s): %s", probe_name(kind), ops->name,
		    s2_attr_name(a.attr), o);
	if (obs.kind == OUT_COMPLETED)
		test_skip("the CPU%s completed the %s on %s memory: it does "
			  "not report FSC 0x35 for it", s.kf->tcg ?
			  " (QEMU TCG never raises the unsupported "
			  "exclusive/atomic fault)" : "", probe_name(kind),
			  s2_attr_name(a.attr));
	e = expect_excl_atomic(s.kf);
	result_outcome(res, &obs, &e.out, e.reason);
}

static const enum probe_kind atomic_probes[] = { PROBE_EXCLUSIVE,
						 PROBE_CAS };

int main(int argc, char **argv)
{
	struct test_suite suite = {
		.name = "private_memory_test",
		.summary = "guest_memfd and memfd_secret slots, and the "
			   "FSC 0x35 exclusive/atomic fault",
	};
	const struct backing_ops *ops;
	size_t i, k;

	gmem_kinds[0] = backing_find("gmem_shared");
	gmem_kinds[1] = &backing_gmem_no_init_shared;
	gmem_kinds[2] = &backing_gmem_private;
	for (i = 0; i < ARRAY_SIZE(file_flags); i++)
		suite_add(&suite, case_file_flags, &file_flags[i].flags, NULL,
			  "gmem_file/%s", file_flags[i].name);
	for (k = 0; k < ARRAY_SIZE(gmem_kinds); k++) {
		ops = gmem_kinds[k];
		for (i = 0; i < ARRAY_SIZE(kind_cases); i++) {
			if (kind_cases[i].mmap && !(ops->vma & VMA_GMEM_MMAP))
				continue;
			if (kind_cases[i].slot && !(ops->vma & VMA_GMEM_MMAP))
				continue;
			suite_add(&suite, kind_cases[i].def.fn, ops, NULL,
				  "%s/%s", ops->name, kind_cases[i].def.name);
		}
	}
	for (i = 0; i < ARRAY_SIZE(shared_cases); i++)
		suite_add(&suite, shared_cases[i].fn, gmem_kinds[0], NULL,
			  "gmem_shared/%s", shared_cases[i].name);
	for (i = 0; i < ARRAY_SIZE(secret_cases); i++)
		suite_add(&suite, secret_cases[i].fn, &backing_memfd_secret,
			  NULL, "memfd_secret/%s", secret_cases[i].name);
	for (k = 0; k < ARRAY_SIZE(atomic_kinds); k++) {
		ops = backing_find(atomic_kinds[k]);
		if (!ops)
			continue;
		for (i = 0; i < ARRAY_SIZE(atomic_probes); i++)
			suite_add(&suite, case_excl_atomic, ops,
				  &atomic_probes[i], "%s/atomic_%s",
				  ops->name, probe_name(atomic_probes[i]));
	}
	return test_main(argc, argv, &suite);
}
