"""text.py - the per-column summary, the exit status and the text matrix."""

from .records import *  # noqa: F401,F403 (one program, split by concern)


# --- summary -------------------------------------------------------------

def summary(col, out):
    n = col.counts()
    info = []
    rel = col.get("release")
    if rel and rel != col.label and rel != col.get("alias"):
        info.append(rel)
    # The mode the kernel ran in, whether asked for or not (row M1).
    if col.get("kvm_mode"):
        info.append("KVM %s" % col.get("kvm_mode"))
    for key, word in (("boot_seconds", "boot"), ("test_seconds", "tests"),
                      ("wall_seconds", "wall")):
        if col.get(key):
            info.append("%s %s" % (word, seconds(col.get(key))))
    out.append("kernel %s: %d passed, %d failed, %d xfail, %d skipped, "
               "%d error, %d miss%s" % (
                   col.label, n["PASS"], n["FAIL"], n["XFAIL"], n["SKIP"],
                   n["ERROR"], n["MISS"],
                   " (%s)" % ", ".join(info) if info else ""))
    boot = col.get("boot_status")
    if boot and boot != "ok":
        out.append("  boot: " + boot)
    for status in ("FAIL", "ERROR", "MISS", "XFAIL"):
        for r in col.cases.values():
            if r.status == status:
                out.append("  %s %s" % (status, verdict_text(r)))
    for title, statuses in (("SKIP causes", ("SKIP",)),
                            ("ERROR causes", BROKEN)):
        cs = causes(col, statuses)
        if cs:
            out.append("  %s:" % title)
            w = len(str(cs[0][1]))
            out.extend("    %*d  %s" % (w, k, c) for c, k in cs)
    if col.splats:
        out.extend("    " + l for l in col.splats.rstrip("\n").split("\n"))


def exit_status(cols, comparison=None):
    """The exit status of a run: 1 a FAIL (against a baseline: a
    regression), else 3 the suite could not test something, else 0."""
    n = dict.fromkeys(STATUSES, 0)
    for c in cols:
        for s, k in c.counts().items():
            n[s] = n.get(s, 0) + k
        if c.get("boot_status") and c.get("boot_status") != "ok":
            n["ERROR"] += 1
    if comparison is not None:
        failed = comparison.regressions()
    else:
        failed = n["FAIL"]
    if failed:
        return 1
    return 3 if n["ERROR"] or n["MISS"] else 0


# --- matrix (text) -------------------------------------------------------

MARK = {"FAIL": "*FAIL*", "ERROR": "*ERROR*", "MISS": "*MISS*"}


def rows_of(cols):
    """Every (binary, case) in first-seen order, cases before metrics."""
    rows = {}
    for c in cols:
        for k in c.cases:
            rows.setdefault(k, None)
    return list(rows)


def metric_rows(cols):
    rows = {}
    for c in cols:
        for m in c.metrics:
            rows.setdefault((m.binary, m.case), None)
    return list(rows)


def metric_cell(col, key):
    for m in col.metrics:
        if (m.binary, m.case) == key:
            return m.observed + (" " + m.expected if m.expected else "")
    return None


def observed_differs(cols, key):
    seen = {c.cases[key].observed for c in cols
            if key in c.cases and c.cases[key].observed != ""}
    return len(seen) > 1


def cut(s, width):
    return s if len(s) <= width else s[:width - 2] + ".."


def matrix(cols, out, cell_max=30):
    names, cells = [], []
    for key in rows_of(cols):
        differs = observed_differs(cols, key)
        names.append(display(key[0], key[1], ": "))
        row = []
        for c in cols:
            r = c.cases.get(key)
            if r is None:
                row.append("-")
                continue
            t = MARK.get(r.status, r.status)
            if r.observed and (r.status == "FAIL" or differs):
                t += " " + r.observed
            row.append(cut(t, cell_max))
        cells.append(row)
    for key in metric_rows(cols):
        names.append(display(key[0], "metric " + key[1], ": "))
        cells.append([cut(metric_cell(c, key) or "-", cell_max)
                      for c in cols])
    head = ["case"] + [c.label for c in cols]
    table = [head] + [[n] + r for n, r in zip(names, cells)]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for r in table:
        # Pad all but the last column: no trailing blanks.
        out.append("  ".join(r[i].ljust(widths[i]) for i in range(len(r) - 1))
                   + "  " + r[-1])
    out.append("(*FAIL* fails, *ERROR*/*MISS* not tested; observed values "
               "shown where kernels differ; - not run)")
