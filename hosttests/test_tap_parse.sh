#!/bin/bash
# test_tap_parse.sh - runner/tap_parse.awk on recorded TAP, under every awk
# present (the guest and other hosts may have another one than this host).
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

parse="$top/runner/tap_parse.awk"

while read -r awk; do
	$awk -v kernel=6.12 -f "$parse" "$data/nested.tap" >"$tmp/got.tsv"
	expect_same "$awk: nested TAP, SKIP, TODO, TIMEOUT, crashes, metrics" \
		"$tmp/got.tsv" "$data/nested.tsv"

	got=$($awk -v kernel=k -f "$parse" "$data/crlf.tap")
	expect_eq "$awk: CRLF line ends are dropped" "$got" \
		"$(printf 'k\tcrlf_test\ta/b\tPASS\t1\t1\t\t-')"

	got=$($awk -v kernel=k -f "$parse" /dev/null | cut -f2-4,7)
	expect_eq "$awk: no output at all is a runner ERROR" "$got" \
		"$(printf 's2conform\trunner\tERROR\tno TAP output from the runner')"

	got=$(printf 'TAP version 13\n1..3\n' | $awk -f "$parse" | cut -f4,7)
	expect_eq "$awk: a short top-level plan is a runner ERROR" "$got" \
		"$(printf 'ERROR\tplanned 3 binaries, 0 reported')"

	got=$(printf 'TAP version 13\n1..1\n# selftests: s2conform: t\n# 1..2\n# ok 1 a\n# ok 2 b\nok 1 s2conform: t\n' |
		$awk -f "$parse" | cut -f4 | sort | uniq -c | tr -s ' ')
	expect_eq "$awk: a clean binary yields only its cases" "$got" " 2 PASS"

	got=$(printf 'TAP version 13\n1..1\n# selftests: s2conform: t\n# 1..1\n# ok 1 a\nnot ok 1 s2conform: t # exit=1\n' |
		$awk -f "$parse" | grep -c ERROR)
	expect_eq "$awk: exit 1 without a failing case is an ERROR" "$got" 1

	# kselftest's own result lines ("selftests: COLLECTION: NAME"), and its
	# closing totals line, as run_direct.sh prints them now.
	got=$(printf 'TAP version 13\n1..2\n# selftests: s2conform: t\n# 1..1\n# ok 1 a\nok 1 selftests: s2conform: t\n# selftests: s2conform: u\n# 1..1\nnot ok 2 selftests: s2conform: u # exit=139\n# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:0 error:0\n' |
		$awk -f "$parse" | cut -f2-4,7 | tr '\t' ' ')
	expect_eq "$awk: kselftest-format result lines and totals" "$got" \
		"t a PASS 
u u ERROR exit=139 (SIGSEGV); reported 0 of 1 planned cases"

	# plan: every due case that did not report is MISS, named.
	printf 'm:a\nm:b\nm:c\nn:x\n' >"$tmp/plan"
	got=$(printf 'TAP version 13\n1..2\n# selftests: s2conform: m\n# 1..3\n# ok 1 a\n# # duration_ms=5\nnot ok 1 s2conform: m # exit=139\n' |
		$awk -v plan="$tmp/plan" -v binaries="$tmp/bins" -f "$parse" |
		cut -f2-4,8 | tr '\t\n' ': ')
	expect_eq "$awk: MISS for each due case not reported, duration folded" \
		"$got" "m:a:PASS:5 m:m:ERROR:- m:b:MISS:- m:c:MISS:- s2conform:runner:ERROR:- n:x:MISS:- "
	expect_eq "$awk: binaries.tsv" "$(cut -f2- "$tmp/bins" | tr '\t\n' ': ')" \
		"m:ERROR:-:3:1 n:MISS:-:1:0 "

	# A case the harness could not set up: ERROR, not SKIP.
	got=$(printf 'TAP version 13\n1..1\n# selftests: s2conform: t\n# 1..1\n# not ok 1 fx/a # ERROR the harness did not provide FIXTURE (build failed): x\nnot ok 1 s2conform: t # exit=1\n' |
		$awk -f "$parse" | cut -f3,4,7 | tr '\t' '|')
	expect_eq "$awk: ERROR directive, and exit 1 adds no record" "$got" \
		"fx/a|ERROR|the harness did not provide FIXTURE (build failed): x"

	# kselftest XFAIL: a known defect the case itself names.
	got=$(printf 'TAP version 13\n1..1\n# selftests: s2conform: t\n# 1..1\n# ok 1 h/reuse # XFAIL observed=completed=0x100 expected=completed=0x100 (known 6.1 defect: leak)\nok 1 selftests: s2conform: t\n' |
		$awk -f "$parse" | cut -f3-7 | tr '\t' '|')
	expect_eq "$awk: XFAIL keeps its observed/expected/reason" "$got" \
		"h/reuse|XFAIL|completed=0x100|completed=0x100|known 6.1 defect: leak"
done < <(awks)

done_testing
