/* SPDX-License-Identifier: GPL-2.0 */
/* file_private.h - a pre-filled file in dir mapped MAP_PRIVATE. */
#ifndef S2_FILE_PRIVATE_H
#define S2_FILE_PRIVATE_H

#include "backing.h"

#define FILE_PATTERN	0x454c4946454c4946ULL	/* "FILEFILE" */

/* want_tmpfs: the file system must (true) or must not (false) be shmem. */
int file_private_create(struct backing *b, uint64_t size, const char *dir,
			bool want_tmpfs);
/* The kind's filled file, made once before the cases fork (.preload). */
void file_private_preload(const struct backing_ops *ops, const char *dir,
			  bool want_tmpfs);

#endif
