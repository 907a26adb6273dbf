#!/bin/bash
# test_paths.sh - every repository path a doc or a comment names exists.
#
# Reads README.md and docs/*.md whole, and the comments of the sources
# (C: /* */ and //; shell, Python, awk, make, configs: #), and takes as a
# path each word that starts with one of the repository's top-level
# folders (lib/..., runner/..., docs/...). A word inside another path
# (arch/arm64/kvm/mmu.c, tools/testing/selftests/kvm/...) is the kernel's
# and is not read as ours; neither are the kernel's include/, lib/ and
# scripts/ files, nor lib/modules/ (KERNEL below). A glob
# (lib/backing/*.c), or a word cut by a placeholder
# (lib/model/expect_<concern>.c), must match a file; a header may be named
# as it is included (arm64/mte.h). A path followed by a function
# ("lib/verdict.c test_skip_env()") must hold its name. Built files (*.ko,
# *.o) are not in the tree. The recorded inputs in hosttests/data/ are not
# read.
#
# Also: the README names every test binary (arm64/*.c) and every backing
# kind (lib/backing/*.c's .name), so its tables do not fall behind.
#
# Usage: hosttests/test_paths.sh [--list]   (--list: every path found)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

python3 - "${1:-}" <<'EOF'
import fnmatch
import re
import subprocess
import sys

# Kernel-tree paths that share a first folder with ours.
KERNEL = re.compile(r"^(include/(linux|uapi|asm-generic|kvm|trace|xen|acpi"
                    r"|clocksource|dt-bindings|vdso)/"
                    r"|lib/(vsprintf|string|bug|iov_iter)\.c|lib/modules/"
                    r"|scripts/(kconfig|mod|package|gdb)/|scripts/(sign-file"
                    r"|config|checkpatch\.pl|get_maintainer\.pl"
                    r"|decode_stacktrace\.sh|faddr2line|extract-vmlinux)$)")
BUILT = re.compile(r"\.(ko|o)$")

files = subprocess.run(["git", "ls-files", "-z"], capture_output=True,
                       check=True).stdout.decode().split("\0")
files = [f for f in files if f]
dirs = sorted({f.split("/")[0] for f in files if "/" in f})
have = set(files)
for f in files:
    parts = f.split("/")
    for i in range(1, len(parts)):
        have.add("/".join(parts[:i]))

word = re.compile(r"(?<![\w./~$-])((?:%s)/[\w.*+/-]*)"
                  % "|".join(re.escape(d) for d in dirs))

# "FILE fn()", "FILE: fn()", "FILE's fn()"
FUNC = re.compile(r"(?::|'s)? ([A-Za-z_]\w*)\(\)")

C_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"",
                       re.S)
HASH_COMMENT = re.compile(r"(?:^|(?<=\s))#[^\n]*")


def c_comments(text):
    # Strings are matched so that a "//" inside one is no comment.
    for m in C_COMMENT.finditer(text):
        if not m.group(0).startswith('"'):
            yield m.start(), m.group(0)


def hash_comments(text):
    for m in HASH_COMMENT.finditer(text):
        yield m.start(), m.group(0)


def whole(text):
    yield 0, text


def reader(path):
    if path.startswith("hosttests/data/"):
        return None
    if path == "README.md" or re.fullmatch(r"docs/[^/]*\.md", path):
        return whole
    if re.search(r"\.(c|h|S)$", path):
        return c_comments
    if re.search(r"\.(sh|py|awk|mk|conf|config|disabled)$|(^|/)(Makefile"
                 r"|Kbuild|init|run)$", path):
        return hash_comments
    return None


def exists(p):
    if p.endswith(".h") and "include/" + p in have:
        return True
    if "*" in p:
        return any(fnmatch.fnmatch(f, p) or fnmatch.fnmatch(f, p + "/*")
                   for f in files)
    return p in have


def holds(p, name):
    try:
        text = open(p, encoding="utf-8", errors="replace").read()
    except OSError:
        return False
    return re.search(r"\b%s\b" % re.escape(name), text) is not None


def readme_misses():
    readme = open("README.md", encoding="utf-8").read()
    names = [f[len("arm64/"):-2] for f in files
             if re.fullmatch(r"arm64/[^/]*\.c", f)]
    for f in files:
        if re.fullmatch(r"lib/backing/[^/]*\.c", f):
            names += re.findall(r'\.name = "([^"]+)"', open(f).read())
    return [n for n in names if "`%s`" % n not in readme]


listing = sys.argv[1] == "--list"
bad = []
found = 0
for path in files:
    how = reader(path)
    if how is None:
        continue
    try:
        text = open(path, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError):
        continue
    for start, chunk in how(text):
        for m in word.finditer(chunk):
            p = m.group(1).rstrip(".-/")
            if KERNEL.match(p) or KERNEL.match(p + "/") or BUILT.search(p):
                continue
            if chunk[m.end():m.end() + 1] in ("<", "{", "\u2026"):
                p = m.group(1) + "*"
            found += 1
            line = text.count("\n", 0, start + m.start()) + 1
            if listing:
                print("%s:%d %s" % (path, line, p))
            if not exists(p):
                bad.append("%s:%d: %s" % (path, line, p))
                continue
            fn = FUNC.match(chunk, m.end())
            if fn and p in files and not holds(p, fn.group(1)):
                bad.append("%s:%d: %s has no %s()" % (path, line, p,
                                                      fn.group(1)))

if listing:
    sys.exit(0)
print("TAP version 13")
print("1..2")
if bad:
    print("not ok 1 the paths named in docs and comments exist (%d of %d"
          " do not)" % (len(bad), found))
    for b in bad:
        print("# " + b)
else:
    print("ok 1 the paths named in docs and comments exist (%d)" % found)
missing = readme_misses()
if missing:
    print("not ok 2 the README names every test binary and backing kind")
    print("# not in README.md: " + ", ".join(missing))
else:
    print("ok 2 the README names every test binary and backing kind")
sys.exit(1 if bad or missing else 0)
EOF
