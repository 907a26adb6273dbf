// SPDX-License-Identifier: GPL-2.0
/*
 * host_mem.c - pagemap and memblock lookups for host pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "model/memblock.h"
#include "host_mem.h"

int pagemap_entry(void *hva, uint64_t *entry)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	off_t off = (uintptr_t)hva / 4096 * sizeof(*entry);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (pread(fd, entry, sizeof(*entry), off) != sizeof(*entry))
		ret = -EIO;
	close(fd);
	return ret;
}

uint64_t hva_to_phys(void *hva)
{
	uint64_t e;

	(void)*(volatile uint64_t *)hva;
	if (pagemap_entry(hva, &e) || !PM_PRESENT(e))
		return 0;
	return PM_PFN(e) * 4096 + ((uintptr_t)hva & 4095);
}

int phys_is_map_memory(uint64_t phys)
{
	static char dump[16384];
	int fd = open("/sys/kernel/debug/memblock/memory", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, dump, sizeof(dump) - 1);
	close(fd);
	dump[n > 0 ? n : 0] = 0;
	return memblock_text_is_map_memory(dump, phys);
}
