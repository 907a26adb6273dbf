// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c - the VM object, its sys slot and the guest image.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel_facts.h"
#include "kprobe_count.h"
#include "kvm_ioctl.h"
#include "verdict.h"
#include "vm.h"

/*
 * Copy our own PT_LOAD segments to their link addresses in a sys slot
 * image: the guest then runs the very functions the host names by
 * pointer. 0, or -1 with the reason in err.
 */
static int load_own_image(char *sys, char *err, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd, i, ret = -1;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh)) {
		snprintf(err, len, "reading /proc/self/exe: %s",
			 strerror(errno));
		goto out;
	}
	if (eh.e_type != ET_EXEC) {
		snprintf(err, len, "test binary is not ET_EXEC: build with "
			 "-static -no-pie");
		goto out;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		off_t off = eh.e_phoff + (off_t)i * eh.e_phentsize;
		char *dst;

		if (pread(fd, &ph, sizeof(ph), off) != sizeof(ph)) {
			snprintf(err, len, "reading program header %d", i);
			goto out;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_vaddr + ph.p_memsz > GUEST_IMAGE_END) {
			snprintf(err, len, "image segment 0x%llx+0x%llx "
				 "overlaps guest runtime area",
				 (unsigned long long)ph.p_vaddr,
				 (unsigned long long)ph.p_memsz);
			goto out;
		}
		dst = sys + ph.p_vaddr;
		if (pread(fd, dst, ph.p_filesz, ph.p_offset) !=
		    (ssize_t)ph.p_filesz) {
			snprintf(err, len, "loading segment %d", i);
			goto out;
		}
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Small pages: the sys slot must not perturb THP/hugetlb counts. */
static void *sys_alloc(void)
{
	void *sys = mmap(NULL, GUEST_SYS_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (sys == MAP_FAILED)
		return NULL;
	madvise(sys, GUEST_SYS_SIZE, MADV_NOHUGEPAGE);
	return sys;
}

/*
 * A sys slot image loaded once, before the cases fork (vm_preload()).
 * The first VM of each case takes it over: the child shares its pages
 * with the parent copy-on-write, so a case pays only for the pages its
 * guest or host writes. Copying the ~1 MiB ELF per VM was a fifth of a
 * short case under TCG. Any other VM (a second one, or one in the
 * process that loaded it) loads its own.
 */
static void *preloaded;
static pid_t preloaded_by;
static bool preload_taken;

void vm_preload(void)
{
	char err[128];

	if (preloaded)
		return;
	preloaded = sys_alloc();
	if (preloaded && load_own_image(preloaded, err, sizeof(err))) {
		munmap(preloaded, GUEST_SYS_SIZE);
		preloaded = NULL;	/* the VM's own load will report it */
	}
	preloaded_by = getpid();
}

static void *sys_image(void)
{
	char err[128];
	void *sys;

	if (preloaded && !preload_taken && getpid() != preloaded_by) {
		preload_taken = true;
		return preloaded;
	}
	sys = sys_alloc();
	if (!sys)
		test_fail("mmap sys slot: %s", strerror(errno));
	if (load_own_image(sys, err, sizeof(err)))
		test_fail("%s", err);
	return sys;
}

int vm_enable_mte(struct vm *vm)
{
	int ret = kvm_enable_cap(vm->fd, KVM_CAP_ARM_MTE, 0);

	if (!ret)
		vm->mte = true;
	return ret;
}

static void setup_sys_slot(struct vm *vm)
{
	struct region *sys;
	int ret;

	vm->sys = sys_image();
	ret = vm_add_slot(vm, 0, GUEST_SYS_SIZE, vm->sys, 0, &sys);
	if (ret)
		test_fail("sys memslot: %s", strerror(-ret));
	vm->pt_next = GUEST_PT_BASE;
	vm->pgd = vm->pt_next;
	vm->pt_next += GUEST_S1_PAGE;
	vm_map(vm, 0, 0, GUEST_SYS_SIZE, MAP_MT(MT_NORMAL));
	vm_map(vm, GUEST_UCALL_GPA, GUEST_UCALL_GPA, GUEST_S1_PAGE,
	       MAP_MT(MT_DEVICE_nGnRE) | MAP_XN);
}

/*
 * A vGICv3 at fixed GPAs between the sys slot and the ucall page: a vCPU
 * with KVM_ARM_VCPU_HAS_EL2 cannot run without an in-kernel vGIC
 * (kvm_vgic_vcpu_nv_init). Initialised at the first call, once every
 * vCPU exists (vm_el2_ready()).
 */
#define GICD_GPA	0x08000000ULL
#define GICR_GPA	0x080a0000ULL

static int vm_el2_setup(struct vm *vm)
{
	uint64_t gicd = GICD_GPA, gicr = GICR_GPA;
	int ret;

	vm->el2 = true;
	vm->gic_fd = kvm_create_device(vm->fd, KVM_DEV_TYPE_ARM_VGIC_V3);
	if (vm->gic_fd < 0)
		return vm->gic_fd;
	ret = kvm_device_attr_set(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
				  KVM_VGIC_V3_ADDR_TYPE_DIST, &gicd);
	if (!ret)
		ret = kvm_device_attr_set(vm->gic_fd,
					  KVM_DEV_ARM_VGIC_GRP_ADDR,
					  KVM_VGIC_V3_ADDR_TYPE_REDIST, &gicr);
	return ret;
}

int vm_el2_ready(struct vm *vm)
{
	int ret;

	if (!vm->el2 || vm->gic_ready)
		return 0;
	ret = kvm_device_attr_set(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	vm->gic_ready = !ret;
	return ret;
}

int __vm_create(struct vm **out, const struct vm_opts *opts)
{
	struct vm *vm;
	int ret, i;

	ret = kvm_check_cap(KVM_CAP_ARM_VM_IPA_SIZE);
	if (ret < GUEST_IPA_BITS)
		test_skip("KVM IPA size %d < %d bits", ret, GUEST_IPA_BITS);
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		test_fail("out of memory");
	/*
	 * An explicit 40-bit IPA: the default on -cpu max would be 52-bit
	 * (LPA2), which TCG walks far more slowly.
	 */
	vm->ipa_bits = opts && opts->el2 ? GUEST_EL2_IPA_BITS : GUEST_IPA_BITS;
	vm->fd = kvm_create_vm(KVM_VM_TYPE_ARM_IPA_SIZE(vm->ipa_bits));
	if (vm->fd < 0) {
		ret = vm->fd;
		free(vm);
		return ret;
	}
	vm->next_gpa = GUEST_REGION_BASE;
	if (opts && opts->mte) {
		ret = vm_enable_mte(vm);
		if (ret) {
			close(vm->fd);
			free(vm);
			return ret;
		}
	}
	for (i = 0; opts && i < opts->nr_caps; i++) {
		ret = kvm_enable_cap(vm->fd, opts->caps[i].cap,
				     opts->caps[i].arg0);
		if (ret) {
			close(vm->fd);
			free(vm);
			return ret;
		}
	}
	setup_sys_slot(vm);
	vm->gic_fd = -1;
	vm->s2_next = GUEST_S2_POOL;
	if (opts && opts->el2) {
		ret = vm_el2_setup(vm);
		if (ret) {
			vm_destroy(vm);
			return ret;
		}
	}
	*out = vm;
	return 0;
}

struct vm *vm_create(const struct vm_opts *opts)
{
	struct vm *vm;
	int ret = __vm_create(&vm, opts);

	if (ret)
		test_fail("KVM_CREATE_VM: %s", strerror(-ret));
	return vm;
}

void vm_destroy(struct vm *vm)
{
	int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_destroy(vm->vcpus[i]);
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	close(vm->fd);
	munmap(vm->sys, GUEST_SYS_SIZE);
	free(vm);
}

/*
 * 1 GiB apart, or more: every stage-2 block of any granule (a PUD at 4K,
 * a PMD of 32M or 512M at 16K/64K) fits aligned, so an HVA aligned to
 * the block is co-aligned with its GPA.
 */
uint64_t vm_alloc_gpa(struct vm *vm, uint64_t size)
{
	const struct page_geom *g = &kernel_facts()->sizes.geom;
	uint64_t align = 1ULL << 30, gpa = vm->next_gpa;

	if (g->pud > align)
		align = g->pud;
	if (g->pmd > align)
		align = g->pmd;
	vm->next_gpa = (gpa + size + align - 1) & ~(align - 1);
	if (vm->next_gpa > (1ULL << GUEST_VA_BITS) ||
	    gpa + size > (1ULL << vm->ipa_bits))
		test_fail("guest address space exhausted");
	return gpa;
}

int vm_add_gmem_slot(struct vm *vm, uint64_t gpa, uint64_t size, void *hva,
		     uint32_t flags, int gmem_fd, uint64_t gmem_offset,
		     struct region **out)
{
	struct memslot_desc d = { .flags = flags, .gpa = gpa, .size = size,
				  .hva = hva, .gmem_fd = gmem_fd,
				  .gmem_offset = gmem_offset };
	struct region *r = NULL;
	int ret;

	for (d.slot = 0; d.slot < VM_MAX_SLOTS; d.slot++) {
		if (!vm->regions[d.slot].live) {
			r = &vm->regions[d.slot];
			break;
		}
	}
	if (!r)
		test_fail("out of memslots");
	ret = kvm_set_memslot2(vm->fd, &d);
	if (ret)
		return ret;
	*r = (struct region){ .slot = d.slot, .flags = flags, .gpa = gpa,
			      .size = size, .hva = hva, .gmem_fd = gmem_fd,
			      .gmem_offset = gmem_offset, .live = true };
	if (out)
		*out = r;
	return 0;
}

int vm_add_slot(struct vm *vm, uint64_t gpa, uint64_t size, void *hva,
		uint32_t flags, struct region **out)
{
	return vm_add_gmem_slot(vm, gpa, size, hva, flags, -1, 0, out);
}

int vm_delete_slot(struct vm *vm, struct region *r)
{
	struct memslot_desc d = { .slot = r->slot, .flags = r->flags,
				  .gpa = r->gpa, .size = 0, .hva = r->hva,
				  .gmem_fd = r->gmem_fd,
				  .gmem_offset = r->gmem_offset };
	int ret = kvm_set_memslot2(vm->fd, &d);

	if (!ret)
		r->live = false;
	return ret;
}

int vm_set_slot_flags(struct vm *vm, struct region *r, uint32_t flags)
{
	struct memslot_desc d = { .slot = r->slot, .flags = flags,
				  .gpa = r->gpa, .size = r->size,
				  .hva = r->hva, .gmem_fd = r->gmem_fd,
				  .gmem_offset = r->gmem_offset };
	int ret = kvm_set_memslot2(vm->fd, &d);

	if (!ret)
		r->flags = flags;
	return ret;
}

void vm_delete_slot_tlbi(struct vm *vm, struct region *slot, long *range,
			 long *ipa, char *why, size_t n)
{
	struct kprobe_count k;
	int ret = kprobe_count_init(&k);

	if (!ret && (kprobe_count_add(&k, "range",
				      "kvm_tlb_flush_vmid_range") < 0 ||
		     kprobe_count_add(&k, "ipa", "__kvm_tlb_flush_vmid_ipa") < 0))
		ret = -errno;
	if (!ret)
		ret = kprobe_count_start(&k);
	snprintf(why, n, "%s", k.why);
	if (ret == -ENOENT)
		test_skip("%s", why);
	if (!ret)
		ret = vm_delete_slot(vm, slot);
	*range = kprobe_count_hits(&k, 0);
	*ipa = kprobe_count_hits(&k, 1);
	kprobe_count_stop(&k);
	if (ret)
		test_fail("deleting the slot under kprobes: %s (%s)",
			  strerror(-ret), why);
}

void *vm_gpa2hva(struct vm *vm, uint64_t gpa)
{
	int i;

	for (i = 0; i < VM_MAX_SLOTS; i++) {
		struct region *r = &vm->regions[i];

		if (r->live && gpa >= r->gpa && gpa - r->gpa < r->size)
			return (char *)r->hva + (gpa - r->gpa);
	}
	test_fail("GPA 0x%llx is in no memslot", (unsigned long long)gpa);
}
