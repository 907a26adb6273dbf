"""markdown.py - matrix.md, the case x column matrix in Markdown."""

import re

from .records import *  # noqa: F401,F403
from .text import *  # noqa: F401,F403


# --- Markdown ------------------------------------------------------------

def md_clean(s):
    return s.replace("|", "\\|")


def utc(s):
    m = re.fullmatch(r"([0-9]+-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2}):"
                     r"[0-9]{2}Z", s or "")
    return "%s %s UTC" % m.groups() if m else (s or "")


def md_cell(col, key, cell_max):
    r = col.cases.get(key)
    if r is None:
        return "-"
    if r.status == "SKIP":
        return "SKIP"
    if r.status in ("FAIL", "ERROR", "MISS"):
        # No observed value (a crash, a splat): the start of the reason.
        o = r.observed
        if o == "":
            o = r.reason if len(r.reason) <= 20 else r.reason[:18] + ".."
        return ("**%s** %s" % (r.status, cut(md_clean(o), cell_max))).rstrip()
    o = cut(md_clean(r.observed), cell_max) if r.observed else ""
    if r.status == "XFAIL":
        return ("XFAIL " + o).rstrip()
    return o or r.status


def md_table(head, labels, rows):
    """rows: (name, [cell per column]); padded so the raw text lines up."""
    w0 = max([len(head)] + [len(n) for n, _ in rows])
    ws = [max([len(l), 3] + [len(r[1][k]) for r in rows])
          for k, l in enumerate(labels)]
    out = ["| " + head.ljust(w0) + "".join(" | " + l.ljust(w) for l, w in
                                             zip(labels, ws)) + " |",
           "|" + "-" * (w0 + 2) + "".join("|" + "-" * (w + 2) for w in ws)
           + "|"]
    for name, cells in rows:
        out.append("| " + name.ljust(w0) + "".join(
            " | " + c.ljust(w) for c, w in zip(cells, ws)) + " |")
    return out


def wrap(s, width=76):
    """s broken at blanks, continuation lines indented (a list item)."""
    words = s.split(" ")
    lines, line = [], words[0]
    for w in words[1:]:
        if len(line) + 1 + len(w) > width:
            lines.append(line)
            line = "  " + w
        else:
            line += " " + w
    return lines + [line]


def case_name(key):
    b, c = key
    if c == b:
        return "(whole binary)"
    return c[len(b) + 1:] if c.startswith(b + "/") else c


LEGEND = (
    "Cells hold the observed outcome. **FAIL** marks a failed case",
    "(expected value and reason below its table), **ERROR** a case the",
    "suite could not test, **MISS** one that never reported, XFAIL a",
    # several columns
    "known kernel defect, SKIP a skipped case, - a case that did not",
    "run, and \" the same as the cell to its left.",
    # one column
    "known kernel defect, SKIP a skipped case, and - a case that",
    "did not run.",
)


def markdown(cols, cell_max=32):
    out = []
    labels = [c.label for c in cols]
    keys = rows_of(cols)
    total = dict.fromkeys(STATUSES, 0)
    for c in cols:
        for s, k in c.counts().items():
            total[s] += k
    out.append("# s2conform: %d kernel%s, %d cases" % (
        len(cols), "" if len(cols) == 1 else "s", len(keys)))
    out.append("")
    date = next((utc(c.get("started")) for c in cols if c.get("started")), "")
    if date:
        out.append("Run %s." % date)
    out.append("%d passed, %d failed, %d xfail, %d skipped, %d error, "
               "%d miss in all." % tuple(total[s] for s in STATUSES))
    out.append("")
    out.append("| kernel | release | KVM mode | pass | fail | xfail | skip "
               "| error | miss | boot | tests | wall |")
    out.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")

    def bold(n):
        return "**%d**" % n if n else "0"

    def secs(v):
        return "-" if v is None else "%s s" % v

    for c in cols:
        n = c.counts()
        boot = secs(c.get("boot_seconds"))
        if c.get("boot_status") and c.get("boot_status") != "ok":
            boot = "**" + md_clean(c.get("boot_status")) + "**"
        out.append("| %s | %s | %s | %d | %s | %d | %d | %s | %s | %s | %s "
                   "| %s |"
                   % (c.label, c.get("release") or "-",
                      c.get("kvm_mode") or "-", n["PASS"],
                      bold(n["FAIL"]), n["XFAIL"], n["SKIP"],
                      bold(n["ERROR"]), bold(n["MISS"]), boot,
                      secs(c.get("test_seconds")),
                      secs(c.get("wall_seconds"))))
    out.append("")
    out.extend(LEGEND[0:3] + (LEGEND[3:5] if len(cols) > 1 else
                              LEGEND[5:7]))

    def cells(key, ditto):
        raw = [md_cell(c, key, cell_max) for c in cols]
        if not ditto:
            return raw
        return [raw[k] if k == 0 or raw[k] != raw[k - 1] or raw[k] == "-"
                else '"' for k in range(len(raw))]

    bins = []
    for b, _ in keys:
        if b not in bins:
            bins.append(b)
    for c in cols:
        for m in c.metrics:
            if m.binary not in bins:
                bins.append(m.binary)
    if len(cols) > 1:
        diff = [(key[0] + ": " + case_name(key), cells(key, False))
                for b in bins for key in keys if key[0] == b]
        diff = [(n, cs) for n, cs in diff if len(set(cs)) > 1]
        out.append("")
        if not diff:
            out.append("## Where the kernels differ: nowhere")
        else:
            out.append("## Where the kernels differ (%d case%s)" % (
                len(diff), "" if len(diff) == 1 else "s"))
            out.append("")
            out.extend(md_table("case", labels, diff))
    for b in bins:
        bkeys = [k for k in keys if k[0] == b]
        if not bkeys:
            continue
        out.append("")
        out.append("## %s (%d case%s)" % (b, len(bkeys),
                                          "" if len(bkeys) == 1 else "s"))
        out.append("")
        out.extend(md_table("case", labels,
                            [(case_name(k), cells(k, True)) for k in bkeys]))
        notes = []
        for k in bkeys:
            for c in cols:
                r = c.cases.get(k)
                if r is None or r.status not in ("FAIL", "ERROR", "MISS"):
                    continue
                s = "- %s %s:" % (c.label, case_name(k))
                if r.status != "FAIL":
                    s += " %s" % r.status
                if r.observed or r.expected:
                    s += " observed `%s`, expected `%s`" % (r.observed,
                                                             r.expected)
                    if r.reason:
                        s += " (%s)" % r.reason
                elif r.reason:
                    s += " " + r.reason
                notes.extend(wrap(s))
        if notes:
            out.append("")
            out.extend(notes)
    mrows = metric_rows(cols)
    if mrows:
        out.append("")
        out.append("## Metrics")
        out.append("")
        out.extend(md_table("metric", labels, [
            ("%s: %s" % k, [md_clean(metric_cell(c, k) or "-")
                            for c in cols]) for k in mrows]))
    return "\n".join(out) + "\n"
