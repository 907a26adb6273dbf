#!/bin/bash
# test_report.sh - runner/report.sh (report.py): per-column summary, the
# case x column matrix and results.json (schema, escaping and validity).
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
	"kernel 6.12: 1 passed, 2 failed, 0 xfail, 1 skipped, 0 error, 0 miss (6.12.57+deb13-arm64, boot 31s, wall 250s)"
expect_match "summary: SKIP causes" "$out" '^  SKIP causes:$'
expect_match "summary:   one line per cause, with its count" "$out" '^    1  no huge pages$' 
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
expect_match "summary: no kernel.info, label from the records" "$out" \
	'^kernel 6\.1: 0 passed, 1 failed, 0 xfail, 0 skipped, 0 error, 0 miss$'
mkdir -p "$tmp/d"
: >"$tmp/d/records.tsv"
expect_match "summary: nothing at all, label from the directory" \
	"$("$report" --summary "$tmp/d")" '^kernel d: 0 passed, 0 failed'

# Every status, the contract's kernel.info keys, 8-column records with
# durations, binaries.tsv.
mkdir -p "$tmp/e"
cat >"$tmp/e/kernel.info" <<'EOI'
alias=7.2
cpu=neoverse-n1
column=7.2/neoverse-n1
release=7.2.13+deb14-arm64
started=2026-12-06T20:41:09Z
boot_status=ok
boot_seconds=6
test_seconds=48
wall_seconds=63
facts=page=4K fwb=1 dic=1 mte=1
pkg.linux-image-7.2.13+deb14-arm64=7.2.13-1
pkg.busybox-static=1:1.36.1-9
EOI
col=7.2/neoverse-n1
{
	tsv8() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$col" "$@"; }
	tsv8 mem_test anon_4k/create PASS OK OK "row 1" 12
	tsv8 mem_test anon_4k/ro_store FAIL OK EFAULT "row 34" 40
	tsv8 mem_test hugetlb/pool XFAIL completed=0x1 completed=0x1 "known defect: tags leak" 7
	tsv8 mem_test devdax/create SKIP "" "" "devdax unavailable: no dax device (no ZONE_DEVICE)" 1
	tsv8 mem_test fsdax/create SKIP "" "" "row 9: fsdax unavailable: no dax device; no NVDIMM" 1
	tsv8 mte_test mte/tagged ERROR "" "" "watchdog: binary killed after 120s" -
	tsv8 mte_test mte/other MISS "" "" "planned, never reported" -
	tsv8 bench unmap.ns_per_page METRIC 99.5 ns - -
} >"$tmp/e/records.tsv"
printf '%s\tmem_test\tFAIL\t2\t5\t5\n%s\tmte_test\tERROR\t120\t2\t0\n' "$col" "$col" >"$tmp/e/binaries.tsv"
cp -r "$tmp/e" "$tmp/e0"
out=$("$report" --summary "$tmp/e")
expect_eq "summary: exit 1 on FAIL even with ERROR" $? 1
expect_eq "summary: every status counted, label from column=, test time" \
	"$(head -n 1 <<<"$out")" \
	"kernel 7.2/neoverse-n1: 1 passed, 1 failed, 1 xfail, 2 skipped, 1 error, 1 miss (7.2.13+deb14-arm64, boot 6s, tests 48s, wall 63s)"
expect_match "summary: ERROR with its reason" "$out" '^  ERROR mte_test mte/tagged: watchdog: binary killed after 120s$'
expect_match "summary: MISS with its reason" "$out" '^  MISS mte_test mte/other: planned, never reported$'
expect_match "summary: XFAIL shown" "$out" '^  XFAIL mem_test hugetlb/pool: '
expect_match "summary: SKIP cause: row citation, kind and tail dropped" "$out" '^    2  \* unavailable: no dax device$'
expect_match "summary: ERROR causes" "$out" '^  ERROR causes:$'
expect_match "summary:   each cause once" "$out" '^    1  watchdog: binary killed after 120s$'
grep -v -e FAIL -e MISS "$tmp/e/records.tsv" >"$tmp/e/r" && mv "$tmp/e/r" "$tmp/e/records.tsv"
"$report" --summary "$tmp/e" >/dev/null
expect_eq "summary: exit 3 when the suite could not test and nothing failed" $? 3
sed -i 's/^boot_status=ok/boot_status=error: watchdog fired after 900s/' "$tmp/e/kernel.info"
grep -v ERROR "$tmp/e/records.tsv" >"$tmp/e/r" && mv "$tmp/e/r" "$tmp/e/records.tsv"
out=$("$report" --summary "$tmp/e")
expect_eq "summary: a failed boot alone exits 3" $? 3
expect_match "summary: a failed boot is said" "$out" '^  boot: error: watchdog fired after 900s$'

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
check "json: valid (python3 -m json.tool)" \
	python3 -m json.tool "$tmp/r.json" /dev/null
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["results"]), len(d["metrics"]), d["suite"], d["format"],
      d["columns"][0]["boot_seconds"], d["columns"][1]["wall_seconds"],
      d["metrics"][0]["value"] + 0, d["metrics"][0]["kcidb_status"])' "$tmp/r.json")
expect_eq "json: counts, numbers and null" "$got" "7 2 s2conform 2 31 None 123.4 DONE"
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
k = d["columns"][0]
r = [r for r in d["results"] if r["case"] == "anon_4k/ro_store"][0]
print(k["column"], k["release"], k["started"], k["counts"],
      d["columns"][1]["counts"]["PASS"], "|",
      r["column"], r["binary"], r["status"], r["kcidb_status"], r["observed"],
      r["expected"], r["reason"], r["duration_ms"], "|",
      sorted(d["metrics"][0]))' "$tmp/r.json")
expect_eq "json: per-column counts; results carry observed/expected/reason" \
	"$got" "6.12 6.12.57+deb13-arm64 None {'PASS': 1, 'FAIL': 2, 'XFAIL': 0, 'SKIP': 1, 'ERROR': 0, 'MISS': 0} 2 | 6.12 mem_test FAIL FAIL KVM_RUN:EFAULT EXIT_MMIO row 34 None | ['binary', 'column', 'kcidb_status', 'name', 'unit', 'value']"
expect_eq "json: one result or metric per line (greps well)" \
	"$(grep -c '^{"column":"6.12","binary":' "$tmp/r.json")" 5

"$report" --json "$tmp/e.json" "$tmp/e0" >/dev/null
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["columns"][0]
print(c["column"], c["alias"], c["cpu"], c["boot_status"], c["boot_seconds"],
      c["test_seconds"], c["wall_seconds"], c["facts"], "|",
      sorted(c["packages"].items()), "|", c["skip_causes"], c["error_causes"])
print(c["binaries"])
print(sorted((r["status"], r["kcidb_status"], r["duration_ms"])
             for r in d["results"]))' "$tmp/e.json")
expect_eq "json: boot status, times, facts, packages, causes" "$(sed -n 1p <<<"$got")" \
	"7.2/neoverse-n1 7.2 neoverse-n1 ok 6 48 63 page=4K fwb=1 dic=1 mte=1 | [('busybox-static', '1:1.36.1-9'), ('linux-image-7.2.13+deb14-arm64', '7.2.13-1')] | [{'cause': '* unavailable: no dax device', 'count': 2}] [{'cause': 'planned, never reported', 'count': 1}, {'cause': 'watchdog: binary killed after 120s', 'count': 1}]"
expect_eq "json: binaries from binaries.tsv" "$(sed -n 2p <<<"$got")" \
	"[{'binary': 'mem_test', 'status': 'FAIL', 'seconds': 2, 'planned': 5, 'reported': 5}, {'binary': 'mte_test', 'status': 'ERROR', 'seconds': 120, 'planned': 2, 'reported': 0}]"
expect_eq "json: every status, its KCIDB status, durations per case" "$(sed -n 3p <<<"$got")" \
	"[('ERROR', 'ERROR', None), ('FAIL', 'FAIL', 40), ('MISS', 'MISS', None), ('PASS', 'PASS', 12), ('SKIP', 'SKIP', 1), ('SKIP', 'SKIP', 1), ('XFAIL', 'FAIL', 7)]"
"$report" --json "$tmp/a.json" "$tmp/a" >/dev/null
got=$(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["columns"][0]
print(c["binaries"], c["boot_status"], c["packages"])' "$tmp/a.json")
expect_eq "json: 7-column records, no binaries.tsv: binaries from the records, unknowns null" \
	"$got" "[{'binary': 'mem_test', 'status': 'FAIL', 'seconds': None, 'planned': None, 'reported': None}, {'binary': 'crash_test', 'status': 'FAIL', 'seconds': None, 'planned': None, 'reported': None}] None {}"

# A stored results.json reads back as the run it came from.
"$report" --json "$tmp/again.json" "$tmp/e.json" >/dev/null
expect_same "json: results.json read back gives the same results.json" \
	"$tmp/again.json" "$tmp/e.json"

mkdir -p "$tmp/esc"
printf 'k\tb\tq"uo\\te\tFAIL\t\001ctl\tt\tnon-ascii \303\251 bad \377\n' >"$tmp/esc/records.tsv"
"$report" --json "$tmp/esc.json" "$tmp/esc" >/dev/null
line=$(grep '"case"' "$tmp/esc.json")
expect_match "json: quote and backslash escaped" "$line" '"case":"q\\"uo\\\\te"'
expect_match "json: control characters as \\u escapes" "$line" '"observed":"\\u0001ctl"'
expect_match "json: UTF-8 kept, bytes that are not UTF-8 replaced (U+FFFD)" \
	"$line" $'"reason":"non-ascii \303\251 bad \357\277\275"'
check "json: escaped file is valid" python3 -m json.tool "$tmp/esc.json" /dev/null

"$report" --bogus "$tmp/a" 2>/dev/null
expect_eq "usage: bad option exits 2" $? 2
out=$("$report" --help)
expect_eq "usage: --help exits 0" $? 0
expect_match "  and names every option" "$out" '--junit FILE\] \[--baseline RUN\]'
"$report" 2>/dev/null
expect_eq "usage: no results given exits 2" $? 2
"$report" "$tmp/nonexistent" 2>/dev/null
expect_eq "usage: a directory without records exits 2" $? 2

done_testing
