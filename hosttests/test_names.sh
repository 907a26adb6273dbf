#!/bin/bash
# test_names.sh - names the build checks: every backing kind a test names
# (KINDS(), .kind, backing_find()) is registered in lib/backing/, or make
# fails naming file:line (scripts/check_names.sh, a prerequisite of every
# test object).
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

check="$top/scripts/check_names.sh"

"$check" "$tmp/stamp" "$top"/arm64/*.c 2>"$tmp/err"
expect_eq "every kind the tree's tests name is registered" \
	"$?:$(cat "$tmp/err")" "0:"

# A misspelt kind on a KINDS() continuation line, and one in .kind.
sed -e 's/"hugetlb_private",$/"hugetlb_privat",/' \
	-e '0,/"anon_thp"/s//"anon_tph"/' "$top/arm64/unmap_test.c" \
	>"$tmp/bad_test.c"
printf '\t{ "x", check_x, .kind = "fixture_tmm" },\n' >>"$tmp/bad_test.c"
rm -f "$tmp/stamp"
"$check" "$tmp/stamp" "$tmp/bad_test.c" 2>"$tmp/err"
expect_eq "a misspelt kind fails, and the stamp is not made" \
	"$?:$([ -e "$tmp/stamp" ] && echo stamp)" "1:"
expect_eq "each misspelt kind is named with its file and line" \
	"$(grep -c 'bad_test.c:[0-9]*: unknown backing kind "\(anon_tph\|hugetlb_privat\|fixture_tmm\)"' "$tmp/err")" 3

# make itself refuses: the check is a prerequisite of the test objects.
mkdir -p "$tmp/tree"
cp -R "$top"/Makefile "$top"/arm64 "$top"/lib "$top"/include \
	"$top"/scripts "$top"/fixture "$top"/configs "$tmp/tree/"
sed -i 's/KINDS("anon_4k", "memfd_shared"/KINDS("anon_4k", "memfd_shard"/' \
	"$tmp/tree/arm64/mte_lifetime_test.c"
out=$(make -C "$tmp/tree" -s O="$tmp/obj" "$tmp/obj/arm64/mte_lifetime_test.o" 2>&1)
expect_match "make fails on a misspelt kind, before compiling" "$out" \
	'mte_lifetime_test.c:[0-9]+: unknown backing kind "memfd_shard"'

done_testing
