#!/bin/bash
# test_splat.sh - runner/splat.awk: every splat in a console log judged on
# its own and blamed on the case (or binary) that ran, with excerpts of at
# most 20 lines.
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

	# configs/known-defects.conf: a listed splat is XFAIL on its kernels,
	# in its binary, with its function in the report; a glob is refused.
	printf '# c\n6.12.*\t*\tdev_test\tdax_disassociate_entry\tleaks a ref\n6.12.*\t*\t*\tdax_disassociate_entry\tany\n7.*\tprotected\tpk_test\tpkvm_pgtable_stage2_map\tpkvm\n' >"$tmp/kd"
	log='[ 1.0] s2conform: start dev_test
[ 2.0] WARNING: CPU: 1 PID: 5 at fs/dax.c:390 dax_disassociate_entry+0x6c
[ 3.0] s2conform: start other_test
[ 4.0] WARNING: CPU: 1 PID: 6 at fs/dax.c:390 dax_disassociate_entry+0x6c'
	got=$(echo "$log" | $awk -v release=6.12.117+deb12-arm64 \
		-v defects="$tmp/kd" -f "$splat" 2>"$tmp/kd.err" | cut -f2,4 | tr '\t\n' ':,')
	expect_eq "$awk: a known defect is XFAIL, only for its binary" \
		"$got" "dev_test:XFAIL,other_test:FAIL,"
	expect_match "$awk: a binary glob in known-defects.conf is refused" \
		"$(cat "$tmp/kd.err")" 'kd:3: ignored: want release glob, mode glob, binary name'

	# Folded into the case records: each splat goes to the case marked
	# before it; an unknown one after a known one fails its case.
	printf '6.12\tdev_test\ta/one\tPASS\t1\t1\t\t5\n6.12\tdev_test\ta/two\tPASS\t1\t1\t\t5\n' >"$tmp/rec"
	log='[ 1.0] s2conform: start dev_test
[ 1.1] s2conform: case a/one
[ 2.0] WARNING: CPU: 1 PID: 5 at fs/dax.c:390 dax_disassociate_entry+0x6c
[ 2.1] ---[ end trace 0 ]---
[ 2.2] s2conform: case a/two
[ 2.3] WARNING: CPU: 1 PID: 5 at fs/dax.c:390 dax_disassociate_entry+0x6c
[ 2.4] ---[ end trace 0 ]---
[ 2.5] WARNING: CPU: 1 PID: 5 at mm/gup.c:1 try_grab_folio+0x6c
[ 3.0] s2conform: end dev_test rc=0'
	got=$(echo "$log" | $awk -v release=6.12.117+deb12-arm64 -v kernel=6.12 \
		-v records="$tmp/rec" -v defects="$tmp/kd" -f "$splat" 2>/dev/null |
		cut -f3,4 | tr '\t\n' ':,')
	expect_eq "$awk: known splat XFAILs its case, an unknown one after it FAILs" \
		"$got" "a/one:XFAIL,a/two:FAIL,"
	got=$(printf '[ 1.0] s2conform: start dev_test\n[ 1.1] s2conform: case a/one\n[ 2.0] Kernel panic - not syncing: Fatal exception\n' |
		$awk -v records="$tmp/rec" -f "$splat" | cut -f3,4,7 | tr '\t\n' ':,')
	expect_eq "$awk: a panic is an ERROR of the binary" "$got" \
		"a/one:PASS:,a/two:PASS:,dev_test/kernel-panic:ERROR:kernel panic: Kernel panic - not syncing: Fatal exception,"
	got=$(echo "$log" | $awk -v release=7.2.13+deb14-arm64 \
		-v defects="$tmp/kd" -f "$splat" 2>/dev/null | cut -f4 | sort -u)
	expect_eq "$awk: on another kernel the same splat fails" "$got" FAIL
	log='[ 1.0] s2conform: start pk_test
[ 2.0] WARNING: arch/arm64/kvm/pkvm.c:469 at pkvm_pgtable_stage2_map+0x1c8/0x1d8, CPU#0: pk_test/99'
	got=$(for m in protected vhe; do echo "$log" | $awk -v release=7.2.13+deb14-arm64 \
		-v kvm_mode=$m -v defects="$tmp/kd" -f "$splat" 2>/dev/null | cut -f4; done | paste -sd ,)
	expect_eq "$awk: a defect of one KVM mode is known only in that mode" \
		"$got" "XFAIL,FAIL"
done < <(awks)

done_testing
