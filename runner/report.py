#!/usr/bin/env python3
"""report.py - s2conform's reports from its result records.

Usage: report.py [--summary] [--matrix] [--json FILE] [--markdown FILE]
                 [--junit FILE] [--baseline RUN] [--bench SVG] RUN...
       report.py --diff [--matrix] RUN_A RUN_B

A RUN is one column's directory as run_tests.sh leaves it (records.tsv,
kernel.info, binaries.tsv, splats.txt), a run's directory holding such
column directories, or a results.json.  The inputs and every output are
described in docs/results.md; the line filters that make records.tsv stay
awk (runner/tap_parse.awk, runner/splat.awk).

With neither --summary nor --matrix both are printed, the matrix only for
more than one column.  --baseline compares this run with a stored one and
reports only what changed; --diff does the same for two stored runs.
--bench SVG prints the benchmark's table per column (ns per stage-2 page
by size, the slope and its r2; against the baseline's slope with
--baseline) and draws its curves in SVG, the baseline's panels beside.

Exit (the one rule, report/text.py exit_status(); run_tests.sh passes
      it on):
      1 a case FAILed (with --baseline: something regressed), else
      3 the suite could not test something (an ERROR or MISS, a failed
        boot), else 0; 2 bad usage or unreadable input.  --diff compares
      two stored runs: 1 when B regressed against A, else 0.
Python 3 standard library only; the parts are in runner/report/
(records.py reading, text.py summary and matrix, markdown.py, machine.py
JSON and JUnit, baseline.py comparisons, bench.py the benchmark's table
and picture).
"""

import argparse
import json
import sys

# The modules next to this file are part of it: no __pycache__ left behind.
sys.dont_write_bytecode = True
from report.records import *  # noqa: F401,F403
from report.text import *  # noqa: F401,F403
from report.markdown import *  # noqa: F401,F403
from report.machine import *  # noqa: F401,F403
from report.baseline import *  # noqa: F401,F403
from report.bench import bench_svg, bench_table


# --- main ----------------------------------------------------------------

USAGE = ("%(prog)s [--summary] [--matrix] [--json FILE] [--markdown FILE]"
         " [--junit FILE] [--baseline RUN] [--bench SVG] RUN...\n"
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
    p.add_argument("--bench")
    p.add_argument("--diff", action="store_true")
    p.add_argument("-h", "--help", action="store_true")
    p.add_argument("runs", nargs="*")
    a = p.parse_args(argv)
    if a.help:
        print(__doc__.strip())
        sys.exit(0)
    for opt in ("json", "markdown", "junit", "baseline", "bench"):
        if getattr(a, opt) == "":
            raise UsageError("--%s wants a file" % opt)
    if not a.runs:
        raise UsageError("no results given")
    if a.diff and (len(a.runs) != 2 or a.baseline or a.json or a.markdown
                   or a.junit or a.summary or a.bench):
        raise UsageError("--diff takes two runs (and --matrix) only")
    return p, a


def write(path, text):
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise UsageError("cannot write %s: %s" % (path, e.strerror))


def bench_report(path, cols, comparison, base_cols, out):
    """The table per column (last on the terminal) and the picture."""
    base_of = {}
    if comparison is not None:
        base_of = {id(c): b for b, c, _ in comparison.pairs}
    tables = []
    for c in cols:
        bench_table(c, tables, base_of.get(id(c)))
    svg = bench_svg(cols, base_cols)
    if svg is None:
        out.extend(["", "benchmark: no figures to show"])
        return
    write(path, svg)
    out.append("")
    out.extend(tables)
    out.append("benchmark curves: %s" % path)


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
    base_cols = []
    if a.baseline:
        base_cols = load_run(a.baseline, "baseline")
        comparison = Comparison(base_cols, cols, a.baseline)
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
    if a.bench:
        bench_report(a.bench, cols, comparison, base_cols, out)
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
