/* SPDX-License-Identifier: GPL-2.0 */
/*
 * globs.h - the case filter's contract: a comma-separated list of shell
 * globs, matched against a case name with fnmatch(3) rules ('*' crosses
 * '/'). runner/run_direct.sh's in_globs() is the shell side; both are held
 * to hosttests/data/globs.tsv.
 */
#ifndef S2_MODEL_GLOBS_H
#define S2_MODEL_GLOBS_H

#include <stdbool.h>

/* name matches one of list's globs; an empty list matches everything. */
bool glob_list_match(const char *list, const char *name);

#endif
