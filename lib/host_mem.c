// SPDX-License-Identifier: GPL-2.0
/*
 * host_mem.c - pagemap and memblock lookups for host pages, and the
 * memory knobs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/memblock.h"
#include "host_mem.h"

int pagemap_entry(void *hva, uint64_t *entry)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	off_t off = (uintptr_t)hva / sysconf(_SC_PAGESIZE) * sizeof(*entry);
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
	uint64_t e, page = sysconf(_SC_PAGESIZE);

	(void)*(volatile uint64_t *)hva;
	if (pagemap_entry(hva, &e) || !PM_PRESENT(e))
		return 0;
	return PM_PFN(e) * page + ((uintptr_t)hva & (page - 1));
}

/*
 * The whole dump: a range past a cut would read as "not map-memory" and
 * give a confident Device verdict. debugfs seq files return a page or so
 * per read(), so read to EOF.
 */
#define MEMBLOCK_READ_MIN	(4 << 10)	/* room left before a read() */

int phys_is_map_memory(uint64_t phys)
{
	int fd = open("/sys/kernel/debug/memblock/memory", O_RDONLY | O_CLOEXEC);
	size_t len = 0, cap = 0;
	char *dump = NULL, *p;
	ssize_t n;
	int ret;

	if (fd < 0)
		return -errno;
	do {
		if (cap - len < MEMBLOCK_READ_MIN) {
			cap = cap ? cap * 2 : 16384;
			p = realloc(dump, cap);
			if (!p) {
				free(dump);
				close(fd);
				return -ENOMEM;
			}
			dump = p;
		}
		n = read(fd, dump + len, cap - len - 1);
		if (n > 0)
			len += n;
	} while (n > 0);
	ret = n < 0 ? -errno : 0;
	close(fd);
	dump[len] = 0;
	if (!ret)
		ret = memblock_text_is_map_memory(dump, phys);
	free(dump);
	return ret;
}

long knob_read(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int knob_write(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fprintf(f, "%ld\n", v) < 0;
	return fclose(f) || ret ? -EIO : 0;
}
