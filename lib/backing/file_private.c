// SPDX-License-Identifier: GPL-2.0
/*
 * file_private.c - shared code of the MAP_PRIVATE file kinds: whether the
 * file is shmem or page cache is what KVM's MTE rule looks at.
 *
 * A MAP_PRIVATE mapping never writes to its file (guest and host stores
 * land in copy-on-write pages), so all cases of one test binary can map
 * one file, filled once before they fork (file_private_preload()):
 * filling a 512M block per case took 1.6 s at 64K pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "file_private.h"
#include "model/compiler.h"

#define TMPFS_MAGIC	0x01021994

/* The file filled before the cases forked, one per kind. */
static struct filled_file {
	const struct backing_ops *ops;
	int fd;
	uint64_t size;
} filled[2];

static int check_fs(struct backing *b, const char *dir, bool want_tmpfs)
{
	struct statfs st;

	if (statfs(dir, &st))
		return backing_unavailable(b, "%s: %m", dir);
	if ((st.f_type == TMPFS_MAGIC) != want_tmpfs)
		return backing_unavailable(b, "%s is %sa tmpfs (f_type 0x%lx)",
					   dir, want_tmpfs ? "not " : "",
					   (unsigned long)st.f_type);
	return 0;
}

static int new_filled_file(struct backing *b, uint64_t size, const char *dir)
{
	int ret = backing_tmpfile(b, dir);

	return ret ? ret : backing_fill_file(b, size, FILE_PATTERN);
}

void file_private_preload(const struct backing_ops *ops, const char *dir,
			  bool want_tmpfs)
{
	uint64_t size = backing_region_size(ops);
	struct backing b = { .ops = ops, .fd = -1 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(filled) && filled[i].ops; i++)
		;
	if (i == ARRAY_SIZE(filled) || check_fs(&b, dir, want_tmpfs))
		return;
	if (new_filled_file(&b, size, dir)) {
		if (b.fd >= 0)
			close(b.fd);
		return;
	}
	filled[i] = (struct filled_file){ ops, b.fd, size };
}

/* The preloaded file of b's kind and size, as b's own descriptor. */
static bool take_filled(struct backing *b, uint64_t size)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(filled); i++) {
		if (filled[i].ops != b->ops || filled[i].size != size)
			continue;
		b->fd = fcntl(filled[i].fd, F_DUPFD_CLOEXEC, 0);
		if (b->fd < 0)
			return false;
		b->file_fill = FILE_PATTERN;
		return true;
	}
	return false;
}

int file_private_create(struct backing *b, uint64_t size, const char *dir,
			bool want_tmpfs)
{
	int ret = check_fs(b, dir, want_tmpfs);

	if (ret)
		return ret;
	if (!take_filled(b, size)) {
		ret = new_filled_file(b, size, dir);
		if (ret)
			return ret;
	}
	return backing_mmap(b, size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			    b->fd, 0);
}
