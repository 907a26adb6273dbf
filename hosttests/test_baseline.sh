#!/bin/bash
# test_baseline.sh - report.sh --baseline RUN and --diff A B: only what
# changed is reported (new FAIL, new ERROR, fixed, changed verdict, changed
# observation, new and removed cases), exit 1 only on a regression; how
# columns are matched; the KCIDB status of every status is the one
# docs/results.md documents.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

report="$top/runner/report.sh"
m=$data/matrix

# run DIR LABEL < records: one column directory DIR/LABEL.
col() {
	mkdir -p "$1/$2"
	awk -v l="$2" 'BEGIN { FS = OFS = "\t" } { $1 = l; print }' >"$1/$2/records.tsv"
	printf 'alias=%s\nboot_status=ok\n' "$2" >"$1/$2/kernel.info"
}
tsv() { printf 'x\t%s\t%s\t%s\t%s\t%s\t%s\t-\n' "$@"; }

base() {
	tsv t same/pass PASS OK OK "row 1"
	tsv t same/fail FAIL OK EINVAL "row 2"
	tsv t to/fail PASS OK OK "row 3"
	tsv t to/error PASS OK OK "row 4"
	tsv t to/pass FAIL OK EINVAL "row 5"
	tsv t to/skip PASS OK OK "row 6"
	tsv t obs/change PASS Normal Normal "row 7"
	tsv t gone/case PASS OK OK "row 8"
}
current() {
	tsv t same/pass PASS OK OK "row 1"
	tsv t same/fail FAIL OK EINVAL "row 2"
	tsv t to/fail FAIL EFAULT OK "row 3"
	tsv t to/error ERROR "" "" "vCPU set-up failed"
	tsv t to/pass PASS EINVAL EINVAL "row 5"
	tsv t to/skip SKIP "" "" "no such kind"
	tsv t obs/change PASS Device Device "row 7"
	tsv t new/case PASS OK OK "row 9"
}
base | col "$tmp/base" 6.12
base | col "$tmp/base" 7.2
current | col "$tmp/cur" 7.2

out=$("$report" --summary --baseline "$tmp/base" "$tmp/cur/7.2")
rc=$?
expect_eq "a regression exits 1" $rc 1
ch=$(grep -E '^  (new|fixed|changed|removed)' <<<"$out")
expect_eq "exactly the changed cases, worst first" "$ch" \
"  new FAIL 7.2 t to/fail: PASS OK -> FAIL EFAULT (observed EFAULT, expected OK (row 3))
  new ERROR 7.2 t to/error: PASS OK -> ERROR (vCPU set-up failed)
  fixed 7.2 t to/pass: FAIL OK -> PASS EINVAL
  changed verdict 7.2 t to/skip: PASS OK -> SKIP
  changed observation 7.2 t obs/change: PASS Normal -> PASS Device
  new case 7.2 t new/case: - -> PASS OK
  removed case 7.2 t gone/case: PASS OK -> -"
expect_match "columns matched by label; the other one said" "$out" \
	'^  baseline 6\.12: not in this run, not compared$'
expect_match "the tally" "$out" \
	'^7 of 8 cases changed: 1 new FAIL, 1 new ERROR, 1 fixed, 1 changed verdict, 1 changed observation, 1 new case, 1 removed case$'
expect_match "the verdict line" "$out" \
	'^REGRESSED against the baseline: 1 new FAIL, 1 new ERROR$'
expect_eq "an unchanged FAIL is not reported again" \
	"$(grep -c 'same/' <<<"$ch")" 0

# No regression: exit 0 although a FAIL is still there.
grep -v -e to/fail -e to/error "$tmp/cur/7.2/records.tsv" >"$tmp/r"
mkdir -p "$tmp/ok/7.2" && cp "$tmp/r" "$tmp/ok/7.2/records.tsv"
out=$("$report" --baseline "$tmp/base" "$tmp/ok/7.2")
expect_eq "nothing regressed: exit 0 despite an old FAIL" $? 0
expect_match "  and it says so" "$out" '^nothing regressed against the baseline$'
"$report" --baseline "$tmp/base" "$tmp/base" >/dev/null
expect_eq "a run against itself: exit 0" $? 0
expect_match "  with nothing changed" "$("$report" --baseline "$tmp/base" "$tmp/base")" \
	'^0 of 16 cases changed: 0 new FAIL'

# One column on each side: matched whatever the labels, and said so.
out=$("$report" --baseline "$tmp/base/6.12" "$tmp/cur/7.2")
expect_eq "6.12 baseline for a 7.2 run: the regression is found" $? 1
expect_match "  matched as the only columns, said in the output" "$out" \
	'^  baseline 6\.12 -> 7\.2: matched as the only column on each side \(labels differ\)$'
expect_match "  changes name both columns" "$out" '^  new FAIL 6\.12->7\.2 t to/fail: '
# A column of a label the baseline lacks: every case is new, FAILs count.
base | col "$tmp/cur2" 6.1
out=$("$report" --baseline "$tmp/base" "$tmp/cur2/6.1" "$tmp/cur/7.2")
expect_match "an unmatched column is said" "$out" \
	'^  6\.1: no column of that label in the baseline; every case counts as new$'
expect_match "  and its FAIL is new" "$out" '^  new FAIL 6\.1 t same/fail: - -> FAIL OK'

# The baseline as results.json (this format and the old format 1) or as a
# run directory that only has results.json.
"$report" --json "$tmp/base.json" "$tmp/base" >/dev/null
ref=$("$report" --baseline "$tmp/base" "$tmp/cur/7.2" | grep -E '^  [a-z]')
got=$("$report" --baseline "$tmp/base.json" "$tmp/cur/7.2" | grep -E '^  [a-z]')
expect_eq "baseline from results.json: the same changes" "$got" "$ref"
python3 - "$tmp/base.json" >"$tmp/v1.json" <<'EOP'
import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps({"suite": "s2conform", "format": 1,
    "results": [{"kernel": r["column"], "binary": r["binary"],
                 "case": r["case"], "verdict": r["status"],
                 "observed": r["observed"], "expected": r["expected"],
                 "reason": r["reason"]} for r in d["results"]],
    "metrics": [], "kernels": [{"alias": c["column"]} for c in d["columns"]]}))
EOP
got=$("$report" --baseline "$tmp/v1.json" "$tmp/cur/7.2" | grep -E '^  [a-z]')
expect_eq "baseline from a format-1 results.json: the same changes" "$got" "$ref"
mkdir -p "$tmp/jsononly" && cp "$tmp/base.json" "$tmp/jsononly/results.json"
got=$("$report" --baseline "$tmp/jsononly" "$tmp/cur/7.2" | grep -E '^  [a-z]')
expect_eq "baseline directory with only results.json: the same changes" "$got" "$ref"

# results.json records the comparison.
"$report" --json "$tmp/cmp.json" --baseline "$tmp/base" "$tmp/cur/7.2" >/dev/null
got=$(python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))["baseline"]
print(b["regressions"], b["pairs"], b["not_compared"],
      sorted(c["change"] for c in b["changes"]))' "$tmp/cmp.json")
expect_eq "results.json: the baseline section" "$got" \
	"2 [{'baseline': '7.2', 'column': '7.2', 'matched_by': 'label'}] ['6.12'] ['changed observation', 'changed verdict', 'fixed', 'new ERROR', 'new FAIL', 'new case', 'removed case']"

# --diff A B: two stored runs; clashing labels become A:7.2 and B:7.2.
out=$("$report" --diff --matrix "$tmp/base" "$tmp/cur")
expect_eq "--diff: a regression exits 1" $? 1
expect_eq "--diff: matrix columns are distinct" \
	"$(grep '^case ' <<<"$out" | tr -s ' ')" "case A:6.12 A:7.2 B:7.2"
expect_match "--diff: changes use the distinct labels" "$out" \
	'^  new FAIL A:7\.2->B:7\.2 t to/fail: PASS OK -> FAIL EFAULT'
expect_match "--diff: the A column B lacks is said" "$out" \
	'^  A:6\.12: not in B, not compared$'
"$report" --diff "$tmp/cur" "$tmp/ok" >/dev/null
expect_eq "--diff: only fixes: exit 0" $? 0
"$report" --diff "$m/6.12" "$m/7.2" >/dev/null
expect_eq "--diff of two fixture runs without a regression exits 0" $? 0
out=$("$report" --diff "$m/6.12" "$m/7.2")
expect_match "--diff of one column each: matched, observation change listed" "$out" \
	'^  changed observation 6\.12->7\.2 mem_test memfd_shared/create: PASS EINVAL -> PASS OK$'

# Bad input: exit 2 before anything is compared.
"$report" --baseline "$tmp/nonexistent" "$tmp/cur/7.2" >/dev/null 2>&1
expect_eq "a missing baseline exits 2" $? 2
echo '{"suite":"other"}' >"$tmp/bad.json"
"$report" --baseline "$tmp/bad.json" "$tmp/cur/7.2" >/dev/null 2>&1
expect_eq "a baseline that is not an s2conform results.json exits 2" $? 2
"$report" --diff "$tmp/base" >/dev/null 2>&1
expect_eq "--diff with one run exits 2" $? 2

# run_tests.sh --baseline/--junit, against the stub harness and fake
# binaries test_cli.sh uses: 6.12 fails anon_4k/ro_store, 7.2 passes it but
# splats in splat_test.
stub_run() {
	S2CONFORM_VM=$data/vm-stub S2CONFORM_RESULTS=$tmp/results \
		S2_STUB_DIR=$tmp/stub O=$tmp/build \
		"$top/run_tests.sh" --vm --no-build "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
}
make_fake_suite "$tmp/build/arm64"
stub_run --kernel 6.12
old=$(readlink -f "$tmp/results/latest")
expect_eq "stub 6.12 run: exit 1 (a FAIL)" $rc 1
stub_run --kernel 7.2 --baseline "$old" --junit "$tmp/stub.xml"
expect_eq "7.2 against the 6.12 run: the new splat is a regression, exit 1" $rc 1
expect_eq "  exactly the differing cases" "$(grep -E '^  (new|fixed|changed|removed)' <<<"$out")" \
"  new FAIL 6.12->7.2 splat_test splat/warn: PASS 0 -> FAIL 0 (observed 0, expected 0 (kernel splat: WARNING: CPU: 1 PID: 77 at arch/arm64/kvm/mmu.c:42 fake_abort))
  fixed 6.12->7.2 mem_test anon_4k/ro_store: FAIL KVM_RUN:EFAULT -> PASS EXIT_MMIO"
expect_match "  the column match is said" "$out" \
	'^  baseline 6\.12 -> 7\.2: matched as the only column on each side'
check "  --junit FILE written" test -s "$tmp/stub.xml"
check "  and junit.xml kept with the run" test -s "$tmp/results/latest/junit.xml"
new=$(readlink -f "$tmp/results/latest")
stub_run --kernel 7.2 --baseline "$new/results.json"
expect_eq "7.2 against a 7.2 run: its old FAIL is no regression, exit 0" $rc 0
expect_match "  and nothing is listed" "$out" '^0 of [0-9]+ cases changed'
last=$(readlink -f "$tmp/results/latest")
stub_run --kernel 7.2 --baseline "$tmp/nonexistent"
expect_eq "run_tests.sh --baseline that cannot be read: exit 2" $rc 2
expect_match "  before anything ran" "$(cat "$tmp/err")" '^s2conform: --baseline: no such results: '
expect_eq "  no run was made" "$(readlink -f "$tmp/results/latest")" "$last"

# KCIDB: the status results.json gives each of ours is the one the
# mapping table in docs/results.md gives.
mkdir -p "$tmp/k"
for s in PASS FAIL XFAIL SKIP ERROR MISS; do
	printf 'k\tb\tc/%s\t%s\t\t\tr\t-\n' "$s" "$s"
done >"$tmp/k/records.tsv"
printf 'k\tb\tm\tMETRIC\t1\tns\t-\t-\n' >>"$tmp/k/records.tsv"
"$report" --json "$tmp/k.json" "$tmp/k" >/dev/null
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["results"]:
    print(r["status"], r["kcidb_status"])
for m in d["metrics"]:
    print("METRIC", m["kcidb_status"])' "$tmp/k.json" | sort)
# shellcheck disable=SC2016 # the backquotes are Markdown's
doc=$(sed -n 's/^| `\([A-Z]*\)` | `\([A-Z]*\)` |.*/\1 \2/p' "$top/docs/results.md" | sort)
expect_eq "KCIDB status of every status as docs/results.md maps it" "$got" "$doc"
expect_eq "  the table covers the six statuses and METRIC" "$(wc -l <<<"$doc")" 7

done_testing
