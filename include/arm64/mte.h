/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mte.h - MTE helpers for host harnesses and guest code.
 *
 * The guest maps tagged memory with MT_NORMAL_TAGGED at stage 1 and uses
 * the stubs in lib/arm64/guest/mte.S; the host talks tags through
 * KVM_ARM_MTE_COPY_TAGS (one tag per byte, one byte per 16-byte granule).
 */
#ifndef S2_MTE_H
#define S2_MTE_H

#include <stdbool.h>
#include <stdint.h>

#define MTE_GRANULE	16
#define PROT_MTE_FLAG	0x20	/* PROT_MTE, arm64 uapi */

struct vm;
struct region;

#ifdef __aarch64__
uint64_t guest_mte_set(uint64_t addr, uint64_t len);
uint64_t guest_mte_count(uint64_t addr, uint64_t len, uint64_t tag);
uint64_t guest_mte_get(uint64_t addr);
#endif

static inline uint64_t tag_ptr(uint64_t addr, unsigned int tag)
{
	return (addr & ~(0xfULL << 56)) | ((uint64_t)(tag & 0xf) << 56);
}

/* SKIP the case unless KVM_CAP_ARM_MTE is there. */
void mte_require(void);
/* A VM with MTE enabled before any vCPU; SKIP/FAIL as appropriate. */
struct vm *mte_vm_create(void);
/* Map [gpa, +size) Normal-Tagged at stage 1 (identity). */
void mte_map_tagged(struct vm *vm, uint64_t gpa, uint64_t size);

/*
 * COPY_TAGS wrappers: 0/-errno, or the byte count KVM reports. *tags holds
 * size/16 bytes.
 */
long mte_tags_from_guest(struct vm *vm, uint64_t gpa, uint64_t size,
			 uint8_t *tags);
long mte_tags_to_guest(struct vm *vm, uint64_t gpa, uint64_t size,
		       const uint8_t *tags);

/* mprotect(PROT_MTE) on the VMA: 0 or -errno (6.2+ predicts the slot). */
int mte_prot_probe(void *hva, uint64_t size);

/* Whether this CPU has MTE as userspace sees it (HWCAP2_MTE). */
bool cpu_has_mte(void);

#endif
