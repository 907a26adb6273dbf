// SPDX-License-Identifier: GPL-2.0
/*
 * private_memory_test - memory a VMM hides from the host, and the fault
 * row 49 is about.
 *
 *  - guest_memfd (row 48): which files KVM_CREATE_GUEST_MEMFD
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
#include "expect_backing.h"
#include "kernel_facts.h"
#include "model/expect_gmem.h"
#include "model/expect_memslot.h"
#include "kvm_ioctl.h"
#include "mte.h"
#include "probe.h"
#include "slot.h"
#include "suite.h"
#include "vm.h"

/* 512 host pages: 2M at 4K, as many pages on every granule. */
#define REGION_SIZE	(512 * host_page())
#define OLD_DATA	0x0123456789abcdefULL
#define EXEC_TRIALS	3

struct ctx {
	const struct kase *k;
	const struct backing_ops *ops;
};

static void check_file_flags(struct ctx *f, struct result *res);
static void check_create(struct ctx *f, struct result *res);
static void check_create_mte(struct ctx *f, struct result *res);
static void check_anon_hva(struct ctx *f, struct result *res);
static void check_dirty_log(struct ctx *f, struct result *res);
static void check_host_mmap(struct ctx *f, struct result *res);
static void check_host_touch(struct ctx *f, struct result *res);
static void check_guest_rw(struct ctx *f, struct result *res);
static void check_punch_hole(struct ctx *f, struct result *res);
static void check_truncate(struct ctx *f, struct result *res);
static void check_exec_dic(struct ctx *f, struct result *res);
static void check_secret_access(struct ctx *f, struct result *res);
static void check_excl_atomic(struct ctx *f, struct result *res);
static bool atomic_kind(const struct backing_ops *ops, const struct check *c);
static void setup(struct ctx *f, const struct kase *k);

/*
 * KVM_CREATE_GUEST_MEMFD flags, one case each; then per kind: the
 * guest_memfd kinds (`host_touch` and `guest_rw` need
 * GUEST_MEMFD_FLAG_MMAP), gmem_shared's own cases, memfd_secret's, and
 * row 49 where stage 2 is Device or Normal-NC.
 */
static const struct check checks[] = {
	{ "gmem_file/none", check_file_flags, .single = true, .bits = 0 },
	{ "gmem_file/mmap", check_file_flags, .single = true,
	  .bits = GUEST_MEMFD_FLAG_MMAP },
	{ "gmem_file/mmap_init_shared", check_file_flags, .single = true,
	  .bits = GUEST_MEMFD_FLAG_MMAP | GUEST_MEMFD_FLAG_INIT_SHARED },
	{ "gmem_file/unknown_bit", check_file_flags, .single = true,
	  .bits = 1ULL << 63 },
	{ "create", check_create, .vma = VMA_GMEM | VMA_SECRETMEM },
	{ "create_mte", check_create_mte, .vma = VMA_GMEM | VMA_SECRETMEM },
	{ "host_mmap", check_host_mmap, .vma = VMA_GMEM },
	{ "host_touch", check_host_touch, .vma = VMA_GMEM_MMAP },
	{ "guest_rw", check_guest_rw, .vma = VMA_GMEM_MMAP },
	{ "create_anon_hva", check_anon_hva, .kind = "gmem_shared" },
	{ "create_mte_anon_hva", check_anon_hva, .kind = "gmem_shared",
	  .mte = true },
	{ "dirty_log", check_dirty_log, .kind = "gmem_shared",
	  .slot_flags = KVM_MEM_LOG_DIRTY_PAGES },
	{ "punch_hole", check_punch_hole, .kind = "gmem_shared" },
	{ "truncate", check_truncate, .kind = "gmem_shared" },
	{ "exec_dic", check_exec_dic, .kind = "gmem_shared" },
	{ "guest_load", check_secret_access, .kind = "memfd_secret" },
	{ "guest_store", check_secret_access, .kind = "memfd_secret" },
	{ "atomic_exclusive", check_excl_atomic, .op = PROBE_EXCLUSIVE,
	  .applies = atomic_kind },
	{ "atomic_cas", check_excl_atomic, .op = PROBE_CAS,
	  .applies = atomic_kind },
	{ "atomic_ldadd", check_excl_atomic, .op = PROBE_LDADD,
	  .applies = atomic_kind },
};

SUITE(.name = "private_memory_test",
      .summary = "guest_memfd and memfd_secret slots, and the FSC 0x35 "
		 "exclusive/atomic fault",
      .kinds = KINDS("gmem_shared", "gmem_no_init_shared", "gmem_private",
		     "memfd_secret", "fixture_device", "fixture_wc",
		     "vfio_bar"),
      CHECKS(checks), CTX(struct ctx, setup));

/* Guest code: probes and fills are lib/arm64/guest/guest.c's. */

/* Host code */

static void setup(struct ctx *f, const struct kase *k)
{
	f->k = k;
	f->ops = k->ops;
}

/* Row 49 runs where stage 2 is Device or Normal-NC. */
static bool atomic_kind(const struct backing_ops *ops, const struct check *c)
{
	return !strcmp(ops->name, "fixture_device") ||
	       !strcmp(ops->name, "fixture_wc") ||
	       !strcmp(ops->name, "vfio_bar");
}

static bool slot_accepted(const struct backing_ops *ops)
{
	struct expect e = expect_slot_create(kernel_facts(), ops->vma, false);

	return e.out.kind == OUT_ERRNO && !e.out.err;
}

static void need_gmem(void)
{
	const struct kernel_facts *kf = kernel_facts();

	if (!kf->cap_gmem)
		test_skip("no KVM_CAP_GUEST_MEMFD: this kernel has no "
			  "guest_memfd for arm64 VMs (row 48)");
}

/* A slot over ops in a default VM, with one vCPU, that must work. */
static struct vcpu *slot_setup(struct backed_slot *s,
			       const struct backing_ops *ops)
{
	backed_slot_init(s, ops, REGION_SIZE);
	backed_slot_add(s, NULL, 0, MAP_MT(MT_NORMAL));
	return vcpu_add(s->vm);
}

static void check_file_flags(struct ctx *f, struct result *res)
{
	uint64_t flags = f->k->check->bits;
	struct expect e;
	struct outcome obs;
	struct vm *vm;
	int fd;

	need_gmem();
	e = expect_gmem_file(kernel_facts(), flags);
	vm = vm_create(NULL);
	fd = kvm_create_guest_memfd(vm->fd, REGION_SIZE, flags);
	obs = out_ret(fd < 0 ? fd : 0);
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Rows 32/48: the slot in a VM without MTE. */
static void check_create(struct ctx *f, struct result *res)
{
	const struct backing_ops *ops = f->ops;
	struct expect e = expect_slot_create(kernel_facts(), ops->vma, false);
	struct backed_slot s = { 0 };
	struct outcome obs;

	backed_slot_init(&s, ops, REGION_SIZE);
	obs = out_ret(__backed_slot_add(&s, NULL, 0, MAP_MT(MT_NORMAL)));
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Row 48 (guest_memfd) and rows 9/12 (memfd_secret): an MTE VM. */
static void check_create_mte(struct ctx *f, struct result *res)
{
	const struct backing_ops *ops = f->ops;
	struct expect e = expect_slot_create(kernel_facts(), ops->vma, true);
	struct backed_slot s = { 0 };
	struct outcome obs;

	mte_require();
	backed_slot_init(&s, ops, REGION_SIZE);
	obs = out_ret(__backed_slot_add(&s, mte_vm_create(), 0,
					MAP_MT(MT_NORMAL)));
	result_outcome(res, &obs, &e.out, e.reason);
}

/*
 * Row 48 without the VMA's help: a guest_memfd-only slot never faults
 * through its userspace_addr, so a VMM may give anonymous memory there,
 * which has VM_MTE_ALLOWED. Only the guest_memfd rule can refuse it.
 */
static void check_anon_hva(struct ctx *f, struct result *res)
{
	bool mte = f->k->check->mte;
	const struct backing_ops *ops = f->ops;
	struct expect e = expect_slot_create(kernel_facts(), ops->vma, mte);
	struct outcome obs;
	struct backing b;
	struct vm *vm;
	void *anon;
	int ret;

	need_gmem();
	if (mte)
		mte_require();
	backing_create(ops, REGION_SIZE, &b);
	vm = mte ? mte_vm_create() : vm_create(NULL);
	ret = ops->attach(&b, vm);
	if (ret)
		test_fail("KVM_CREATE_GUEST_MEMFD: %s", strerror(-ret));
	anon = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		test_fail("mmap: %s", strerror(errno));
	obs = out_ret(vm_add_gmem_slot(vm, vm_alloc_gpa(vm, REGION_SIZE),
				       REGION_SIZE, anon, KVM_MEM_GUEST_MEMFD,
				       b.fd, 0, NULL));
	result_diag(res, "userspace_addr: anonymous memory, not the file");
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Row 48: KVM_MEM_LOG_DIRTY_PAGES is not a guest_memfd slot's flag. */
static void check_dirty_log(struct ctx *f, struct result *res)
{
	uint32_t flags = f->k->check->slot_flags;
	struct expect e = expect_slot_create_flags(kernel_facts(),
						   f->ops->vma, flags, false);
	struct backed_slot s = { 0 };
	struct outcome obs;

	backed_slot_init(&s, f->ops, REGION_SIZE);
	obs = out_ret(__backed_slot_add(&s, NULL, flags, MAP_MT(MT_NORMAL)));
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Row 48: the VMM's mmap() of the file, shared and private. */
static void check_host_mmap(struct ctx *f, struct result *res)
{
	const struct backing_ops *ops = f->ops;
	struct expect e = expect_gmem_mmap(ops->vma);
	struct expect priv = expect_gmem_mmap_private();
	struct outcome obs;
	struct backing b;
	struct vm *vm;
	void *p;

	need_gmem();
	backing_create(ops, REGION_SIZE, &b);
	vm = vm_create(NULL);
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
	result_expect(res, &obs, &priv);
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

/* Row 48: INIT_SHARED decides whether the host's view faults in. */
static void check_host_touch(struct ctx *f, struct result *res)
{
	const struct backing_ops *ops = f->ops;
	struct expect e = expect_gmem_host_touch(ops->vma);
	struct backed_slot s = { 0 };
	struct outcome obs;

	slot_setup(&s, ops);
	obs = out_value(host_touch_signal(s.b.hva));
	result_outcome(res, &obs, &e.out, e.reason);
}

/*
 * Whatever the host may see, the guest owns the memory: zeroes first,
 * then its own stores (kvm_gmem_get_pfn() clears a new folio).
 */
static void check_guest_rw(struct ctx *f, struct result *res)
{
	const struct backing_ops *ops = f->ops;
	struct backed_slot s = { 0 };
	struct vcpu *vcpu = slot_setup(&s, ops);
	struct expect cleared = expect_gmem_cleared(REGION_SIZE / 8);
	struct expect rw = expect_gmem_guest_rw(REGION_SIZE / 8);
	struct outcome obs;

	obs = out_value(vcpu_call(vcpu, guest_check, s.gpa, REGION_SIZE,
				  0));
	result_expect(res, &obs, &cleared);
	vcpu_call(vcpu, guest_fill, s.gpa, REGION_SIZE, OLD_DATA);
	obs = out_value(vcpu_call(vcpu, guest_check, s.gpa, REGION_SIZE,
				  OLD_DATA));
	result_expect(res, &obs, &rw);
}

/*
 * I4 on guest_memfd: the host never maps the pages, so only guest_memfd's
 * own invalidation (kvm_gmem_punch_hole()) can take them from stage 2.
 */
static void check_punch_hole(struct ctx *f, struct result *res)
{
	struct backed_slot s = { 0 };
	struct vcpu *vcpu = slot_setup(&s, f->ops);
	uint64_t pg = host_page(), rest = REGION_SIZE - 2 * pg;
	struct expect punched = expect_gmem_punched();
	struct expect host = expect_gmem_punched_host();
	struct expect before = expect_gmem_punch_before(pg / 8);
	struct expect after = expect_gmem_punch_after(rest / 8);
	struct outcome obs;

	vcpu_call(vcpu, guest_fill, s.gpa, REGION_SIZE, OLD_DATA);
	if (fallocate(s.b.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, pg,
		      pg))
		test_fail("fallocate(PUNCH_HOLE): %s", strerror(errno));
	obs = probe(vcpu, PROBE_LOAD, s.gpa + pg, 0);
	result_expect(res, &obs, &punched);
	obs = out_value(vcpu_call(vcpu, guest_check, s.gpa, pg, OLD_DATA));
	result_expect(res, &obs, &before);
	obs = out_value(vcpu_call(vcpu, guest_check, s.gpa + 2 * pg, rest,
				  OLD_DATA));
	result_expect(res, &obs, &after);
	obs = out_value(((volatile uint64_t *)s.b.hva)[pg / 8]);
	result_expect(res, &obs, &host);
}

/* Row 48: no size change, so nothing to invalidate and nothing lost. */
static void check_truncate(struct ctx *f, struct result *res)
{
	struct expect e = expect_gmem_truncate();
	struct backed_slot s = { 0 };
	struct vcpu *vcpu = slot_setup(&s, f->ops);
	struct expect kept = expect_gmem_truncate_kept(REGION_SIZE / 8);
	struct outcome obs;

	vcpu_call(vcpu, guest_fill, s.gpa, REGION_SIZE, OLD_DATA);
	obs = out_ret(ftruncate(s.b.fd, 0) ? -errno : 0);
	result_outcome(res, &obs, &e.out, e.reason);
	obs = out_ret(ftruncate(s.b.fd, 2 * REGION_SIZE) ? -errno : 0);
	result_outcome(res, &obs, &e.out, e.reason);
	obs = out_value(vcpu_call(vcpu, guest_check, s.gpa, REGION_SIZE,
				  OLD_DATA));
	result_expect(res, &obs, &kept);
}

/* Exits of one fetch from gva, which must run the stub. */
static uint64_t exec_exits(struct vcpu *vcpu, uint64_t gva)
{
	struct outcome ran = out_value(GUEST_EXEC_MAGIC), obs;
	uint64_t before = vcpu_stat(vcpu, VCPU_STAT_EXITS);
	char o[96];

	obs = probe(vcpu, PROBE_EXEC, gva, 0);
	if (!outcome_match(&obs, &ran)) {
		outcome_format(&obs, o, sizeof(o));
		test_fail("fetch from guest_memfd: %s, not the stub", o);
	}
	return vcpu_stat(vcpu, VCPU_STAT_EXITS) - before;
}

/*
 * Row 48: load a fresh page (a data fault maps it), then fetch from it
 * twice. The first fetch's extra exits over the second are the
 * permission faults taken to add X: the least of a few pages, so a stray
 * interrupt exit cannot add one.
 */
static void check_exec_dic(struct ctx *f, struct result *res)
{
	struct backed_slot s = { 0 };
	struct vcpu *vcpu = slot_setup(&s, f->ops);
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
static void check_secret_access(struct ctx *f, struct result *res)
{
	bool store = !strcmp(f->k->check->name, "guest_store");
	struct expect e = expect_secretmem_access();
	struct backed_slot s = { 0 };
	struct vcpu *vcpu = slot_setup(&s, f->ops);
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
static void check_excl_atomic(struct ctx *f, struct result *res)
{
	const struct backing_ops *ops = f->ops;
	enum probe_kind kind = f->k->check->op;
	struct backed_slot s = { 0 };
	struct expect_attr a;
	struct expect e;
	struct outcome obs;
	struct vcpu *vcpu;
	char o[96];

	probe_require_cpu(kind);
	backed_slot_init(&s, ops, REGION_SIZE);
	a = expect_backing_attr(s.kf, &s.b);
	if (!a.known || a.attr == S2_ATTR_NORMAL)
		test_skip("stage 2 is not known to be Device or Normal-NC "
			  "here (%s)", a.reason);
	if (!slot_accepted(ops))
		test_skip("%s slots are refused here: pfnmap_test and "
			  "device_memory_test cover that", ops->name);
	backed_slot_add(&s, NULL, 0, MAP_MT(MT_NORMAL));
	vcpu = vcpu_add(s.vm);
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
