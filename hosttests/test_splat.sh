#!/bin/bash
# test_splat.sh - runner/splat.awk: splats found in a console log and blamed
# on the binary of the last start marker, with excerpts of at most 20 lines.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

splat="$top/runner/splat.awk"

while read -r awk; do
	$awk -v kernel=6.12 -v excerpts="$tmp/ex" -f "$splat" \
		"$fixtures/console.log" >"$tmp/got.tsv"
	expect_same "$awk: splat records" "$tmp/got.tsv" "$fixtures/console.tsv"
	expect_same "$awk: splat excerpts" "$tmp/ex" "$fixtures/console.excerpts"

	longest=$(awk '/^--- /{ if (n > m) m = n; n = 0; next } { n++ }
		END { if (n > m) m = n; print m }' "$tmp/ex")
	expect_eq "$awk: an excerpt stops at 20 lines" "$longest" 20

	got=$(grep -c clean_test "$tmp/got.tsv")
	expect_eq "$awk: a binary without a splat gets no record" "$got" 0

	got=$(printf '[ 1.0] s2conform: start a\n[ 2.0] s2conform: end a rc=0\n' |
		$awk -f "$splat" | wc -l)
	expect_eq "$awk: a quiet log gives no records" "$got" 0
	rm -f "$tmp/ex"
done < <(awks)

done_testing
