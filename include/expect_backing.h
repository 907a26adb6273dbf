/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_backing.h - the expectations every per-backing case shares, for
 * any kind: RAM, PFNMAP or device. Unlike the pure model these look at
 * the backing at run time: 6.x KVM decides "device" by whether the pfn is
 * in memblock.
 */
#ifndef S2_EXPECT_BACKING_H
#define S2_EXPECT_BACKING_H

#include "backing.h"
#include "model/expect.h"

struct expect_attr expect_backing_attr(const struct kernel_facts *kf,
				       struct backing *b);
struct expect expect_backing_exec(const struct kernel_facts *kf,
				  struct backing *b);
struct expect expect_backing_mte_after(const struct kernel_facts *kf,
				       struct backing *b);

#endif
