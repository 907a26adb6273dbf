#!/bin/bash
# test_splat.sh - runner/splat.awk: splats found in a console log and blamed
# on the binary of the last start marker, with excerpts of at most 20 lines.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

splat="$top/runner/splat.awk"

while read -r awk; do
	$awk -v kernel=6.12 -v excerpts="$tmp/ex" -f "$splat" \
		"$data/console.log" >"$tmp/got.tsv"
	expect_same "$awk: splat records" "$tmp/got.tsv" "$data/console.tsv"
	expect_same "$awk: splat excerpts" "$tmp/ex" "$data/console.excerpts"

	longest=$(awk '/^--- /{ if (n > m) m = n; n = 0; next } { n++ }
		END { if (n > m) m = n; print m }' "$tmp/ex")
	expect_eq "$awk: an excerpt stops at 20 lines" "$longest" 20

	got=$(grep -c clean_test "$tmp/got.tsv")
	expect_eq "$awk: a binary without a splat gets no record" "$got" 0

	got=$(printf '[ 1.0] s2conform: start a\n[ 2.0] s2conform: end a rc=0\n' |
		$awk -f "$splat" | wc -l)
	expect_eq "$awk: a quiet log gives no records" "$got" 0
	rm -f "$tmp/ex"

	# configs/known-defects.conf: a listed splat is XFAIL on its kernels.
	printf '# c\n6.12.*\tdev_*\tdax_disassoc\tleaks a ref\n' >"$tmp/kd"
	log='[ 1.0] s2conform: start dev_test
[ 2.0] WARNING: CPU: 1 PID: 5 at fs/dax.c:390 dax_disassociate_entry+0x6c
[ 3.0] s2conform: start other_test
[ 4.0] WARNING: CPU: 1 PID: 6 at fs/dax.c:390 dax_disassociate_entry+0x6c'
	got=$(echo "$log" | $awk -v release=6.12.117+deb12-arm64 \
		-v defects="$tmp/kd" -f "$splat" | cut -f2,4 | tr '\t\n' ':,')
	expect_eq "$awk: a known defect is XFAIL, only for its binaries" \
		"$got" "dev_test:XFAIL,other_test:FAIL,"
	got=$(echo "$log" | $awk -v release=7.2.13+deb14-arm64 \
		-v defects="$tmp/kd" -f "$splat" | cut -f4 | sort -u)
	expect_eq "$awk: on another kernel the same splat fails" "$got" FAIL
done < <(awks)

done_testing
