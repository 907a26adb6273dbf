/* SPDX-License-Identifier: GPL-2.0 */
/*
 * host_mem.h - what the host kernel says about a host page: its pagemap
 * entry, its physical address, and whether that address is memblock
 * "map-memory" (what 6.x KVM calls not-a-device); and the memory knobs
 * (huge page pools, KSM) a case reads and sets.
 */
#ifndef S2_HOST_MEM_H
#define S2_HOST_MEM_H

#include <stdint.h>

#define PM_PRESENT(e)	(((e) >> 63) & 1)
#define PM_SWAPPED(e)	(((e) >> 62) & 1)
#define PM_PFN(e)	((e) & ((1ULL << 55) - 1))

/* 0 or -errno; pfns read as 0 without CAP_SYS_ADMIN. */
int pagemap_entry(void *hva, uint64_t *entry);
/* Fault hva in and return its physical address, 0 if unknown. */
uint64_t hva_to_phys(void *hva);
/* 1 or 0 from /sys/kernel/debug/memblock/memory, -errno if unreadable. */
int phys_is_map_memory(uint64_t phys);

/* A number from a sysfs or procfs file, -1 if unreadable. */
long knob_read(const char *path);
/* Write a number to a sysfs or procfs file: 0 or -errno. */
int knob_write(const char *path, long v);

#endif
