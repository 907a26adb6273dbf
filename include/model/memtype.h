/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memtype.h - Normal or Device, from the outcomes of a handful of probes
 * (the probing is lib/probe.c's memtype_probe()).
 */
#ifndef S2_MODEL_MEMTYPE_H
#define S2_MODEL_MEMTYPE_H

#include <stdbool.h>

#include "outcome.h"

enum memtype {
	MEMTYPE_UNKNOWN,
	MEMTYPE_NORMAL,		/* no alignment faults: Normal-WB or -NC */
	MEMTYPE_DEVICE,
};

struct memtype_result {
	enum memtype type;
	char detail[320];	/* each probe's outcome, for the report */
};

const char *memtype_name(enum memtype type);
enum memtype memtype_classify(const struct outcome *unaligned_load,
			      const struct outcome *unaligned_store,
			      const struct outcome *dc_zva, bool tcg);

#endif
