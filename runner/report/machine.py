"""machine.py - results.json and JUnit XML, for machines."""

import json
import re
import xml.etree.ElementTree as ET

from .records import *  # noqa: F401,F403
from .text import *  # noqa: F401,F403


# --- results.json --------------------------------------------------------

def jline(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def column_json(c):
    n = c.counts()
    pkgs = {k[4:]: v for k, v in c.info.items() if k.startswith("pkg.")}
    return {
        "column": c.label, "alias": c.get("alias") or c.label,
        "cpu": c.get("cpu"), "release": c.get("release"),
        "mode": c.get("mode") or None, "kvm_mode": c.get("kvm_mode") or None,
        "kvm_mode_said": c.get("kvm_mode_said") or None,
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
        for key in ("release", "cpu", "mode", "kvm_mode", "kvm_mode_said",
                    "boot_status", "boot_seconds", "facts"):
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
