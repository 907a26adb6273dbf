// SPDX-License-Identifier: GPL-2.0
/*
 * device_memory_test - memory from real drivers behind a memslot: a
 * vfio-pci BAR (vfio_bar) and pmem through DAX (fsdax_shared, devdax).
 * Whether KVM accepts the slot with MTE and with dirty logging, which
 * stage-2 type it picks (Device, Normal-NC or Normal, told apart by
 * alignment faults and by exec), what the guest may choose at stage 1,
 * what happens when the BAR's memory decode goes away under the guest,
 * and that guest and host see each other's data through it.
 *
 * Rows 13-20 of docs/behaviours.md, and row 60: the type KVM installed
 * (kprobes, lib/s2_watch.c) judged with the probes as witness. Each kind
 * SKIPs with the harness's reason when its device is absent (6.1 has no
 * ZONE_DEVICE, so no DAX). Before 7.x the DAX type depends on whether the
 * pmem pfns are in memblock: the case reads the pfn from pagemap and the
 * ranges from /sys/kernel/debug/memblock/memory and says which.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backing.h"
#include "model/expect_device.h"
#include "host_mem.h"
#include "mte.h"
#include "probe.h"
#include "slot.h"
#include "suite.h"
#include "vm.h"

#define GUEST_DATA	0x6775657374ab5a01ULL	/* "guest" */
#define HOST_DATA	0x686f7374a55acd02ULL	/* "host" */

struct ctx {
	struct backed_slot s;
	struct vcpu *vcpu;
	int map_memory;		/* pfns in memblock: 1, 0, -1 unknown */
};

static void check_create(struct ctx *f, struct result *res);
static void check_create_mte(struct ctx *f, struct result *res);
static void check_dirty_log(struct ctx *f, struct result *res);
static void check_memtype(struct ctx *f, struct result *res);
static void check_exec(struct ctx *f, struct result *res);
static void check_s1_device(struct ctx *f, struct result *res);
static void check_host_sees(struct ctx *f, struct result *res);
static void check_decode_off(struct ctx *f, struct result *res);
static void setup(struct ctx *f, const struct kase *k);

static const struct check checks[] = {
	{ "create", check_create, .access = ACCESS_NONE },
	{ "create_mte", check_create_mte, .access = ACCESS_NONE },
	{ "dirty_log", check_dirty_log, .access = ACCESS_NONE },
	{ "memtype", check_memtype },
	{ "exec", check_exec, .access = ACCESS_EXEC },
	{ "s1_device", check_s1_device, .vma = VMA_DEVICE },	/* a PCI BAR */
	{ "host_sees", check_host_sees, .access = ACCESS_JUDGE },
	{ "decode_off", check_decode_off, .vma = VMA_DEVICE },
};

SUITE(.name = "device_memory_test",
      .summary = "VFIO BARs and DAX behind memslots: MTE and dirty-log "
		 "refusal, S2 type, exec, S1 Device, decode off, data",
      .kinds = KINDS("vfio_bar", "fsdax_shared", "devdax"),
      CHECKS(checks), CTX(struct ctx, setup));

/* Guest code: probes and fills are in lib/arm64/guest/guest.c. */

/* Host code */

/* Every case: the facts and a backing of the kind. */
static void setup(struct ctx *f, const struct kase *k)
{
	backed_slot_init(&f->s, k->ops, backing_region_size(k->ops));
}

/* A slot over the backing, mapped at stage 1 with attrs; must work. */
static void slot_setup(struct ctx *f, unsigned int attrs)
{
	backed_slot_add(&f->s, NULL, 0, attrs);
	f->vcpu = vcpu_add(f->s.vm);
}

/*
 * Whether the backing's first page is map-memory (in memblock, not
 * NOMAP): 1, 0, or -1 if pagemap or the memblock dump is unavailable.
 */
static int map_memory(struct ctx *f, struct result *res)
{
	uint64_t phys = hva_to_phys(f->s.b.hva);
	int ret;

	if (!phys) {
		result_diag(res, "pagemap gives no pfn (not root?)");
		return -1;
	}
	ret = phys_is_map_memory(phys);
	if (ret < 0) {
		result_diag(res, "memblock debugfs: %s", strerror(-ret));
		return -1;
	}
	result_diag(res, "pa 0x%llx is %sin memblock",
		    (unsigned long long)phys, ret ? "" : "not ");
	return ret;
}

/* The expected S2 type; SKIP if the kernel's rule needs unknown facts. */
static struct expect_attr device_attr(struct ctx *f, struct result *res,
				      bool s1_device)
{
	struct expect_attr a;

	/* A BAR is outside memblock by definition (VMA_DEVICE). */
	f->map_memory = f->s.ops->vma & VMA_DAX ? map_memory(f, res) : 0;
	a = s1_device ?
		expect_device_s1_device(f->s.kf, f->s.ops->vma, f->map_memory) :
		expect_device_attr(f->s.kf, f->s.ops->vma, f->map_memory);

	if (!a.known)
		test_skip("%s", a.reason);
	return a;
}

static int add_slot(struct ctx *f, struct vm *vm, uint32_t flags)
{
	return vm_add_slot(vm, vm_alloc_gpa(vm, f->s.size), f->s.size,
			   f->s.b.hva, flags, NULL);
}

/* Rows 13/16. */
static void check_create(struct ctx *f, struct result *res)
{
	struct expect e;
	struct outcome obs;

	e = expect_device_create(f->s.kf, f->s.ops->vma, false);
	obs = out_ret(add_slot(f, vm_create(NULL), 0));
	result_outcome(res, &obs, &e.out, e.reason);
}

static void check_create_mte(struct ctx *f, struct result *res)
{
	struct expect e;
	struct outcome obs;
	struct vm *vm;

	vm = mte_vm_create();
	e = expect_device_create(f->s.kf, f->s.ops->vma, true);
	obs = out_ret(add_slot(f, vm, 0));
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Row 19. */
static void check_dirty_log(struct ctx *f, struct result *res)
{
	struct expect e = expect_device_dirty_log(f->s.ops->vma);
	struct outcome obs;

	obs = out_ret(add_slot(f, vm_create(NULL),
			       KVM_MEM_LOG_DIRTY_PAGES));
	result_outcome(res, &obs, &e.out, e.reason);
}

/* Rows 14/17: the guest maps Normal-WB at stage 1, stage 2 decides. */
static void check_memtype(struct ctx *f, struct result *res)
{
	struct expect_attr a;

	slot_setup(f, MAP_MT(MT_NORMAL));
	a = device_attr(f, res, false);
	memtype_judge(f->vcpu, f->s.gpa, f->s.kf, &a, res);
}

/* Rows 15/18: only Normal-WB is executable at stage 2. */
static void check_exec(struct ctx *f, struct result *res)
{
	struct expect e;

	slot_setup(f, MAP_MT(MT_NORMAL));
	device_attr(f, res, false);	/* SKIPs if the type is unknown */
	e = expect_device_exec(f->s.kf, f->s.ops->vma, f->map_memory);
	exec_stub_write((char *)f->s.b.hva + host_page());
	exec_judge(f->vcpu, f->s.gpa + host_page(), f->s.kf, &e, res);
}

/*
 * Row 17: the guest may pick Device at stage 1 over the BAR. What the
 * guest feels combines both stages, so only the probes judge it.
 */
static void check_s1_device(struct ctx *f, struct result *res)
{
	struct memtype_result m;
	struct expect_attr a;
	enum memtype want;

	slot_setup(f, MAP_MT(MT_DEVICE_nGnRE));
	a = device_attr(f, res, true);
	want = a.attr == S2_ATTR_DEVICE ? MEMTYPE_DEVICE : MEMTYPE_NORMAL;
	m = memtype_probe(f->vcpu, f->s.gpa, f->s.kf->tcg);
	result_diag(res, "%s", m.detail);
	result_check(res, m.type == want, memtype_name(m.type),
		     memtype_name(want), a.reason);
}

/* Index of the first word != val in the host's view, or the word count. */
static uint64_t host_check(const void *p, uint64_t len, uint64_t val)
{
	const volatile uint64_t *w = p;
	uint64_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != val)
			return i;
	return len / 8;
}

/* BAR index and region offset of b's device, for pread/pwrite. */
static uint64_t vfio_region_offset(struct ctx *f, unsigned int index)
{
	struct vfio_region_info info = { .argsz = sizeof(info),
					 .index = index };

	if (ioctl(f->s.b.fd, VFIO_DEVICE_GET_REGION_INFO, &info))
		test_fail("VFIO region %u info: %s", index, strerror(errno));
	return info.offset;
}

/* The other way in: read() of the file, or of the VFIO region. */
static void check_read_path(struct ctx *f, struct result *res,
			    uint64_t val)
{
	struct expect e = expect_device_read_path(f->s.size / 8);
	uint64_t *buf;
	struct outcome obs;
	const char *env = getenv("S2_VFIO_BAR");
	uint64_t off = 0;
	const char *how = "pread() of the file";

	if (f->s.ops->vma & VMA_DEVICE) {
		off = vfio_region_offset(f, env && *env ? atoi(env) :
					 VFIO_PCI_BAR2_REGION_INDEX);
		how = "pread() of the VFIO BAR region";
	} else if (strcmp(f->s.ops->name, "fsdax_shared")) {
		return;		/* device-dax has no read() */
	}
	buf = malloc(f->s.size);
	if (!buf)
		test_fail("out of memory");
	if (pread(f->s.b.fd, buf, f->s.size, off) != (ssize_t)f->s.size)
		test_fail("%s: %s", how, strerror(errno));
	obs = out_value(host_check(buf, f->s.size, val));
	free(buf);
	result_diag(res, "%s", how);
	result_expect(res, &obs, &e);
}

/* Guest stores show in the host mapping and the read path, and back. */
static void check_host_sees(struct ctx *f, struct result *res)
{
	uint64_t words = f->s.size / 8, i;
	struct expect host_e = expect_device_host_sees(words);
	struct expect guest_e = expect_device_guest_sees(words);
	volatile uint64_t *host;
	struct outcome obs;

	slot_setup(f, MAP_MT(MT_NORMAL));
	if (slot_mode_refusal(&f->s, f->vcpu, res))
		return;
	host = f->s.b.hva;
	vcpu_call(f->vcpu, guest_fill, f->s.gpa, f->s.size, GUEST_DATA);
	obs = out_value(host_check(f->s.b.hva, f->s.size, GUEST_DATA));
	result_expect(res, &obs, &host_e);
	check_read_path(f, res, GUEST_DATA);
	for (i = 0; i < words; i++)
		host[i] = HOST_DATA;
	obs = out_value(vcpu_call(f->vcpu, guest_check, f->s.gpa,
				  f->s.size, HOST_DATA));
	result_expect(res, &obs, &guest_e);
}

static uint16_t pci_command(struct ctx *f, uint64_t cfg, int set,
			    uint16_t val)
{
	uint16_t cmd = val;
	ssize_t n = set ? pwrite(f->s.b.fd, &cmd, 2, cfg + PCI_COMMAND) :
			  pread(f->s.b.fd, &cmd, 2, cfg + PCI_COMMAND);

	if (n != 2)
		test_fail("PCI_COMMAND %s through VFIO: %s",
			  set ? "write" : "read", strerror(errno));
	return cmd;
}

/* Row 20: memory decode off under a mapped BAR, then back on. */
static void check_decode_off(struct ctx *f, struct result *res)
{
	struct expect e = expect_device_decode_off();
	struct expect stored = expect_device_decode_on(GUEST_DATA);
	struct outcome obs;
	uint64_t cfg;
	uint16_t cmd;

	slot_setup(f, MAP_MT(MT_NORMAL));
	cfg = vfio_region_offset(f, VFIO_PCI_CONFIG_REGION_INDEX);
	/* Map the BAR at stage 2 first: the zap must undo a live mapping. */
	obs = probe(f->vcpu, PROBE_STORE, f->s.gpa, GUEST_DATA);
	if (obs.kind != OUT_COMPLETED)
		test_fail("guest store to the BAR did not complete");
	cmd = pci_command(f, cfg, 0, 0);
	result_diag(res, "PCI_COMMAND 0x%04x, clearing MEMORY", cmd);
	pci_command(f, cfg, 1, cmd & ~PCI_COMMAND_MEMORY);
	obs = probe(f->vcpu, PROBE_LOAD, f->s.gpa, 0);
	pci_command(f, cfg, 1, cmd);
	result_outcome(res, &obs, &e.out, e.reason);
	obs = probe(f->vcpu, PROBE_LOAD, f->s.gpa, 0);
	result_expect(res, &obs, &stored);
}
