#!/bin/bash
# test_markdown.sh - matrix.md from runner/report.sh (report.py), on
# the recorded results in hosttests/data/matrix/ (three kernels: a
# failing case, a splat, a crashed binary, a skip, a case missing on some
# kernels, a metric, a "|" in a value, an over-long value).
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

report="$top/runner/report.sh"
m=$data/matrix

"$report" --markdown "$tmp/m.md" "$m/6.1" "$m/6.12" "$m/7.2" >/dev/null
expect_eq "report.sh --markdown still exits 1 on a failure" $? 1
expect_same "matrix.md matches the recorded one" "$tmp/m.md" "$m/expected.md"
md=$(cat "$tmp/m.md")

# The same bytes whatever the locale: widths count characters, not bytes.
for loc in C C.UTF-8 POSIX; do
	LC_ALL=$loc "$report" --markdown "$tmp/$loc.md" "$m/6.1" "$m/6.12" \
		"$m/7.2" >/dev/null
	expect_same "LC_ALL=$loc gives the same Markdown" "$tmp/$loc.md" \
		"$m/expected.md"
done

expect_match "title counts kernels and cases" "$(head -n 1 <<<"$md")" \
	'^# s2conform: 3 kernels, 7 cases$'
expect_match "date from the first kernel's start, in UTC" "$md" \
	'^Run 2026-11-21 07:29 UTC\.$'
expect_match "counts of every status in all" "$md" \
	'^12 passed, 3 failed, 0 xfail, 1 skipped, 0 error, 0 miss in all\.$'
expect_match "header row per kernel: release, every status, times" "$md" \
	'^\| 6\.1 \| 6\.1\.0-56-arm64 \| - \| 2 \| \*\*3\*\* \| 0 \| 1 \| 0 \| 0 \| 5 s \| - \| 14 s \|$'
expect_match "unknown time is -" "$md" '^\| 7\.2 \| 7\.2\.13\+deb14-arm64 \| - \| 5 \| 0 \| 0 \| 0 \| 0 \| 0 \| 6 s \| - \| - \|$'
expect_match "FAIL cell is bold and shows the observed value" "$md" \
	'^\| memfd_shared/create +\| \*\*FAIL\*\* OK +\| EINVAL +\| OK +\|$'
expect_match "failure note gives expected and reason" "$md" \
	'^- 6\.1 memfd_shared/create: observed `OK`, expected `EINVAL` \(row 9: 6\.1$'
expect_match "  wrapped as a list item" "$md" '^  refuses MAP_SHARED with MTE\)$'
expect_eq "no line is longer than the widest table" \
	"$(awk '!/^\|/ && length($0) > 76' "$tmp/m.md")" ""
expect_match "a crashed binary is one row, its exit in the cell" "$md" \
	'^\| \(whole binary\) +\| \*\*FAIL\*\* exit=139 \(SIGSEGV\) +\| - +\| - +\|$'
expect_match "same as the left: a ditto mark" "$md" \
	'^\| anon_4k/ro_load +\| completed=0xfedcba9876543210 +\| " +\| " +\|$'
expect_match "\"|\" in a value is escaped" "$md" '\| a\\\|b +\| " +\|'
expect_match "long values are cut" "$md" '\| exit:MMIO-write@0x40000000_and\.\. +\|'
expect_match "differences section lists only what differs" \
	"$(sed -n '/^## Where/,/^## mem_test/p' <<<"$md" | grep -c '^| [a-z]')" '^6$'
expect_match "one table per binary" "$(grep -c '^## [a-z_]* ([0-9]* cases*)$' <<<"$md")" '^2$'
expect_match "metrics table" "$md" \
	'^\| mem_test: unmap\.ns_per_page \| 123\.4 ns \| 99 ns \| - +\|$'

# Shape: every table row has its header's number of cells, raw columns line
# up (equal lengths within a padded table), no trailing blanks, no tabs.
bad=$(awk '/^\|/ {
		line = $0; gsub(/\\\|/, "", line)
		n = gsub(/\|/, "|", line)
		if (!intable) { cells = n; len = length($0); intable = 1; hdr = NR }
		else if (n != cells) print NR ": " n " cells, header has " cells
		else if (hdr > 6 && length($0) != len) print NR ": not padded"
		next
	}
	{ intable = 0 }' "$tmp/m.md")
expect_eq "tables are well-formed and padded" "$bad" ""
expect_eq "no trailing blanks or tabs" "$(grep -cE ' $|	' "$tmp/m.md")" 0

# One kernel: no differences section, no ditto marks.
"$report" --markdown "$tmp/one.md" "$m/6.12" >/dev/null
one=$(cat "$tmp/one.md")
expect_match "one kernel: title" "$one" '^# s2conform: 1 kernel, 5 cases$'
expect_eq "one kernel: no differences section" "$(grep -c '^## Where' <<<"$one")" 0
expect_eq "one kernel: no ditto marks" "$(grep -c '| " ' <<<"$one")" 0

# Without kernel.info the label comes from the records, and no date.
mkdir -p "$tmp/bare"
cp "$m/7.2/records.tsv" "$tmp/bare/"
"$report" --markdown "$tmp/bare.md" "$tmp/bare" >/dev/null
bare=$(cat "$tmp/bare.md")
expect_match "no kernel.info: label from the records" "$bare" '^\| 7\.2 \| - \| - \| 5 \| 0 \| 0 \| 0 \| 0 \| 0 \| - \| - \| - \|$'
expect_match "no kernel.info: no date" "$bare" '^5 passed, 0 failed, 0 xfail, 0 skipped, 0 error, 0 miss in all\.$'

# The statuses the suite's own troubles get: ERROR and MISS are bold with
# their reason (a note under the table too), a known defect is marked.
mkdir -p "$tmp/err"
printf 'alias=7.2\nboot_status=ok\nboot_seconds=6\ntest_seconds=40\nwall_seconds=50\n' >"$tmp/err/kernel.info"
{
	printf '7.2\tmem_test\tanon_4k/create\tPASS\tOK\tOK\trow 1\t12\n'
	printf '7.2\tmem_test\tanon_4k/ro_store\tERROR\t\t\tvCPU set-up failed: ENOMEM\t-\n'
	printf '7.2\tmem_test\tanon_4k/exec\tMISS\t\t\tdue but never reported\t-\n'
	printf '7.2\tmem_test\thugetlb/pool_reuse\tXFAIL\tcompleted=0x100\tcompleted=0x100\tknown defect\t3\n'
} >"$tmp/err/records.tsv"
"$report" --markdown "$tmp/err.md" "$tmp/err" >/dev/null
expect_eq "ERROR/MISS without FAIL exit 3" $? 3
err=$(cat "$tmp/err.md")
expect_match "ERROR/MISS/XFAIL counted, test time shown" "$err" \
	'^\| 7\.2 \| - \| - \| 1 \| 0 \| 1 \| 0 \| \*\*1\*\* \| \*\*1\*\* \| 6 s \| 40 s \| 50 s \|$'
expect_match "an ERROR cell is bold with its reason" "$err" \
	'^\| anon_4k/ro_store +\| \*\*ERROR\*\* vCPU set-up failed\.\. +\|$'
expect_match "a MISS cell is bold with its reason" "$err" \
	'^\| anon_4k/exec +\| \*\*MISS\*\* due but never repo\.\. +\|$'
expect_match "an XFAIL cell shows the observed value" "$err" \
	'^\| hugetlb/pool_reuse +\| XFAIL completed=0x100 +\|$'
expect_match "an ERROR gets a note" "$err" \
	'^- 7\.2 anon_4k/ro_store: ERROR vCPU set-up failed: ENOMEM$'
printf 'alias=7.2\nboot_status=error: watchdog fired after 900s\n' >"$tmp/err/kernel.info"
"$report" --markdown "$tmp/err.md" "$tmp/err" >/dev/null
expect_match "a failed boot shows its cause" "$(cat "$tmp/err.md")" \
	'^\| 7\.2 \| - \| - \| 1 \| 0 \| 1 \| 0 \| \*\*1\*\* \| \*\*1\*\* \| \*\*error: watchdog fired after 900s\*\* \| - \| - \|$'

"$report" --markdown 2>/dev/null
expect_eq "usage: --markdown without a file exits 2" $? 2
"$report" --markdown /nonexistent/dir/m.md "$m/6.12" >/dev/null 2>&1
expect_eq "an unwritable --markdown file exits 2" $? 2

done_testing
