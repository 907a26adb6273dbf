#!/bin/bash
# test_groups.sh - run_tests.sh --test: binaries and groups, alone and with
# --filter, in VM mode (stub harness) and direct mode on the fake suite; and
# configs/test-groups.conf against the real build: every binary is in a
# group, every binary and case glob in the table exists.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

use_vm_stub
export S2_TEST_GROUPS=$data/test-groups.conf

# ran: "binary:case" for every case the last run reported, in order.
ran() {
	awk -F'\t' '$4 != "METRIC" { print $2 ":" $3 }' \
		"$tmp"/results/2*/*/records.tsv | paste -sd ' '
}

listed() {
	run "$@"
	tr '\n' ' ' <<<"$out" | sed 's/ $//'
}

expect_eq "--list --test BINARY: its cases" \
	"$(listed --vm --no-build --list --test mte_test)" "mte_test:mte/tagged"
expect_eq "--list --test GROUP: its binaries and only its cases" \
	"$(listed --vm --no-build --list --test mem)" \
	"mem_test:anon_4k/create mem_test:anon_4k/ro_store splat_test:splat/warn"
expect_eq "--list --test two groups: globs of one binary joined" \
	"$(listed --vm --no-build --list --test create,mem)" \
	"mem_test:anon_4k/create mem_test:anon_4k/ro_store mem_test:hugetlb_2m/create splat_test:splat/warn"
expect_eq "--list --test GROUP,BINARY: the binary whole" \
	"$(listed --vm --no-build --list --test mem,mem_test)" \
	"mem_test:anon_4k/create mem_test:anon_4k/ro_store mem_test:hugetlb_2m/create splat_test:splat/warn"
expect_eq "--list --test GROUP --filter: both must match" \
	"$(listed --vm --no-build --list --test mem --filter '*create')" \
	"mem_test:anon_4k/create"
expect_eq "--list --filter comma list: any of its globs" \
	"$(listed --vm --no-build --list --filter 'mte/*,splat/*')" \
	"mte_test:mte/tagged splat_test:splat/warn"
expect_eq "--list in direct mode asks the binaries, same selection" \
	"$(listed --direct --no-build --list --test create,mem)" \
	"mem_test:anon_4k/create mem_test:anon_4k/ro_store mem_test:hugetlb_2m/create splat_test:splat/warn"

run --vm --no-build --test memm
expect_eq "unknown --test name: exit 2" $rc 2
expect_match "unknown --test name: says which groups there are" "$err" \
	"--test: 'memm' is neither a test group \(create mem tags\) nor a test binary"
run --vm --no-build --test mte_test --filter 'anon_4k/*'
expect_match "--test and --filter matching nothing: exit 2, said" "$rc $err" \
	"^2 .*no case matches --test 'mte_test' and --filter 'anon_4k/\*'"
run --vm --no-build --test ''
expect_match "empty --test: exit 2" "$rc $err" \
	"^2 .*--test wants at least one binary or group"

# Whole runs: exactly the selected cases run and are reported.
rm -rf "$tmp/results"
run --vm --no-build --kernel 7.2 --test mem
expect_eq "VM run --test GROUP: exactly its cases ran" "$(ran)" \
	"mem_test:anon_4k/create mem_test:anon_4k/ro_store splat_test:splat/warn"
rm -rf "$tmp/results"
run --vm --no-build --kernel 6.12 --test create,tags --filter '*/create,mte/*'
expect_eq "VM run two groups and a --filter list" "$(ran)" \
	"mem_test:anon_4k/create mem_test:hugetlb_2m/create mte_test:mte/tagged"
rm -rf "$tmp/results"
S2_KMSG=$tmp/kmsg run --direct --no-build --test mem --filter '*/ro_store'
expect_eq "direct run --test GROUP --filter" "$(ran)" "mem_test:anon_4k/ro_store"

# The real table against the real build.
table=$top/configs/test-groups.conf
bdir=$top/build/arm64
if ! ls "$bdir"/*.cases >/dev/null 2>&1; then
	ok "test-groups.conf against the build # SKIP not built (make)"
	done_testing
fi
rows=$(grep -vE '^[[:space:]]*(#|$)' "$table")
for g in mte unmap device pfnmap memslot; do
	expect_match "test-groups.conf has group $g" "$rows" "^${g}[[:space:]]"
done
missing=
for c in "$bdir"/*.cases; do
	b=${c##*/}
	b=${b%.cases}
	awk -v b="$b" '$2 == b { found = 1 } END { exit !found }' <<<"$rows" ||
		missing+=" $b"
done
expect_eq "every built binary is in a group" "${missing:-none}" none
bad=
while read -r g b globs; do
	[ -f "$bdir/$b.cases" ] || { bad+=" $g/$b(no such binary)"; continue; }
	IFS=, read -ra gl <<<"$globs"
	for gg in "${gl[@]}"; do
		# shellcheck disable=SC2053
		while IFS= read -r c; do [[ $c == $gg ]] && continue 2; done \
			<"$bdir/$b.cases"
		bad+=" $g/$b:$gg"
	done
done <<<"$rows"
expect_eq "every binary and case glob in the table matches something" \
	"${bad:-none}" none

done_testing
