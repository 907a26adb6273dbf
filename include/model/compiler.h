/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compiler.h - the few helpers every layer uses, as in the kernel's.
 */
#ifndef S2_MODEL_COMPILER_H
#define S2_MODEL_COMPILER_H

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif
