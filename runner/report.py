#!/usr/bin/env python3
"""report.py - s2conform's reports from its result records.

Usage: report.py [--summary] [--matrix] [--json FILE] [--markdown FILE]
                 [--junit FILE] [--baseline RUN] RUN...
       report.py --diff [--matrix] RUN_A RUN_B

A RUN is one column's directory as run_tests.sh leaves it (records.tsv,
kernel.info, binaries.tsv, splats.txt), a run's directory holding such
column directories, or a results.json.  The inputs and every output are
described in docs/results.md; the line filters that make records.tsv stay
awk (runner/tap_parse.awk, runner/splat.awk).

With neither --summary nor --matrix both are printed, the matrix only for
more than one column.  --baseline compares this run with a stored one and
reports only what changed; --diff does the same for two stored runs.

Exit (the one rule, exit_status(); run_tests.sh passes it on):
      1 a case FAILed (with --baseline: something regressed), else
      3 the suite could not test something (an ERROR or MISS, a failed
        boot), else 0; 2 bad usage or unreadable input.  --diff compares
      two stored runs: 1 when B regressed against A, else 0.
Python 3 standard library only.
"""

import argparse
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

STATUSES = ("PASS", "FAIL", "XFAIL", "SKIP", "ERROR", "MISS")
# Which of two records of one case a cell shows: KCIDB's priority order,
# with a known defect just below the failures.
RANK = {"FAIL": 6, "ERROR": 5, "MISS": 4, "XFAIL": 3, "PASS": 2, "SKIP": 1}
# KCIDB has no expected failure: a known defect is still the kernel
# reported faulty (docs/results.md says why).
KCIDB = {"PASS": "PASS", "FAIL": "FAIL", "XFAIL": "FAIL", "SKIP": "SKIP",
         "ERROR": "ERROR", "MISS": "MISS", "METRIC": "DONE"}
BROKEN = ("ERROR", "MISS")


class UsageError(Exception):
    pass


class Record:
    __slots__ = ("binary", "case", "status", "observed", "expected",
                 "reason", "duration_ms")

    def __init__(self, binary, case, status, observed="", expected="",
                 reason="", duration_ms=None):
        self.binary = binary
        self.case = case
        self.status = status
        self.observed = observed
        self.expected = expected
        self.reason = reason
        self.duration_ms = duration_ms

    @property
    def key(self):
        return (self.binary, self.case)


class Column:
    """One kernel (or kernel/cpu) column of a run."""

    def __init__(self, label, info=None, run=""):
        self.label = label      # as shown; may get its run's name
        self.name = label       # as recorded; what baselines match on
        self.info = info or {}
        self.run = run
        self.cases = {}         # (binary, case) -> Record, in record order
        self.metrics = []       # Record with status METRIC
        self.binaries = []      # dicts: binary status seconds planned ...
        self.splats = ""

    def add(self, rec):
        if rec.status == "METRIC":
            self.metrics.append(rec)
            return
        old = self.cases.get(rec.key)
        if old is None or RANK.get(rec.status, 0) > RANK.get(old.status, 0):
            self.cases[rec.key] = rec

    def counts(self):
        n = dict.fromkeys(STATUSES, 0)
        for r in self.cases.values():
            n[r.status] = n.get(r.status, 0) + 1
        return n

    def get(self, key):
        v = self.info.get(key, "")
        return v if v != "" else None


# --- reading -------------------------------------------------------------

def read_text(path):
    # Console-derived text may hold any bytes: keep valid UTF-8, mark the
    # rest, so that every output is valid UTF-8.
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        return f.read()


def read_lines(path):
    return [l.rstrip("\r") for l in read_text(path).split("\n") if l != ""]


def read_info(path):
    info = {}
    if os.path.isfile(path):
        for line in read_lines(path):
            k, sep, v = line.partition("=")
            if sep and k not in info:
                info[k] = v
    return info


def parse_duration(s):
    return int(s) if re.fullmatch(r"[0-9]+", s or "") else None


def parse_record(line):
    """A records.tsv line: 8 columns, or 7 from before durations."""
    f = line.split("\t")
    if len(f) < 4:
        return None
    f += [""] * (8 - len(f))
    status = f[3]
    if status not in STATUSES and status != "METRIC":
        return None
    return f[0], Record(f[1], f[2], status, f[4], f[5], f[6],
                        parse_duration(f[7]))


def load_column_dir(d, run=""):
    info = read_info(os.path.join(d, "kernel.info"))
    recs = []
    for line in read_lines(os.path.join(d, "records.tsv")):
        p = parse_record(line)
        if p:
            recs.append(p)
    label = (info.get("column") or info.get("alias") or
             (recs[0][0] if recs else "") or
             os.path.basename(os.path.normpath(d)))
    col = Column(label, info, run)
    for _, r in recs:
        col.add(r)
    bpath = os.path.join(d, "binaries.tsv")
    if os.path.isfile(bpath):
        for line in read_lines(bpath):
            f = line.split("\t")
            if len(f) < 3:
                continue
            f += [""] * (6 - len(f))
            col.binaries.append({
                "binary": f[1], "status": f[2],
                "seconds": number(f[3]), "planned": number(f[4]),
                "reported": number(f[5])})
    else:
        col.binaries = binaries_from_cases(col)
    spath = os.path.join(d, "splats.txt")
    if os.path.isfile(spath):
        col.splats = read_text(spath)
    return col


def binaries_from_cases(col):
    """Without binaries.tsv: each binary's worst status, nothing else."""
    out = {}
    for r in col.cases.values():
        b = out.setdefault(r.binary, {"binary": r.binary, "status": r.status,
                                      "seconds": None, "planned": None,
                                      "reported": None})
        if RANK.get(r.status, 0) > RANK.get(b["status"], 0):
            b["status"] = r.status
    return list(out.values())


def load_json(path, run=""):
    try:
        d = json.loads(read_text(path))
    except (OSError, ValueError) as e:
        raise UsageError("%s: not a results.json (%s)" % (path, e))
    if not isinstance(d, dict) or d.get("suite") != "s2conform":
        raise UsageError("%s: not an s2conform results.json" % path)
    cols = {}
    order = []

    def column(label, info=None):
        if label not in cols:
            cols[label] = Column(label, info or {}, run)
            order.append(label)
        return cols[label]

    if d.get("format") == 1:
        for k in d.get("kernels", []):
            info = {key: "" if k.get(key) is None else str(k.get(key))
                    for key in ("alias", "release", "started",
                                "boot_seconds", "wall_seconds")}
            column(k.get("alias", ""), info)
        for r in d.get("results", []):
            column(r.get("kernel", "")).add(Record(
                r.get("binary", ""), r.get("case", ""), r.get("verdict", ""),
                r.get("observed", ""), r.get("expected", ""),
                r.get("reason", "")))
        for m in d.get("metrics", []):
            column(m.get("kernel", "")).add(Record(
                m.get("binary", ""), m.get("name", ""), "METRIC",
                str(m.get("value", "")), m.get("unit", "")))
        return [cols[l] for l in order]
    if d.get("format") != 2:
        raise UsageError("%s: unknown results.json format %r"
                         % (path, d.get("format")))
    for c in d.get("columns", []):
        info = {}
        for key, v in c.items():
            if key == "packages":
                for name, ver in (v or {}).items():
                    info["pkg." + name] = ver
            elif v is not None and not isinstance(v, (dict, list)):
                info[key] = str(v)
        col = column(c.get("column", ""), info)
        col.binaries = list(c.get("binaries", []))
    for r in d.get("results", []):
        column(r.get("column", "")).add(Record(
            r.get("binary", ""), r.get("case", ""), r.get("status", ""),
            r.get("observed", ""), r.get("expected", ""), r.get("reason", ""),
            r.get("duration_ms")))
    for m in d.get("metrics", []):
        column(m.get("column", "")).add(Record(
            m.get("binary", ""), m.get("name", ""), "METRIC",
            str(m.get("value", "")), m.get("unit", "")))
    return [cols[l] for l in order]


def started_key(d):
    return (read_info(os.path.join(d, "kernel.info")).get("started", ""), d)


def load_run(path, run=""):
    """The columns a RUN argument stands for, or UsageError."""
    if os.path.isfile(path):
        return load_json(path, run)
    if not os.path.isdir(path):
        raise UsageError("no such results: %s" % path)
    if os.path.isfile(os.path.join(path, "records.tsv")):
        return [load_column_dir(path, run)]
    subs = sorted((os.path.join(path, e) for e in os.listdir(path)
                   if os.path.isfile(os.path.join(path, e, "records.tsv"))),
                  key=started_key)
    if subs:
        return [load_column_dir(s, run) for s in subs]
    if os.path.isfile(os.path.join(path, "results.json")):
        return load_json(os.path.join(path, "results.json"), run)
    raise UsageError("no %s/records.tsv (nor column directories or "
                     "results.json in it)" % path.rstrip("/"))


def distinct_labels(cols):
    """Columns of different runs that share a label get the run's name."""
    seen = {}
    for c in cols:
        seen.setdefault(c.label, set()).add(c.run)
    if any(len(runs) > 1 for runs in seen.values()):
        for c in cols:
            c.label = "%s:%s" % (c.run, c.label)


# --- shared helpers ------------------------------------------------------

def number(s):
    if s is None or s == "" or s == "-":
        return None
    if re.fullmatch(r"-?(0|[1-9][0-9]*)", s):
        return int(s)
    if re.fullmatch(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?", s):
        return float(s)
    return s


def display(binary, case, sep):
    """How a record is named to people: "mem_test<sep>anon_4k/ro_store";
    a binary-level record (case named after the binary) just the binary;
    a splat "mem_test<sep>kernel-splat"."""
    if case == binary:
        return binary
    if case.startswith(binary + "/"):
        case = case[len(binary) + 1:]
    return binary + sep + case


def cause(rec):
    """The leading phrase of a SKIP or ERROR reason (docs/results.md)."""
    s = re.sub(r"^rows? [0-9][0-9/]*: *", "", rec.reason.strip())
    m = re.search(r" \(|;", s)
    if m:
        s = s[:m.start()]
    kind = rec.case.split("/")[0] if "/" in rec.case else ""
    if kind and kind != rec.binary:
        s = re.sub(r"(?<![\w-])%s(?![\w-])" % re.escape(kind), "*", s)
    s = s.strip() or "(no reason given)"
    return s if len(s) <= 72 else s[:70] + ".."


def causes(col, statuses):
    n = {}
    for r in col.cases.values():
        if r.status in statuses:
            c = cause(r)
            n[c] = n.get(c, 0) + 1
    return sorted(n.items(), key=lambda kv: (-kv[1], kv[0]))


def verdict_text(r, sep=" "):
    """observed/expected/reason of a record, for a summary line."""
    what = display(r.binary, r.case, sep)
    if r.observed or r.expected:
        what += ": observed=%s expected=%s" % (r.observed, r.expected)
        if r.reason:
            what += " (%s)" % r.reason
    elif r.reason:
        what += ": " + r.reason
    return what


def seconds(v):
    return "%ss" % v


# --- summary -------------------------------------------------------------

def summary(col, out):
    n = col.counts()
    info = []
    rel = col.get("release")
    if rel and rel != col.label and rel != col.get("alias"):
        info.append(rel)
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
    out.append("| kernel | release | pass | fail | xfail | skip | error "
               "| miss | boot | tests | wall |")
    out.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")

    def bold(n):
        return "**%d**" % n if n else "0"

    def secs(v):
        return "-" if v is None else "%s s" % v

    for c in cols:
        n = c.counts()
        boot = secs(c.get("boot_seconds"))
        if c.get("boot_status") and c.get("boot_status") != "ok":
            boot = "**" + md_clean(c.get("boot_status")) + "**"
        out.append("| %s | %s | %d | %s | %d | %d | %s | %s | %s | %s | %s |"
                   % (c.label, c.get("release") or "-", n["PASS"],
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


# --- results.json --------------------------------------------------------

def jline(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def column_json(c):
    n = c.counts()
    pkgs = {k[4:]: v for k, v in c.info.items() if k.startswith("pkg.")}
    return {
        "column": c.label, "alias": c.get("alias") or c.label,
        "cpu": c.get("cpu"), "release": c.get("release"),
        "started": c.get("started"), "boot_status": c.get("boot_status"),
        "boot_seconds": number(c.get("boot_seconds")),
        "test_seconds": number(c.get("test_seconds")),
        "wall_seconds": number(c.get("wall_seconds")),
        "facts": c.get("facts"), "packages": pkgs,
        "counts": {s: n[s] for s in STATUSES},
        "skip_causes": [{"cause": k, "count": v}
                        for k, v in causes(c, ("SKIP",))],
        "error_causes": [{"cause": k, "count": v}
                         for k, v in causes(c, BROKEN)],
        "binaries": c.binaries,
    }


def result_json(c, r):
    return {"column": c.label, "binary": r.binary, "case": r.case,
            "status": r.status, "kcidb_status": KCIDB[r.status],
            "observed": r.observed, "expected": r.expected,
            "reason": r.reason, "duration_ms": r.duration_ms}


def metric_json(c, m):
    v = number(m.observed)
    return {"column": c.label, "binary": m.binary, "name": m.case,
            "value": v if v is not None else m.observed or None,
            "unit": m.expected, "kcidb_status": "DONE"}


def results_json(cols, comparison=None):
    """One object, one record per line inside its lists (so it greps)."""
    parts = ['{"suite":"s2conform","format":2,']

    def lst(name, items, last=False):
        parts.append('"%s":[' % name)
        parts.append(",\n".join(jline(i) for i in items))
        parts.append("]" + ("" if last else ","))

    lst("columns", [column_json(c) for c in cols])
    lst("results", [result_json(c, r) for c in cols
                    for r in c.cases.values()])
    lst("metrics", [metric_json(c, m) for c in cols for m in c.metrics],
        last=comparison is None)
    if comparison is not None:
        parts.append('"baseline":' + jline(comparison.to_json()))
    return "\n".join(parts) + "}\n"


# --- JUnit XML -----------------------------------------------------------

# XML 1.0 has no way to carry these, even escaped.
XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xs(s):
    return XML_BAD.sub("?", "" if s is None else str(s))


def failure_message(r):
    if r.observed or r.expected:
        m = "observed %s, expected %s" % (r.observed, r.expected)
        return m + (" (%s)" % r.reason if r.reason else "")
    return r.reason or r.status


def junit(cols):
    """JUnit XML as CI servers read it; docs/results.md has the mapping."""
    root = ET.Element("testsuites", name="s2conform")
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for c in cols:
        n = c.counts()
        counts = {"tests": len(c.cases), "failures": n["FAIL"],
                  "errors": n["ERROR"] + n["MISS"],
                  "skipped": n["SKIP"] + n["XFAIL"]}
        suite = ET.SubElement(root, "testsuite", name=xs(c.label),
                              **{k: str(v) for k, v in counts.items()})
        for k in total:
            total[k] += counts[k]
        if c.get("started"):
            suite.set("timestamp", xs(c.get("started")).rstrip("Z"))
        if isinstance(number(c.get("test_seconds")), (int, float)):
            suite.set("time", str(number(c.get("test_seconds"))))
        props = ET.SubElement(suite, "properties")
        for key in ("release", "cpu", "boot_status", "boot_seconds",
                    "facts"):
            if c.get(key):
                ET.SubElement(props, "property", name=key,
                              value=xs(c.get(key)))
        for k, v in c.info.items():
            if k.startswith("pkg."):
                ET.SubElement(props, "property", name=xs(k), value=xs(v))
        for m in c.metrics:
            ET.SubElement(props, "property",
                          name=xs("metric.%s.%s" % (m.binary, m.case)),
                          value=xs(metric_cell(c, (m.binary, m.case))))
        if not len(props):
            suite.remove(props)
        for r in c.cases.values():
            tc = ET.SubElement(suite, "testcase", name=xs(r.case),
                               classname=xs("%s.%s" % (c.label, r.binary)))
            if r.duration_ms is not None:
                tc.set("time", "%.3f" % (r.duration_ms / 1000.0))
            if r.status == "FAIL":
                e = ET.SubElement(tc, "failure", type="FAIL",
                                  message=xs(failure_message(r)))
                e.text = xs(failure_message(r))
            elif r.status in BROKEN:
                ET.SubElement(tc, "error", type=r.status,
                              message=xs(r.reason or r.status))
            elif r.status == "SKIP":
                ET.SubElement(tc, "skipped", message=xs(r.reason))
            elif r.status == "XFAIL":
                ET.SubElement(tc, "skipped", type="XFAIL",
                              message=xs("XFAIL: " +
                                         failure_message(r)))
    for k, v in total.items():
        root.set(k, str(v))
    ET.indent(root)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' +
            ET.tostring(root, encoding="unicode") + "\n")


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


# --- main ----------------------------------------------------------------

USAGE = ("%(prog)s [--summary] [--matrix] [--json FILE] [--markdown FILE]"
         " [--junit FILE] [--baseline RUN] RUN...\n"
         "       %(prog)s --diff [--matrix] RUN_A RUN_B")


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parse_args(argv):
    p = Parser(prog="report.sh", add_help=False, usage=USAGE)
    p.add_argument("--summary", action="store_true")
    p.add_argument("--matrix", action="store_true")
    p.add_argument("--json")
    p.add_argument("--markdown")
    p.add_argument("--junit")
    p.add_argument("--baseline")
    p.add_argument("--diff", action="store_true")
    p.add_argument("-h", "--help", action="store_true")
    p.add_argument("runs", nargs="*")
    a = p.parse_args(argv)
    if a.help:
        print(__doc__.strip())
        sys.exit(0)
    for opt in ("json", "markdown", "junit", "baseline"):
        if getattr(a, opt) == "":
            raise UsageError("--%s wants a file" % opt)
    if not a.runs:
        raise UsageError("no results given")
    if a.diff and (len(a.runs) != 2 or a.baseline or a.json or a.markdown
                   or a.junit or a.summary):
        raise UsageError("--diff takes two runs (and --matrix) only")
    return p, a


def write(path, text):
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise UsageError("cannot write %s: %s" % (path, e.strerror))


def main(argv):
    _, a = parse_args(argv)
    out = []
    if a.diff:
        base = load_run(a.runs[0], "A")
        cur = load_run(a.runs[1], "B")
        distinct_labels(base + cur)
        if a.matrix:
            matrix(base + cur, out)
            out.append("")
        out.append("A = %s; B = %s" % tuple(a.runs))
        cmp_ = Comparison(base, cur, a.runs[0], "A", "B", prefix="")
        cmp_.report(out)
        print("\n".join(out))
        return 1 if cmp_.regressions() else 0

    cols = []
    for i, path in enumerate(a.runs):
        cols += load_run(path, chr(ord("A") + i) if i < 26 else str(i))
    distinct_labels(cols)
    comparison = None
    if a.baseline:
        comparison = Comparison(load_run(a.baseline, "baseline"), cols,
                                a.baseline)
    do_summary, do_matrix = a.summary, a.matrix
    if not do_summary and not do_matrix:
        do_summary = do_matrix = True
    if do_summary:
        for c in cols:
            summary(c, out)
    if do_matrix and len(cols) > 1:
        out.append("")
        matrix(cols, out)
    if comparison is not None:
        # After the per-column summaries run_tests.sh printed before.
        out.append("")
        comparison.report(out)
    if out:
        print("\n".join(out))
    if a.json:
        write(a.json, results_json(cols, comparison))
    if a.markdown:
        write(a.markdown, markdown(cols))
    if a.junit:
        write(a.junit, junit(cols))
    return exit_status(cols, comparison)


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8", errors="replace")
    try:
        sys.exit(main(sys.argv[1:]))
    except UsageError as e:
        if e.args[0]:
            print("report.sh: %s" % e.args[0], file=sys.stderr)
        print("usage: " + USAGE % {"prog": "report.sh"}, file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(1)
