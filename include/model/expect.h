/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect.h - the bottom of the expectations: what the kernel under test
 * must do, and why. Each expect_*.h above it covers one concern and
 * returns an outcome plus the reason, citing the row of
 * docs/behaviours.md.
 */
#ifndef S2_MODEL_EXPECT_H
#define S2_MODEL_EXPECT_H

#include <stdbool.h>

#include "facts.h"
#include "outcome.h"
#include "vma.h"

struct expect {
	struct outcome out;
	bool defect;		/* out is a known kernel bug, named in reason */
	bool unknown;		/* needs a fact the suite lacks: reason names it */
	char reason[200];
};

/* Build an expect with a formatted reason. */
struct expect make_expect(struct outcome out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A wrong outcome this kernel is known to give: the case is XFAIL when it
 * observes out, and FAILs otherwise (fixed or broken anew). The one way to
 * name a known defect of an *outcome*; a known kernel *splat* (WARN, BUG)
 * is named in configs/known-defects.conf instead (docs/writing-tests.md).
 */
struct expect make_defect(struct outcome out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* What KVM writes into the stage-2 leaf (spec: "S2 type"). */
enum s2_attr { S2_ATTR_NORMAL, S2_ATTR_NORMAL_NC, S2_ATTR_DEVICE };

struct expect_attr {
	enum s2_attr attr;
	bool known;		/* false: the kernel's rule needs a fact we lack */
	char reason[200];
};

const char *s2_attr_name(enum s2_attr attr);
struct expect_attr make_attr(enum s2_attr attr, bool known,
			     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
