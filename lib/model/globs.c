// SPDX-License-Identifier: GPL-2.0
/*
 * globs.c - the case filter's glob lists (include/model/globs.h).
 */
#include <fnmatch.h>
#include <string.h>

#include "globs.h"

bool glob_list_match(const char *list, const char *name)
{
	char glob[256];
	size_t len;

	if (!*list)
		return true;
	for (;;) {
		len = strcspn(list, ",");
		if (len < sizeof(glob)) {
			memcpy(glob, list, len);
			glob[len] = '\0';
			if (!fnmatch(glob, name, 0))
				return true;
		}
		if (!list[len])
			return false;
		list += len + 1;
	}
}
