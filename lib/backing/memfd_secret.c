// SPDX-License-Identifier: GPL-2.0
/*
 * memfd_secret.c - memfd_secret() mapped MAP_SHARED (row 32): memory the
 * host kernel removed from its linear map and that GUP refuses, which is
 * what a VMM gets when it hides guest memory from the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backing.h"

#ifndef SYS_memfd_secret
#define SYS_memfd_secret 447
#endif

static int memfd_secret_create(struct backing *b, uint64_t size)
{
	b->fd = syscall(SYS_memfd_secret, O_CLOEXEC);
	if (b->fd < 0 && errno == ENOSYS)
		return backing_unavailable(b, "memfd_secret(): ENOSYS: needs "
					   "CONFIG_SECRETMEM, secretmem.enable"
					   "=1 and a page-granular linear map "
					   "(rodata=full)");
	if (b->fd < 0)
		return -errno;
	if (ftruncate(b->fd, size))
		return -errno;
	return backing_mmap(b, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    b->fd, 0);
}

/* Unlisted: the guest cannot touch it (row 32). */
static const struct backing_ops memfd_secret_ops = {
	.name = "memfd_secret",
	.desc = "memfd_secret() MAP_SHARED",
	.vma = VMA_SHARED | VMA_SECRETMEM,
	.map = MAP_PAGES,
	.create = memfd_secret_create,
	.destroy = backing_generic_destroy,
	.unlisted = true,
};
BACKING_REGISTER(memfd_secret_ops);
