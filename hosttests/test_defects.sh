#!/bin/bash
# test_defects.sh - one way to name each kind of known kernel defect, and
# one list of them for a reader:
#   - a wrong *outcome* the kernel is known to give: make_defect() in the
#     model (lib/model/), the only place that sets expect.defect;
#   - a *splat* (WARN, BUG) a case is known to provoke:
#     configs/known-defects.conf, judged by runner/splat.awk;
# and README's "Known kernel defects" names every splat function listed.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

expect_eq "expect.defect is set by make_defect() alone" \
	"$(grep -rn '\.defect *=' "$top"/lib "$top"/arm64 |
		grep -v '^[^:]*lib/model/expect\.c:' | sed "s|$top/||")" ""

readme=$(awk '/^### Known kernel defects/ { on = 1; next }
	on && /^##/ { exit } on' "$top/README.md")
missing=
while IFS=$'\t' read -r rel kmode bin fn why; do
	case $rel in '#'* | '') continue ;; esac
	grep -q "$fn" <<<"$readme" || missing+=" $bin:$fn"
done <"$top/configs/known-defects.conf"
expect_eq "README's known defects name every splat in known-defects.conf" \
	"${missing# }" ""

n=$(grep -c '^[^#]' "$top/configs/known-defects.conf")
expect_eq "known-defects.conf: every entry has its five fields" \
	"$(awk -F'\t' '/^[^#]/ && NF == 5 && $4 ~ /^[A-Za-z_][A-Za-z0-9_.]*$/' \
		"$top/configs/known-defects.conf" | wc -l)" "$n"

done_testing
