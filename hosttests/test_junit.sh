#!/bin/bash
# test_junit.sh - report.sh --junit FILE: JUnit XML that a schema accepts
# (hosttests/data/junit.xsd, with xmllint) and that a real XML parser
# (Python's xml.etree) reads as one testcase per case, every status mapped
# as docs/results.md says, counts that add up.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

report="$top/runner/report.sh"
m=$data/matrix

# One column with every status, durations, a control character and a
# cpu column label.
col=7.2/neoverse-n1
mkdir -p "$tmp/all"
printf 'alias=7.2\ncpu=neoverse-n1\ncolumn=%s\nrelease=7.2.13+deb14-arm64\nstarted=2026-12-06T20:41:09Z\nboot_status=ok\ntest_seconds=48\nfacts=page=4K fwb=1\npkg.busybox-static=1:1.36.1-9\n' \
	"$col" >"$tmp/all/kernel.info"
{
	tsv8() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$col" "$@"; }
	tsv8 mem_test anon_4k/create PASS OK OK "row 1" 12
	tsv8 mem_test anon_4k/ro_store FAIL KVM_RUN:EFAULT EXIT_MMIO "row 34" 1500
	tsv8 mem_test hugetlb/pool XFAIL completed=0x1 completed=0x1 "tags leak" 7
	tsv8 mem_test devdax/create SKIP "" "" "no dax device" -
	tsv8 mte_test mte/tagged ERROR "" "" $'watchdog \001 killed it' -
	tsv8 mte_test mte/other MISS "" "" "planned, never reported" -
	tsv8 crash_test crash_test FAIL "" "" "exit=139 (SIGSEGV)" -
	tsv8 bench unmap.ns_per_page METRIC 99.5 ns - -
} >"$tmp/all/records.tsv"

"$report" --summary --junit "$tmp/all.xml" "$tmp/all" >/dev/null
expect_eq "--junit keeps the exit status (1: a FAIL)" $? 1
"$report" --summary --junit "$tmp/m.xml" "$m/6.1" "$m/6.12" "$m/7.2" >/dev/null

# xsd_ok FILE: quiet when valid, xmllint's complaint when not.
xsd_ok() {
	xmllint --noout --schema "$data/junit.xsd" "$1" 2>"$tmp/xsd.err" ||
		{ cat "$tmp/xsd.err"; return 1; }
}

if command -v xmllint >/dev/null; then
	for f in all m; do
		check "$f.xml: valid against junit.xsd (xmllint)" xsd_ok "$tmp/$f.xml"
	done
	# The schema is not a rubber stamp: it refuses a testcase without a
	# classname and one with two outcomes.
	sed 's/ classname="[^"]*"//' "$tmp/all.xml" >"$tmp/bad1.xml"
	if xsd_ok "$tmp/bad1.xml" >/dev/null; then
		fail "junit.xsd refuses a testcase without classname"
	else
		ok "junit.xsd refuses a testcase without classname"
	fi
	sed 's|<failure |<skipped message="x" /><failure |' "$tmp/all.xml" >"$tmp/bad2.xml"
	if xsd_ok "$tmp/bad2.xml" >/dev/null; then
		fail "junit.xsd refuses two outcomes in one testcase"
	else
		ok "junit.xsd refuses two outcomes in one testcase"
	fi
else
	ok "junit.xsd validation # SKIP no xmllint on this host"
fi

# walk FILE: one line per testcase (classname, name, outcome, type, time,
# message), then per suite its name and counted vs declared totals.
walk() {
	python3 - "$1" <<'EOP'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
tot = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
for s in root:
    assert s.tag == "testsuite", s.tag
    n = dict.fromkeys(tot, 0)
    for tc in s.iter("testcase"):
        n["tests"] += 1
        kids = list(tc)
        out = kids[0] if kids else None
        if out is not None:
            n[{"failure": "failures", "error": "errors",
               "skipped": "skipped"}[out.tag]] += 1
        print("case", tc.get("classname"), tc.get("name"),
              out.tag if out is not None else "pass",
              out.get("type") if out is not None else "-",
              tc.get("time", "-"),
              out.get("message") if out is not None else "", sep="|")
    decl = {k: int(s.get(k)) for k in n}
    print("suite", s.get("name"), n == decl, n["tests"], sep="|")
    for k in tot:
        tot[k] += decl[k]
print("total", tot == {k: int(root.get(k)) for k in tot}, tot["tests"],
      sep="|")
EOP
}

got=$(walk "$tmp/all.xml")
expect_eq "all.xml: one testcase per case, METRIC is none" \
	"$(grep -c '^case|' <<<"$got")" 7
expect_match "classname is column.binary" "$got" \
	'^case\|7\.2/neoverse-n1\.mem_test\|anon_4k/create\|pass\|-\|0\.012\|$'
expect_match "FAIL: failure, observed vs expected and reason, duration" "$got" \
	'^case\|7\.2/neoverse-n1\.mem_test\|anon_4k/ro_store\|failure\|FAIL\|1\.500\|observed KVM_RUN:EFAULT, expected EXIT_MMIO \(row 34\)$'
expect_match "a failed binary: failure with its reason, no time" "$got" \
	'^case\|7\.2/neoverse-n1\.crash_test\|crash_test\|failure\|FAIL\|-\|exit=139 \(SIGSEGV\)$'
expect_match "SKIP: skipped with the reason" "$got" \
	'^case\|7\.2/neoverse-n1\.mem_test\|devdax/create\|skipped\|None\|-\|no dax device$'
expect_match "XFAIL: skipped, type XFAIL" "$got" \
	'^case\|7\.2/neoverse-n1\.mem_test\|hugetlb/pool\|skipped\|XFAIL\|0\.007\|XFAIL: observed completed=0x1, expected completed=0x1 \(tags leak\)$'
expect_match "ERROR: error element, control character made printable" "$got" \
	'^case\|7\.2/neoverse-n1\.mte_test\|mte/tagged\|error\|ERROR\|-\|watchdog \? killed it$'
expect_match "MISS: error element too, type MISS" "$got" \
	'^case\|7\.2/neoverse-n1\.mte_test\|mte/other\|error\|MISS\|-\|planned, never reported$'
expect_match "suite totals match its testcases" "$got" '^suite\|7\.2/neoverse-n1\|True\|7$'
expect_match "run totals match the suites" "$got" '^total\|True\|7$'
props=$(python3 -c '
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot()[0]
print(s.get("timestamp"), s.get("time"),
      sorted((p.get("name"), p.get("value")) for p in s.iter("property")))' "$tmp/all.xml")
expect_eq "suite: timestamp, test time, release/facts/packages/metrics as properties" "$props" \
	"2026-12-06T20:41:09 48 [('boot_status', 'ok'), ('cpu', 'neoverse-n1'), ('facts', 'page=4K fwb=1'), ('metric.bench.unmap.ns_per_page', '99.5 ns'), ('pkg.busybox-static', '1:1.36.1-9'), ('release', '7.2.13+deb14-arm64')]"

# Three columns: every case of each records.tsv is there once.
got=$(walk "$tmp/m.xml")
for k in 6.1 6.12 7.2; do
	want=$(awk -F'\t' '$4 != "METRIC" { print $2 "\t" $3 }' "$m/$k/records.tsv" | sort -u | wc -l)
	expect_match "m.xml: $k has one testcase per case ($want)" "$got" \
		"^suite\\|$k\\|True\\|$want\$"
done
expect_match "m.xml: run totals match" "$got" '^total\|True\|16$'

"$report" --junit /nonexistent/dir/j.xml "$m/6.12" >/dev/null 2>&1
expect_eq "an unwritable --junit file exits 2" $? 2

done_testing
