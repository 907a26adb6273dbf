#!/bin/bash
# test_bench_report.sh - report.sh --bench: the benchmark's table (ns per
# stage-2 page by size, slope, r2, the TLBI line) and its SVG curves, from
# a stored 7.2 --bench run (hosttests/data/bench/results.json); with a
# baseline, its slope and ratio in the table and its panel beside.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

report="$top/runner/report.sh"
run=$data/bench/results.json

# svg_count FILE WHAT: how many WHAT elements (polyline, ...) FILE holds,
# or "bad XML".
svg_count() {
	python3 - "$1" "$2" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as e:
    print("bad XML: %s" % e)
    sys.exit(0)
ns = "{http://www.w3.org/2000/svg}"
els = root.iter(ns + sys.argv[2])
if sys.argv[2] == "dashed":
    els = [e for e in root.iter(ns + "polyline")
           if e.get("stroke-dasharray")]
print(len(list(els)))
PY
}

out=$("$report" --summary --bench "$tmp/b.svg" "$run")
rc=$?
expect_eq "--bench: exit 0 (the run passed)" "$rc" 0
expect_match "the table comes after the summary" \
	"$(sed -n '3p' <<<"$out")" '^benchmark 7\.2: ns per stage-2 page'
expect_match "a backing's block: its granule and sizes" "$out" \
	'^  anon_4k \(4K\) +4M +8M +16M +slope +r2$'
expect_match "an operation's line: ns/page per size, slope, r2" "$out" \
	'^    munmap +8852 +5844 +7635 +5535\.6 +0\.999$'
expect_match "the granule from ns/page over ns/GiB: 2M blocks" "$out" \
	'^  anon_thp \(2M\) +64M +128M +256M +512M +1G '
expect_match "one size: no slope" "$out" '^    munmap +488524 +- +-$'
expect_match "row 40's strategy, measured and expected" "$out" \
	'^  TLBI on unmap: range \(row 40 expects range\): PASS$'
expect_eq "the last line names the picture" "$(tail -n 1 <<<"$out")" \
	"benchmark curves: $tmp/b.svg"

# 5 backings: anon_4k 4 ops, anon_thp 4, hugetlb_private 4, gmem_shared
# 2 with lines; hugetlb_1g's 4 (one size) are markers alone.
expect_eq "the SVG: one line per backing x operation with two sizes" \
	"$(svg_count "$tmp/b.svg" polyline)" 14
expect_eq "the SVG: a legend entry per backing x operation" \
	"$(grep -c '<text [^>]*font-size="11">' "$tmp/b.svg")" 18
expect_match "the SVG: log size axis labelled in sizes" \
	"$(cat "$tmp/b.svg")" '>1G</text>'
expect_match "the SVG: the panel names the column and release" \
	"$(cat "$tmp/b.svg")" '>7\.2 \(7\.2\.13\+deb14-arm64\)</text>'

# A baseline that took 2x as long: its slope, the ratio, its panel.
python3 - "$run" "$tmp/base.json" <<'PY'
import json
import sys
d = json.load(open(sys.argv[1]))
for m in d["metrics"]:
    if m["name"].endswith(("ns_per_page", "ns_per_gib", "slope_ns_per_page")):
        m["value"] *= 2
json.dump(d, open(sys.argv[2], "w"))
PY
out=$("$report" --baseline "$tmp/base.json" --bench "$tmp/c.svg" "$run")
expect_match "baseline: its slope and this run's over it" "$out" \
	'^    munmap +8852 +5844 +7635 +5535\.6 +0\.999 +11071\.2 +0\.50$'
expect_eq "baseline: a panel beside, dashed" \
	"$(svg_count "$tmp/c.svg" dashed):$(grep -c '>baseline 7\.2 ' "$tmp/c.svg")" \
	"14:1"

# A run without benchmark figures: said so, no picture.
mkdir -p "$tmp/t"
printf '7.2\tmem_test\tanon_4k/map\tPASS\t0\t0\t\n' >"$tmp/t/records.tsv"
out=$("$report" --bench "$tmp/d.svg" "$tmp/t")
expect_eq "no figures: said, no SVG" \
	"$(tail -n 1 <<<"$out"):$([ -e "$tmp/d.svg" ] && echo svg)" \
	"benchmark: no figures to show:"

"$report" --bench "" "$run" >/dev/null 2>&1
expect_eq "--bench wants a file" "$?" 2

done_testing
