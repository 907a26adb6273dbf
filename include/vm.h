/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm.h - VM, vCPU and memslot objects.
 *
 * A VM always has slot 0 ("sys", anonymous, 16 MiB at GPA 0) holding the
 * guest image, stage-1 page tables and per-vCPU state; tests add their own
 * slots from GUEST_REGION_BASE up. Calls that a case may expect to fail
 * return 0 or -errno; setup that must work calls test_fail() instead.
 */
#ifndef S2_VM_H
#define S2_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "processor.h"
#include "guest.h"
#include "model/outcome.h"
#include "uapi_compat.h"

#define VM_MAX_SLOTS	32

struct backing;

struct region {
	uint32_t slot;
	uint32_t flags;		/* KVM_MEM_* */
	uint64_t gpa;
	uint64_t size;
	void *hva;
	int gmem_fd;		/* KVM_MEM_GUEST_MEMFD slots: the file */
	uint64_t gmem_offset;
	bool live;
};

struct vm {
	int fd;
	bool mte;
	void *sys;		/* HVA of slot 0 */
	uint64_t pgd;		/* GPA of the stage-1 L1 table */
	uint64_t pt_next;	/* next free page-table page */
	uint64_t next_gpa;	/* next free test-region GPA */
	uint64_t s1_gen;	/* bumped by vm_map: guests must TLBI */
	int nr_vcpus;
	struct vcpu *vcpus[GUEST_MAX_VCPUS];
	unsigned int ipa_bits;	/* KVM_VM_TYPE_ARM_IPA_SIZE */
	bool el2;		/* vCPUs start at EL2 (KVM_ARM_VCPU_HAS_EL2) */
	int gic_fd;		/* its vGICv3, initialised before the 1st run */
	bool gic_ready;
	uint64_t s2_next;	/* next free page of the GUEST_S2_POOL */
	struct region regions[VM_MAX_SLOTS];
};

/* A VM capability to enable, and its argument. */
struct vm_cap {
	int cap;
	uint64_t arg0;
};

struct vm_opts {
	bool mte;		/* enable KVM_CAP_ARM_MTE before any vCPU */
	/*
	 * Enabled in order before the sys slot exists: some caps want a VM
	 * without memslots (KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE,
	 * KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP). __vm_create() returns the
	 * first one's -errno.
	 */
	const struct vm_cap *caps;
	int nr_caps;
	/*
	 * vCPUs with KVM_ARM_VCPU_HAS_EL2 running the guest runtime at EL2
	 * (an L1 guest hypervisor, lib/arm64/guest/l2.c), with the vGICv3
	 * without which KVM refuses to run them.
	 */
	bool el2;
};

/* Stage-1 mapping attributes for vm_map(). */
#define MAP_MT(mt)	((unsigned int)(mt) & 0x7)
#define MAP_RO		(1u << 3)
#define MAP_XN		(1u << 4)
#define MAP_BLOCK	(1u << 5)	/* 2 MiB stage-1 blocks where aligned */

/*
 * Create a VM with its sys slot (opts may be NULL). __vm_create() returns
 * 0 or -errno (e.g. MTE refused); vm_create() must succeed.
 */
/*
 * Load the guest image once before forking cases: each case's first VM
 * then shares it copy-on-write instead of copying it (optional).
 */
void vm_preload(void);
int __vm_create(struct vm **out, const struct vm_opts *opts);
struct vm *vm_create(const struct vm_opts *opts);
void vm_destroy(struct vm *vm);
/* el2 VMs: the vGIC's init once all vCPUs exist (the first call does it). */
int vm_el2_ready(struct vm *vm);
int vm_enable_mte(struct vm *vm);

/*
 * Delete slot under kprobes on the two TLBI paths of a stage-2 unmap
 * (kvm_tlb_flush_vmid_range(), __kvm_tlb_flush_vmid_ipa()): their hits,
 * -1 where not probeable (why says why). SKIPs when the kernel has no
 * kprobe events, FAILs when the delete does.
 */
void vm_delete_slot_tlbi(struct vm *vm, struct region *slot, long *range,
			 long *ipa, char *why, size_t n);

/* A GPA range for a new test slot: 1 GiB aligned, never reused. */
uint64_t vm_alloc_gpa(struct vm *vm, uint64_t size);
int vm_add_slot(struct vm *vm, uint64_t gpa, uint64_t size, void *hva,
		uint32_t flags, struct region **out);
/* A slot whose memory is gmem_fd from gmem_offset; hva is the VMM's view. */
int vm_add_gmem_slot(struct vm *vm, uint64_t gpa, uint64_t size, void *hva,
		     uint32_t flags, int gmem_fd, uint64_t gmem_offset,
		     struct region **out);
int vm_delete_slot(struct vm *vm, struct region *r);
/* The same slot with new KVM_MEM_* flags (KVM_MR_FLAGS_ONLY): 0/-errno. */
int vm_set_slot_flags(struct vm *vm, struct region *r, uint32_t flags);
void *vm_gpa2hva(struct vm *vm, uint64_t gpa);

/* Stage-1 identity-style map gva -> gpa with attrs; host-side only. */
uint64_t s1_leaf_attrs(unsigned int attrs);
void vm_map(struct vm *vm, uint64_t gva, uint64_t gpa, uint64_t size,
	    unsigned int attrs);
/* GPA of the last-level stage-1 table that maps gva (vm_map()ed). */
uint64_t vm_s1_table(struct vm *vm, uint64_t gva);

/* Mirror a guest global's current host value into the guest copy. */
#define sync_global_to_guest(vm, g) \
	memcpy(vm_gpa2hva((vm), (uint64_t)(uintptr_t)&(g)), &(g), sizeof(g))

/* ---- vCPU ---- */

struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	struct guest_cpu *cpu;	/* HVA of the guest's per-vCPU state */
	bool idle;		/* parked in UCALL_IDLE, ready for a call */
	uint64_t s1_gen;	/* vm->s1_gen this vCPU last flushed for */
	bool broken;		/* a call failed: the guest state is unknown */
	timer_t timer;		/* call deadline: signals timer_tid */
	bool has_timer;
	pid_t timer_tid;
	/* el2 VMs: calls run in L2 through l2_call() (arm64/nested.h) */
	bool in_l2;
};

enum recover {
	RECOVER_SKIP,		/* pc += 4 past the faulting instruction */
	RECOVER_RETURN,		/* pc = x30, x0 = GUEST_EXEC_FAULTED */
	RECOVER_NONE,		/* stop the call at the first event */
};

/* What happened between KVM_RUN and the guest's return. */
struct run_event {
	struct outcome what;	/* OUT_RUN_ERRNO or OUT_EXIT */
	uint64_t pc;
};

#define CALL_MAX_EVENTS	8

enum call_status {
	CALL_OK,
	CALL_ASSERT,		/* guest_assert_fail(), see msg */
	CALL_UNHANDLED,		/* unexpected guest exception */
	CALL_STOPPED,		/* RECOVER_NONE and an event happened */
	CALL_TIMEOUT,
	CALL_ERROR,		/* host-side failure, see msg */
	CALL_STALL,		/* no progress, KVM kept exiting: see msg */
};

struct call {
	enum recover recover;
	int timeout_ms;		/* 0: CALL_DEFAULT_TIMEOUT_MS */
	uint64_t mmio_read_value; /* what MMIO reads return to the guest */
	/* results */
	enum call_status status;
	uint64_t ret;
	int nevents;
	struct run_event events[CALL_MAX_EVENTS];
	char msg[512];
};

#define CALL_DEFAULT_TIMEOUT_MS	30000
#define MMIO_POISON		0x5a5a5a5a5a5a5a5aULL

/* __vcpu_add() returns 0 or -errno, vcpu_add() must succeed. */
int __vcpu_add(struct vm *vm, struct vcpu **out);
struct vcpu *vcpu_add(struct vm *vm);
void vcpu_destroy(struct vcpu *vcpu);

/*
 * Call guest fn(args…) on vcpu, up to six integer arguments.
 * __vcpu_call() fills c->status/ret/events and returns c->status;
 * vcpu_call() must finish with no event, else test_fail(), and returns
 * what fn returned. The macros convert every argument to uint64_t.
 */
enum call_status __vcpu_call_argv(struct vcpu *vcpu, struct call *c,
				  void *fn, const uint64_t *args, int nargs);
uint64_t vcpu_call_argv(struct vcpu *vcpu, void *fn, const uint64_t *args,
			int nargs);

#define __CALL_ARGS(...)	((const uint64_t[]){ 0, ##__VA_ARGS__ } + 1)
#define __CALL_NARGS(...)	\
	((int)(sizeof((uint64_t[]){ 0, ##__VA_ARGS__ }) / sizeof(uint64_t)) - 1)
#define __vcpu_call(vcpu, c, fn, ...)					\
	__vcpu_call_argv(vcpu, c, (void *)(fn),				\
			 __CALL_ARGS(__VA_ARGS__), __CALL_NARGS(__VA_ARGS__))
#define vcpu_call(vcpu, fn, ...)					\
	vcpu_call_argv(vcpu, (void *)(fn), __CALL_ARGS(__VA_ARGS__),	\
		       __CALL_NARGS(__VA_ARGS__))

/* KVM_{GET,SET}_ONE_REG: __ return 0 or -errno, the others must work. */
int __vcpu_get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val);
int __vcpu_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val);
uint64_t vcpu_get_reg(struct vcpu *vcpu, uint64_t id);
void vcpu_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val);

const char *call_status_name(enum call_status s);

/* vCPU counters from KVM_GET_STATS_FD, by a name the compiler checks. */
/* The vCPU statistics the suite reads; their KVM names are in lib/stats.c. */
enum vcpu_stat_id {
	VCPU_STAT_EXITS,	/* every exit from the guest, faults included */
	VCPU_STAT_NR,
};

/* 0 with *val, or -errno (-ENOENT: this kernel has no such statistic). */
int __vcpu_stat(struct vcpu *vcpu, enum vcpu_stat_id id, uint64_t *val);
/* The value; the case SKIPs naming the statistic where the kernel lacks it. */
uint64_t vcpu_stat(struct vcpu *vcpu, enum vcpu_stat_id id);

#endif
