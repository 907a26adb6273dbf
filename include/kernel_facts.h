/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel_facts.h - the kernel facts of this machine, gathered once:
 * /dev/kvm and its caps, the boot log's CPU features, TCG, CTR_EL0.DIC,
 * profiles. Their parsing is the model's (model/facts.h).
 */
#ifndef S2_KERNEL_FACTS_H
#define S2_KERNEL_FACTS_H

#include "model/facts.h"

const struct kernel_facts *kernel_facts(void);
/*
 * The kernel config option case SUITE:NAME needs and the kernel lacks, as
 * the runner found before boot (configs/check_config.sh --topics), or NULL.
 */
const char *facts_config_missing(const char *suite, const char *name);

#endif
