/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_device.h - device memory from real drivers, VFIO BARs and DAX:
 * rows 13-20.
 */
#ifndef S2_MODEL_EXPECT_DEVICE_H
#define S2_MODEL_EXPECT_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "expect.h"

/* map_memory: 1/0 whether the pfns are in memblock, -1 unknown. */
struct expect_attr expect_device_attr(const struct kernel_facts *kf,
				      unsigned int vma, int map_memory);
struct expect_attr expect_device_s1_device(const struct kernel_facts *kf,
					   unsigned int vma, int map_memory);
struct expect expect_device_create(const struct kernel_facts *kf,
				   unsigned int vma, bool mte);
struct expect expect_device_dirty_log(unsigned int vma);
struct expect expect_device_exec(const struct kernel_facts *kf,
				 unsigned int vma, int map_memory);
struct expect expect_device_decode_off(void);
struct expect expect_device_decode_on(uint64_t stored);
/*
 * Rows 13/16: whatever the memory type, both sides see every word (first
 * mismatch at index `words`, i.e. none), and so does read() of the file
 * or of the VFIO region.
 */
struct expect expect_device_host_sees(uint64_t words);
struct expect expect_device_guest_sees(uint64_t words);
struct expect expect_device_read_path(uint64_t words);

#endif
