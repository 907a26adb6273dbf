/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fxmod.h - the PFNMAP backings served by the fixture module
 * (fixture/s2fixture.ko, /dev/s2fixture): TTM-style blocks and a RAM
 * carve-out hidden from the kernel, mapped cacheable, write-combine or Device.
 */
#ifndef S2_FXMOD_H
#define S2_FXMOD_H

#include <stdint.h>

#include "backing.h"
#include "../../fixture/s2fixture.h"

/* Open the device and map size bytes of kind at a PMD-aligned hva. */
int fxmod_create(struct backing *b, uint64_t size, enum s2fx_kind kind);
/* Map another size bytes of kind from b's file at a new hva (no padding). */
void *fxmod_map(struct backing *b, uint64_t size, enum s2fx_kind kind,
		void *fixed);

int fxmod_info(int fd, struct s2fx_info *info);
/* Describe count TTM pages from byte offset; *gen gets the generation. */
int fxmod_ttm_query(int fd, uint64_t offset, struct s2fx_page *pages,
		    uint32_t count, uint32_t *gen);
/* Zap, poison and free (or quarantine) the file's TTM blocks. */
int fxmod_ttm_evict(int fd, uint32_t flags, struct s2fx_evict *ev);

#endif
