#!/bin/bash
# test_wall_bench.sh - runner/wall_bench.sh against the stub harness: bad
# input exits 2 before any run; a run prints one wall metric per -j value
# and one column metric per column, with the exit status of each run.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

use_vm_stub
bench=$top/runner/wall_bench.sh

# bad DESC ARGS...: exit 2 with a usage message, no run made.
bad() {
	local d=$1
	shift
	rm -rf "$tmp/results"
	"$bench" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && [ -s "$tmp/err" ] && [ ! -e "$tmp/results" ]; then
		ok "bad input: $d"
	else
		fail "bad input: $d" "exit $rc" "$(cat "$tmp/err")"
	fi
}

bad "-j x" -j x
bad "-j 0" -j 0
bad "-j with no value" -j
bad "--runs 0" --runs 0
bad "an unknown option" --fast

"$bench" --kernel 6.12,7.2 -j 1,2 >"$tmp/out" 2>"$tmp/err"
rc=$?
out=$(cat "$tmp/out")
# The fake suite fails a case on both kernels: run_tests.sh exits 1.
expect_eq "a failing run makes the benchmark exit 3" $rc 3
expect_eq "one wall metric per -j value" \
	"$(grep -oE '^# metric suite\.wall_seconds=[0-9.]+ jobs=[0-9]+' \
		<<<"$out" | sed 's/.* jobs=/jobs=/' | paste -sd ' ')" \
	"jobs=1 jobs=2"
expect_match "the wall metric has CPU, load and the run's exit" "$out" \
	'wall_seconds=[0-9.]+ jobs=1 run=1 host_load=[0-9.]+ cpu_user=[0-9.]+ cpu_sys=[0-9.]+ exit=1 unit=s$'
expect_eq "one column metric per column and -j" \
	"$(grep -oE 'jobs=[0-9] column=[^ ]+' <<<"$out" | paste -sd ' ')" \
	"jobs=1 column=6.12 jobs=1 column=7.2 jobs=2 column=6.12 jobs=2 column=7.2"
expect_match "column metrics carry boot, test and wall seconds" "$out" \
	'column=7\.2 boot=[0-9]+ tests=[0-9]+ wall=[0-9]+ status=ok unit=s$'
expect_match "a failed run shows the end of its output" "$out" '^#   \| '

done_testing
