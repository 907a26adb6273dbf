"""baseline.py - a run compared with a stored one (--baseline, --diff)."""

from .records import *  # noqa: F401,F403
from .text import *  # noqa: F401,F403


# --- baselines -----------------------------------------------------------

NEW_FAIL = "new FAIL"
NEW_ERROR = "new ERROR"
FIXED = "fixed"
CHANGED = "changed verdict"
OBSERVED = "changed observation"
NEW = "new case"
REMOVED = "removed case"
ORDER = (NEW_FAIL, NEW_ERROR, FIXED, CHANGED, OBSERVED, NEW, REMOVED)
BAD = ("FAIL",) + BROKEN


def change_of(b, c):
    """What one case did between baseline record b and current c."""
    if b is None:
        if c.status == "FAIL":
            return NEW_FAIL
        return NEW_ERROR if c.status in BROKEN else NEW
    if c is None:
        return REMOVED
    if c.status == "FAIL" and b.status != "FAIL":
        return NEW_FAIL
    if c.status in BROKEN and b.status not in BROKEN:
        return NEW_ERROR
    if b.status in BAD and c.status not in BAD:
        return FIXED
    if b.status != c.status:
        return CHANGED
    if b.observed != c.observed:
        return OBSERVED
    return None


class Comparison:
    """This run's columns against a baseline's, matched by label; one
    column on each side is matched whatever the labels."""

    def __init__(self, base, cur, source, base_name="the baseline",
                 cur_name="this run", prefix="baseline "):
        self.source = source
        self.prefix = prefix
        self.base_name = base_name
        self.cur_name = cur_name
        self.pairs = []         # (base column or None, column, how)
        by_name = {c.name: c for c in base}
        if len(base) == 1 and len(cur) == 1 and base[0].name != cur[0].name:
            self.pairs.append((base[0], cur[0], "single"))
        else:
            for c in cur:
                b = by_name.get(c.name)
                self.pairs.append((b, c, "label" if b else "none"))
        used = {id(b) for b, _, _ in self.pairs if b is not None}
        self.unmatched = [b for b in base if id(b) not in used]
        self.changes = []       # (base col, col, kind, b rec, c rec)
        self.boot = []          # (col, baseline boot, boot) newly broken
        for b, c, _ in self.pairs:
            bc = b.cases if b else {}
            for key, r in c.cases.items():
                kind = change_of(bc.get(key), r)
                if kind:
                    self.changes.append((b, c, kind, bc.get(key), r))
            for key, r in bc.items():
                if key not in c.cases:
                    self.changes.append((b, c, REMOVED, r, None))
            cb, bb = c.get("boot_status"), b.get("boot_status") if b else None
            if cb and cb != "ok" and (bb is None or bb == "ok"):
                self.boot.append((c, bb, cb))
        rank = {k: i for i, k in enumerate(ORDER)}
        self.changes.sort(key=lambda ch: rank[ch[2]])

    def count(self, kind):
        return sum(1 for ch in self.changes if ch[2] == kind)

    def regressions(self):
        return self.count(NEW_FAIL) + self.count(NEW_ERROR) + len(self.boot)

    def report(self, out):
        bn, cn = self.base_name, self.cur_name
        out.append("%s compared with %s (%s)" % (cn[0].upper() + cn[1:], bn,
                                                 self.source))
        for b, c, how in self.pairs:
            if how == "single":
                out.append("  %s%s -> %s: matched as the only column on "
                           "each side (labels differ)" % (self.prefix,
                                                          b.label, c.label))
            elif how == "none":
                out.append("  %s: no column of that label in %s; every "
                           "case counts as new" % (c.label, bn))
        for b in self.unmatched:
            out.append("  %s%s: not in %s, not compared" % (self.prefix,
                                                            b.label, cn))
        for c, bb, cb in self.boot:
            out.append("  boot %s: %s (in %s: %s)" % (c.label, cb, bn,
                                                     bb or "unknown"))
        for b, c, kind, br, cr in self.changes:
            r = cr or br
            col = c.label if b is None or b.label == c.label else \
                "%s->%s" % (b.label, c.label)
            was = "%s %s" % (br.status, br.observed) if br else "-"
            now = "%s %s" % (cr.status, cr.observed) if cr else "-"
            line = "  %s %s %s: %s -> %s" % (
                kind, col, display(r.binary, r.case, " "), was.rstrip(),
                now.rstrip())
            if cr and cr.status in BAD:
                why = failure_message(cr) if cr.status == "FAIL" else \
                    cr.reason
                line += " (%s)" % why
            out.append(line)
        cases = sum(len(c.cases) for _, c, _ in self.pairs)
        out.append("%d of %d cases changed: %s" % (
            len(self.changes), cases,
            ", ".join("%d %s" % (self.count(k), k) for k in ORDER)))
        if self.regressions():
            out.append("REGRESSED against %s: %d new FAIL, %d new ERROR%s" % (
                bn, self.count(NEW_FAIL), self.count(NEW_ERROR),
                ", %d boot" % len(self.boot) if self.boot else ""))
        else:
            out.append("nothing regressed against %s" % bn)

    def to_json(self):
        return {
            "source": self.source,
            "pairs": [{"baseline": b.label if b else None,
                       "column": c.label, "matched_by": how}
                      for b, c, how in self.pairs],
            "not_compared": [b.label for b in self.unmatched],
            "regressions": self.regressions(),
            "changes": [{"change": kind, "column": c.label,
                         "baseline_column": b.label if b else None,
                         "binary": (cr or br).binary,
                         "case": (cr or br).case,
                         "baseline_status": br.status if br else None,
                         "status": cr.status if cr else None,
                         "baseline_observed": br.observed if br else None,
                         "observed": cr.observed if cr else None}
                        for b, c, kind, br, cr in self.changes],
        }
