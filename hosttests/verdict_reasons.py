#!/usr/bin/env python3
"""verdict_reasons.py - no test writes its own verdict reason.

A case's expected outcome and its reason come from the expectation layer
(lib/model/expect_*.c): the reason names the row of docs/behaviours.md and
the kernel history it rests on, and the host unit tests see it.  A string
literal handed straight to a verdict call in arm64/ bypasses all of that.

The calls are read from the headers, not from a list kept here: every
function declared in include/verdict.h with a parameter named `reason`,
and every make_*() of include/model/expect.h (its `fmt`: an expectation
built in a test is the same literal by another road).  Then each call of
one of them in arm64/*.c and arm64/*.h (comments skipped, adjacent
literals joined, arguments split at top-level commas) whose reason
argument is a string literal, also through a ?: or a cast (not as the
argument of a call that makes the reason), is printed as

  FILE:LINE: NAME() reason is a string literal: "..."

test_skip(), test_skip_env(), test_fail(), test_error() and result_diag()
take no reason and stay free to say what the environment lacks.

With --list it prints "param NAME N" for each call it checks (N counts
from 0) and "call FILE:LINE NAME" for each call found, first.
Exit: 0 none, 1 some, 2 bad usage, or a header that yields no call.
"""

import argparse
import glob
import os
import re
import sys

HEADERS = (("include/verdict.h", "reason", None),
           ("include/model/expect.h", "fmt", re.compile(r"make_\w+$")))
TOKEN = re.compile(r"""
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<char>'(?:\\.|[^'\\\n])*')
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<space>\s+)
  | (?P<punct>.)
""", re.S | re.X)


def tokens(text):
    """(kind, text, line) for each token but comments and blanks."""
    line = 1
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        if kind not in ("comment", "space"):
            yield kind, m.group(), line
        line += m.group().count("\n")


def arguments(toks, i):
    """The argument token lists of the call whose '(' is toks[i], and the
    index after its ')'; None if the parentheses never close."""
    args, cur, depth = [], [], 0
    for j in range(i, len(toks)):
        kind, text, _ = toks[j]
        if kind == "punct" and text in "([{":
            depth += 1
            if depth == 1:
                continue
        elif kind == "punct" and text in ")]}":
            depth -= 1
            if depth == 0:
                args.append(cur)
                return args, j + 1
        elif kind == "punct" and text == "," and depth == 1:
            args.append(cur)
            cur = []
            continue
        cur.append(toks[j])
    return None, len(toks)


def reason_params(path, pname, name_re):
    """{function: index of its reason parameter} from one header."""
    with open(path, encoding="utf-8") as f:
        toks = list(tokens(f.read()))
    found = {}
    for i in range(1, len(toks) - 1):
        kind, name, _ = toks[i]
        if kind != "ident" or toks[i + 1][1] != "(":
            continue
        if name_re and not name_re.match(name):
            continue
        args, end = arguments(toks, i + 1)
        # A prototype: its parameters end in a name, and ';' or an
        # attribute follows.
        if not args or end >= len(toks) or \
           toks[end][1] not in (";", "__attribute__"):
            continue
        for n, arg in enumerate(args):
            if arg and arg[-1][0] == "ident" and arg[-1][1] == pname:
                found[name] = n
    return found


def literal(arg):
    """(line, text) of the string literal an argument evaluates to, with
    the literals right after it joined, or None.  Grouping parentheses, a
    cast and ?: keep a literal the argument; inside a call's parentheses
    it is that call's argument instead."""
    stack = []
    for k, (kind, text, line) in enumerate(arg):
        if kind == "punct" and text in "([{":
            called = text != "(" or (k and arg[k - 1][0] == "ident")
            stack.append(called)
        elif kind == "punct" and text in ")]}":
            if stack:
                stack.pop()
        elif kind == "string" and not any(stack):
            run = []
            while k < len(arg) and arg[k][0] == "string":
                run.append(arg[k][1][1:-1])
                k += 1
            return line, "".join(run)
    return None


def check_file(path, rel, calls, listing):
    with open(path, encoding="utf-8", errors="replace") as f:
        toks = list(tokens(f.read()))
    problems = []
    for i in range(len(toks) - 1):
        kind, name, line = toks[i]
        if kind != "ident" or name not in calls or toks[i + 1][1] != "(":
            continue
        before = "".join(t[1] for t in toks[max(i - 2, 0):i])
        if before.endswith((".", "->")):
            continue  # a member that happens to share the name
        args, _ = arguments(toks, i + 1)
        if args is None:
            continue
        if listing:
            print(f"call {rel}:{line} {name}")
        n = calls[name]
        hit = literal(args[n]) if n < len(args) else None
        if hit:
            problems.append(f"{rel}:{hit[0]}: {name}() reason is a string "
                            f"literal: \"{hit[1]}\"")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--list", action="store_true")
    opt = ap.parse_args()

    calls = {}
    for header, pname, name_re in HEADERS:
        path = os.path.join(opt.root, header)
        try:
            found = reason_params(path, pname, name_re)
        except OSError as e:
            print(f"verdict_reasons: {header}: {e.strerror}",
                  file=sys.stderr)
            return 2
        if not found:
            print(f"verdict_reasons: {header} declares no call with a "
                  f"'{pname}' parameter: nothing would be checked",
                  file=sys.stderr)
            return 2
        calls.update(found)
    if opt.list:
        for name, n in sorted(calls.items()):
            print(f"param {name} {n}")

    problems = []
    files = sorted(glob.glob(os.path.join(opt.root, "arm64", "*.[ch]")))
    for path in files:
        rel = os.path.relpath(path, opt.root)
        problems += check_file(path, rel, calls, opt.list)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
