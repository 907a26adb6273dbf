// SPDX-License-Identifier: GPL-2.0
/*
 * memblock.c - parse memblock's debugfs dump (row 14: 6.x KVM maps a pfn
 * as a device unless memblock has it as map-memory).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "memblock.h"

/*
 * pfn_is_map_memory() is memblock_is_map_memory(): inside a memblock
 * "memory" range and not NOMAP. The debugfs dump has one range per line,
 * "   0: 0x40000000..0xbfffffff" (end inclusive), from 6.10 followed by
 * the node and the flags ("NONE", "NOMAP" ...).
 */
int memblock_text_is_map_memory(const char *dump, uint64_t phys)
{
	const char *line = dump;
	bool any = false;

	while (line && *line) {
		uint64_t start, end;
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char buf[160];

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = 0;
		line = eol ? eol + 1 : NULL;
		if (sscanf(buf, "%*d: %" SCNx64 "..%" SCNx64, &start,
			   &end) != 2)
			continue;
		any = true;
		if (phys >= start && phys <= end)
			return !strstr(buf, "NOMAP");
	}
	return any ? 0 : -EINVAL;
}
