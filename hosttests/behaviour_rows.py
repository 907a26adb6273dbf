#!/usr/bin/env python3
"""behaviour_rows.py - check the "row N" citations of the code against
docs/behaviours.md.

Every expectation's reason names the row of the behaviour table it rests
on ("row 25: ...", "rows 22/28", "rows 21-31", "Rows 2, 5 and 8").  This
reads every C source and header under lib/, include/ and arm64/ (string
literals, with adjacent literals joined, and comments, with their
continuation lines joined, so a citation split over two lines still
counts), and the "### Row N" sections of the table, and prints one line
per problem:

  missing N FILE:LINE    FILE cites row N, the table has no such row
                         (also checked in configs/, runner/, vm/, bisect/,
                         fixture/, docs/, hosttests/*.c and the top-level
                         scripts, whose citations do not count as tests)
  uncited N              row N is cited nowhere and is not marked
                         "Documentation only: <why>"
  stale N FILE:LINE      row N is marked documentation-only but is cited
  no-reason N            a "Documentation only:" line without a reason
  duplicate N            two sections for row N
  topic FILE:LINE        a "§N" citation under lib/, include/ or arm64/:
                         the old notes' topic numbers resolve nowhere in
                         the table, so the code cites rows and invariants

With --list it prints "cited N FILE:LINE" for every citation first.
Exit: 0 no problem, 1 problems, 2 bad usage or unreadable input.
"""

import argparse
import os
import re
import sys

CODE_DIRS = ("lib", "include", "arm64")
CODE_EXT = (".c", ".h", ".S")
# Elsewhere a citation must still resolve, but does not make a row tested.
# hosttests/ has its own made-up rows in the shell tests and fixtures:
# only its C unit tests count.
OTHER_DIRS = ("configs", "runner", "vm", "bisect", "fixture", "docs")
OTHER_EXT = CODE_EXT + (".sh", ".awk", ".py", ".conf", ".config", ".md")
OTHER_FILES = ("README.md", "run_tests.sh", "Makefile", "kselftest.mk")
# "row 25", "Rows 2, 5 and 8", "rows 21-31", "row 5/8", "rows 17/§2".
CITE = re.compile(r"\b[Rr]ows?\s+(\d+(?:\s*(?:,|/|-|–|\band\b|\bor\b|&)\s*\d+)*)")
NUM_OR_RANGE = re.compile(r"(\d+)(?:\s*[-–]\s*(\d+))?")
HEADING = re.compile(r"^###\s+Row\s+(\d+)\s*$")
DOC_ONLY = re.compile(r"^\s*\**Documentation only:?\**:?\s*(.*)$")


def pieces(text):
    """Yield (line, text) for each string literal run and each comment.

    Adjacent string literals ("a " "b", possibly on two lines) form one
    piece; a comment keeps its line breaks but loses the " * " that
    starts each continuation line.
    """
    i, n, line = 0, len(text), 1
    run, run_line, run_end = [], 0, 0
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            yield line, text[i + 2:j]
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j
            body = text[i + 2:j]
            yield line, re.sub(r"\n[ \t]*\*?", "\n", body)
            line += body.count("\n")
            i = j + 2
        elif c == '"':
            j, s = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    s.append(text[j:j + 2])
                    j += 2
                    continue
                s.append(text[j])
                j += 1
            # Joined to the previous literal if only blanks lie between.
            if run and text[run_end:i].strip() == "":
                run.append("".join(s))
            else:
                if run:
                    yield run_line, "".join(run)
                run, run_line = ["".join(s)], line
            line += text[i:j].count("\n")
            run_end = i = j + 1
        elif c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        else:
            i += 1
    if run:
        yield run_line, "".join(run)


def rows_of(spec):
    """"22/28" -> [22, 28]; "21-31" -> 21..31; "2, 5 and 8" -> [2, 5, 8]."""
    out = []
    for m in NUM_OR_RANGE.finditer(spec):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if b < a or b - a > 100:
            b = a
        out.extend(range(a, b + 1))
    return out


def files_under(root, dirs, ext, skip=()):
    """Paths relative to root of the files in dirs ending in ext."""
    for d in dirs:
        for dirpath, dirnames, files in os.walk(os.path.join(root, d)):
            dirnames.sort()
            for f in sorted(files):
                rel = os.path.relpath(os.path.join(dirpath, f), root)
                if f.endswith(ext) and rel not in skip:
                    yield rel


def cites(root, rel):
    """[(row, "rel:line")] in one file: C pieces, or lines of text."""
    with open(os.path.join(root, rel), encoding="utf-8",
              errors="replace") as fh:
        text = fh.read()
    if rel.endswith(CODE_EXT):
        parts = pieces(text)
    else:
        parts = enumerate(text.split("\n"), 1)
    found = []
    for line, piece in parts:
        for m in CITE.finditer(piece):
            at = line + piece.count("\n", 0, m.start())
            for r in rows_of(m.group(1)):
                found.append((r, "%s:%d" % (rel, at)))
    return found


def topics(root):
    """["rel:line"] of every "§" in the code trees."""
    found = []
    for rel in files_under(root, CODE_DIRS, CODE_EXT):
        with open(os.path.join(root, rel), encoding="utf-8",
                  errors="replace") as fh:
            for n, text in enumerate(fh, 1):
                if "\u00a7" in text:
                    found.append("%s:%d" % (rel, n))
    return found


def citations(root, doc):
    """([(row, where)] in the code trees, [(row, where)] elsewhere)."""
    code, other = [], []
    for rel in files_under(root, CODE_DIRS, CODE_EXT):
        code += cites(root, rel)
    skip = (os.path.relpath(doc, root),)
    rels = list(files_under(root, OTHER_DIRS, OTHER_EXT, skip))
    rels += files_under(root, ("hosttests",), CODE_EXT)
    rels += [f for f in OTHER_FILES if os.path.isfile(os.path.join(root, f))]
    for rel in rels:
        other += cites(root, rel)
    return code, other


def table(doc):
    """({row: doc-only reason or None}, [duplicate rows])."""
    rows, dups, cur = {}, [], None
    with open(doc, encoding="utf-8") as fh:
        for text in fh:
            m = HEADING.match(text)
            if m:
                cur = int(m.group(1))
                if cur in rows:
                    dups.append(cur)
                rows[cur] = None
                continue
            if text.startswith("#"):
                cur = None
                continue
            m = DOC_ONLY.match(text)
            if m and cur is not None:
                rows[cur] = m.group(1).strip()
    return rows, dups


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=".", help="the project tree")
    ap.add_argument("--doc", help="the table (default ROOT/docs/behaviours.md)")
    ap.add_argument("--list", action="store_true", help="print every citation")
    a = ap.parse_args()
    doc = a.doc or os.path.join(a.root, "docs", "behaviours.md")
    if not os.path.isfile(doc):
        print("behaviour_rows.py: no table %s" % doc, file=sys.stderr)
        return 2
    cited, elsewhere = citations(a.root, doc)
    rows, dups = table(doc)
    problems = []
    if a.list:
        for r, where in cited:
            print("cited %d %s" % (r, where))
        for r, where in elsewhere:
            print("mentioned %d %s" % (r, where))
    by_row = {}
    for r, where in cited:
        by_row.setdefault(r, []).append(where)
    for r, where in cited + elsewhere:
        if r not in rows:
            problems.append("missing %d %s" % (r, where))
    for r in sorted(rows):
        why = rows[r]
        if why is None and r not in by_row:
            problems.append("uncited %d" % r)
        elif why is not None and r in by_row:
            problems.append("stale %d %s" % (r, by_row[r][0]))
        elif why == "":
            problems.append("no-reason %d" % r)
    for r in dups:
        problems.append("duplicate %d" % r)
    for where in topics(a.root):
        problems.append("topic %s" % where)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
