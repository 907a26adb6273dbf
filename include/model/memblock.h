/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memblock.h - what 6.x KVM calls not-a-device, from memblock's debugfs
 * dump (the reading is lib/host_mem.c's).
 */
#ifndef S2_MODEL_MEMBLOCK_H
#define S2_MODEL_MEMBLOCK_H

#include <stdint.h>

/*
 * 1 if phys is map-memory in a /sys/kernel/debug/memblock/memory dump,
 * 0 if not, -EINVAL if the dump has no range.
 */
int memblock_text_is_map_memory(const char *dump, uint64_t phys);

#endif
