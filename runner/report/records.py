"""records.py - the result records and columns, read from a run's
directories or a results.json, and the helpers every report shares."""

import json
import os
import re


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


def failure_message(r):
    if r.observed or r.expected:
        m = "observed %s, expected %s" % (r.observed, r.expected)
        return m + (" (%s)" % r.reason if r.reason else "")
    return r.reason or r.status
