// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "globs.h"
#include "unit.h"

/* hosttests/data/globs.tsv: the filter contract run_direct.sh holds too. */
UNIT(glob_lists_follow_the_shared_table)
{
	char line[512], *list, *name, *want;
	FILE *f = fopen("hosttests/data/globs.tsv", "r");
	int rows = 0;

	CHECK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = 0;
		list = strtok(line, "\t");
		name = strtok(NULL, "\t");
		want = strtok(NULL, "\t");
		if (!list || !name || !want)
			continue;
		CHECK(glob_list_match(list, name) == (*want == '1'));
		rows++;
	}
	fclose(f);
	CHECK(rows >= 10);
	CHECK(glob_list_match("", "anything"));
}
