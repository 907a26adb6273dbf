#!/bin/bash
# test_report.sh - runner/report.sh: per-kernel summary, the case x kernel
# matrix and results.json (escaping and validity).
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

report="$top/runner/report.sh"

# kdir DIR ALIAS RELEASE BOOT WALL < records
kdir() {
	mkdir -p "$1"
	cat >"$1/records.tsv"
	printf 'alias=%s\nrelease=%s\nboot_seconds=%s\nwall_seconds=%s\n' \
		"$2" "$3" "$4" "$5" >"$1/kernel.info"
}

tsv() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; }

{
	tsv 6.12 mem_test anon_4k/create PASS 0 0 ""
	tsv 6.12 mem_test anon_4k/ro_store FAIL KVM_RUN:EFAULT EXIT_MMIO "row 34"
	tsv 6.12 mem_test hugetlb_2m/create SKIP "" "" "no huge pages"
	tsv 6.12 mem_test unmap.ns_per_page METRIC 123.4 ns -
	tsv 6.12 crash_test crash_test FAIL "" "" "exit=139 (SIGSEGV)"
} | kdir "$tmp/a" 6.12 6.12.57+deb13-arm64 31 250
{
	tsv 7.2 mem_test anon_4k/create PASS 0 0 ""
	tsv 7.2 mem_test anon_4k/ro_store PASS EXIT_MMIO EXIT_MMIO ""
	tsv 7.2 mem_test hugetlb_2m/create SKIP "" "" "no huge pages"
	tsv 7.2 mem_test unmap.ns_per_page METRIC 99 ns -
} | kdir "$tmp/b" 7.2 7.2.0-1-arm64 29 "" 

# Summary
out=$("$report" --summary "$tmp/a")
rc=$?
expect_eq "summary: exit 1 when a case failed" $rc 1
expect_eq "summary: counts line" "$(head -n 1 <<<"$out")" \
	"kernel 6.12: 1 passed, 2 failed, 1 skipped (6.12.57+deb13-arm64, boot 31s, wall 250s)"
expect_match "summary: failing case with observed/expected/reason" "$out" \
	'^  FAIL mem_test anon_4k/ro_store: observed=KVM_RUN:EFAULT expected=EXIT_MMIO \(row 34\)$'
expect_match "summary: failed binary with its reason" "$out" \
	'^  FAIL crash_test: exit=139 \(SIGSEGV\)$'
"$report" --summary "$tmp/b" >/dev/null
expect_eq "summary: exit 0 when nothing failed" $? 0

mkdir -p "$tmp/c"
tsv 6.1 t t FAIL "" "" x >"$tmp/c/records.tsv"
cp "$data/console.excerpts" "$tmp/c/splats.txt"
out=$("$report" --summary "$tmp/c")
expect_match "summary: splat excerpts are shown" "$out" \
	'^    \[   13.000000\] Unable to handle kernel paging request'
expect_match "summary: no kernel.info, label from the directory" "$out" \
	'^kernel c: 0 passed, 1 failed, 0 skipped$'

# Matrix
out=$("$report" --matrix "$tmp/a" "$tmp/b")
expect_eq "matrix: header has both kernels" "$(sed -n 2p <<<"$out" | tr -s ' ')" \
	"case 6.12 7.2"
expect_match "matrix: failing cell marked, observed shown where kernels differ" \
	"$out" '^mem_test: anon_4k/ro_store +\*FAIL\* KVM_RUN:EFAULT +PASS EXIT_MMIO$'
expect_match "matrix: same observed on all kernels is not repeated" \
	"$out" '^mem_test: anon_4k/create +PASS +PASS$'
expect_match "matrix: a case missing on a kernel is -" \
	"$out" '^crash_test +\*FAIL\* +-$'
expect_match "matrix: metrics are rows" \
	"$out" '^mem_test: metric unmap.ns_per_page +123.4 ns +99 ns$'
# Every row has blanks before the 7.2 column's start, and text at it.
bad=$(awk 'NR == 2 { p = index($0, " 7.2") + 1 }
	NR > 2 && /^[a-z]/ && (substr($0, p - 2, 2) != "  " || substr($0, p, 1) == " ")' <<<"$out")
expect_eq "matrix: the last column lines up" "$bad" ""
expect_eq "matrix: no trailing blanks" "$(grep -c ' $' <<<"$out")" 0
out=$("$report" "$tmp/b")
expect_eq "matrix: not printed for one kernel" "$(grep -c '^case ' <<<"$out")" 0

# JSON
"$report" --json "$tmp/r.json" "$tmp/a" "$tmp/b" >/dev/null
if command -v python3 >/dev/null; then
	check "json: valid (python3 -m json.tool)" \
		python3 -m json.tool "$tmp/r.json" /dev/null
	got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["results"]), len(d["metrics"]), d["suite"],
      d["kernels"][0]["boot_seconds"], d["kernels"][1]["wall_seconds"],
      d["metrics"][0]["value"] + 0)' "$tmp/r.json")
	expect_eq "json: counts, numbers and null" "$got" "7 2 s2conform 31 None 123.4"
	got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
k = d["kernels"][0]
r = [r for r in d["results"] if r["case"] == "anon_4k/ro_store"][0]
print(d["format"], k["alias"], k["release"], k["started"], k["passed"],
      k["failed"], k["skipped"], d["kernels"][1]["passed"], "|",
      r["kernel"], r["binary"], r["verdict"], r["observed"], r["expected"],
      r["reason"], "|", sorted(d["metrics"][0]))' "$tmp/r.json")
	expect_eq "json: per-kernel counts; results carry observed/expected/reason" \
		"$got" "1 6.12 6.12.57+deb13-arm64 None 1 2 1 2 | 6.12 mem_test FAIL KVM_RUN:EFAULT EXIT_MMIO row 34 | ['binary', 'kernel', 'name', 'unit', 'value']"
else
	expect_match "json: looks like the object (no python3 here)" \
		"$(head -c 40 "$tmp/r.json")" '^\{"suite":"s2conform",'
fi

mkdir -p "$tmp/esc"
printf 'k\tb\tq"uo\\te\tFAIL\t\001ctl\tt\tnon-ascii \303\251\n' >"$tmp/esc/records.tsv"
"$report" --json "$tmp/esc.json" "$tmp/esc" >/dev/null
line=$(grep '"case"' "$tmp/esc.json")
expect_match "json: quote and backslash escaped" "$line" '"case":"q\\"uo\\\\te"'
expect_match "json: control characters as \\u escapes" "$line" '"observed":"\\u0001ctl"'
expect_match "json: bytes outside ASCII replaced" "$line" '"reason":"non-ascii \?\?"'
if command -v python3 >/dev/null; then
	check "json: escaped file is valid" python3 -m json.tool "$tmp/esc.json" /dev/null
fi

"$report" --bogus "$tmp/a" 2>/dev/null
expect_eq "usage: bad option exits 2" $? 2
"$report" "$tmp/nonexistent" 2>/dev/null
expect_eq "usage: a directory without records exits 2" $? 2

done_testing
