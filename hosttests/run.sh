#!/bin/bash
# run.sh - all of the project's own tests, in one command: the C unit tests
# (make unit), the arm64 build (make), the shell tests (hosttests/test_*.sh),
# then one end-to-end run in a VM (hosttests/e2e.sh).  Each prints TAP; the
# counts are added up into the closing "N passed, N failed, N skipped"
# line.  Exit 1 on any failure.
#
# Usage: hosttests/run.sh [--quick]    (--quick: skip the slow VM run)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
passed=0
failed=0
skipped=0

# suite NAME CMD...: run CMD with its output shown, and count its top-level
# TAP lines.  A suite that fails without a failing line, or prints none,
# counts as one failure: it must not pass by saying nothing.
suite() {
	local name=$1 log=$tmp/log rc p f s t0=$SECONDS
	shift
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -E '^ok [0-9]+' "$log" | grep -cvE '# *(SKIP|skip)')
	s=$(grep -cE '^ok [0-9]+.*# *(SKIP|skip)' "$log")
	f=$(grep -cE '^not ok [0-9]+' "$log")
	if [ "$f" -eq 0 ] && { [ "$rc" -ne 0 ] || [ $((p + s)) -eq 0 ]; }; then
		echo "not ok - $name exited $rc without a test result saying why"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	echo "== $name: $p passed, $f failed, $s skipped in $((SECONDS - t0))s"
}

quick=0
case ${1:-} in
--quick) quick=1 ;;
'') ;;
*) echo "usage: hosttests/run.sh [--quick]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Both harnesses' tools: the VM's, and the kernel builds test_bisect.sh
# drives (ccache, flex, bison ...). A fresh machine has neither.
for d in vm/deps.sh bisect/deps.sh; do
	"$d" --check 2>/dev/null && continue
	echo "== installing dependencies ($d)"
	"$d" || { echo "not ok - $d failed"; failed=$((failed + 1)); }
done

# The arm64 tests first: test_groups.sh checks the group table against
# the built case lists, and skips on a tree never built.
build_tests() {
	if make -s -j"$(nproc)" >"$tmp/build.log" 2>&1; then
		echo "ok 1 make builds the arm64 tests and their case lists"
	else
		tail -n 20 "$tmp/build.log" | sed 's/^/# /'
		echo "not ok 1 make builds the arm64 tests and their case lists"
	fi
}

suite "make unit" make -s unit
suite "make" build_tests
for t in hosttests/test_*.sh; do
	suite "$t" bash "$t"
done
if [ $quick -eq 0 ]; then
	suite "end-to-end VM run" bash hosttests/e2e.sh
else
	echo "ok - end-to-end VM run # SKIP --quick"
	skipped=$((skipped + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
