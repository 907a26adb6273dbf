// SPDX-License-Identifier: GPL-2.0
/*
 * file_private.c - shared code of the MAP_PRIVATE file kinds: whether the
 * file is shmem or page cache is what KVM's MTE rule looks at.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "file_private.h"

#define TMPFS_MAGIC	0x01021994

int file_private_create(struct backing *b, uint64_t size, const char *dir,
			bool want_tmpfs)
{
	struct statfs st;
	int ret;

	if (statfs(dir, &st))
		return backing_unavailable(b, "%s: %m", dir);
	if ((st.f_type == TMPFS_MAGIC) != want_tmpfs)
		return backing_unavailable(b, "%s is %sa tmpfs (f_type 0x%lx)",
					   dir, want_tmpfs ? "not " : "",
					   (unsigned long)st.f_type);
	ret = backing_tmpfile(b, dir);
	if (ret)
		return ret;
	ret = backing_fill_file(b, size, FILE_PATTERN);
	if (ret)
		return ret;
	return backing_mmap(b, size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			    b->fd, 0);
}
