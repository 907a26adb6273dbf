#!/bin/bash
# test_run_direct.sh - runner/run_direct.sh on fake test binaries, under
# every POSIX shell present (busybox ash is what the guest has), with
# coreutils' and busybox's timeout.
# shellcheck disable=SC2016 # the fake binaries expand their own "$1"
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

rd="$top/runner/run_direct.sh"

fake() {
	printf '#!/bin/sh\n%s\n' "$2" >"$1"
	chmod +x "$1"
}

mixed=$tmp/mixed
mkdir -p "$mixed"
fake "$mixed/a_pass" '[ "$1" = --list ] && { echo a/one; exit 0; }
echo "TAP version 13"; echo "1..1"; echo "ok 1 a/one # observed=0 expected=0"
echo "to stderr" >&2; printf "no newline"'
fake "$mixed/b_skip" '[ "$1" = --list ] && { echo b/one; exit 0; }
echo "1..0 # SKIP nothing to do"; exit 4'
fake "$mixed/c_segv" '[ "$1" = --list ] && { echo c/one; exit 0; }
echo "1..1"; kill -SEGV $$'
fake "$mixed/d_term" '[ "$1" = --list ] && { echo d/one; exit 0; }
kill -TERM $$'
echo "not a test" >"$mixed/e_data"

hang=$tmp/hang
mkdir -p "$hang"
fake "$hang/hang" '[ "$1" = --list ] && { echo h/one; exit 0; }
echo "1..1"; exec sleep 30'

# Slower than -t, but within the budget its plan states (--budget).
slow=$tmp/slow
mkdir -p "$slow"
fake "$slow/slow_test" '[ "$1" = --list ] && { echo s/one; exit 0; }
[ "$1" = --budget ] && { echo 2; exit 0; }
echo "1..1"; sleep 2; echo "ok 1 s/one"'

make_fake_suite "$tmp/suite"
fake "$tmp/suite/args_test" '[ "$1" = --list ] && { echo anon_4k/args; exit 0; }
echo "1..1"; echo "ok 1 anon_4k/args # observed=$* expected=x"'

bb=$tmp/busybox-timeout
if command -v busybox >/dev/null; then
	mkdir -p "$bb"
	ln -s "$(command -v busybox)" "$bb/timeout"
fi

while read -r sh; do
	: >"$tmp/kmsg"
	out=$(S2_KMSG=$tmp/kmsg $sh "$rd" -t 30 "$mixed")
	rc=$?
	expect_eq "$sh: a failing binary makes exit 1" $rc 1
	expect_eq "$sh: plan counts executables only" \
		"$(sed -n 1,2p <<<"$out" | tr '\n' ' ')" "TAP version 13 1..4 "
	expect_eq "$sh: per-binary result lines" \
		"$(grep -E '^(not )?ok' <<<"$out")" \
		"ok 1 selftests: s2conform: a_pass
ok 2 selftests: s2conform: b_skip # SKIP
not ok 3 selftests: s2conform: c_segv # exit=139
not ok 4 selftests: s2conform: d_term # exit=143"
	expect_eq "$sh: kselftest's closing totals line" "$(tail -n 1 <<<"$out")" \
		"# Totals: pass:1 fail:2 xfail:0 xpass:0 skip:1 error:0"
	expect_eq "$sh: binary output nested behind '# ', stderr and last line too" \
		"$(sed -n '/selftests: s2conform: a_pass/,/^ok 1/p' <<<"$out")" \
		"# selftests: s2conform: a_pass
# TAP version 13
# 1..1
# ok 1 a/one # observed=0 expected=0
# to stderr
# no newline
ok 1 selftests: s2conform: a_pass"
	expect_eq "$sh: start/end markers around each binary, one per case result" \
		"$(tr '\n' ' ' <"$tmp/kmsg")" \
		"s2conform: start a_pass s2conform: result a/one s2conform: end a_pass rc=0 s2conform: start b_skip s2conform: end b_skip rc=4 s2conform: start c_segv s2conform: end c_segv rc=139 s2conform: start d_term s2conform: end d_term rc=143 "

	out=$(S2_FAKE_KERNEL=7.2 $sh "$rd" -f 'anon_4k/*' "$tmp/suite")
	expect_eq "$sh: -f runs only binaries with a matching case" \
		"$(grep -E '^(1\.\.|ok|not ok)' <<<"$out" | tr '\n' ' ')" \
		"1..2 ok 1 selftests: s2conform: args_test ok 2 selftests: s2conform: mem_test "
	expect_match "$sh: -f passes --filter GLOB to the binary" "$out" \
		'^# ok 1 anon_4k/args # observed=--filter anon_4k/\* expected=x$'
	out=$($sh "$rd" -f 'nothing*' "$tmp/suite")
	expect_eq "$sh: -f matching nothing runs nothing and passes" \
		"$?:$(sed -n 2p <<<"$out")" "0:1..0"

	out=$(S2_FAKE_KERNEL=7.2 $sh "$rd" "$tmp/suite" mte_test mem_test)
	expect_eq "$sh: NAME arguments pick binaries and their order" \
		"$?:$(grep -E '^(1\.\.|ok|not ok)' <<<"$out" | tr '\n' ' ')" \
		"0:1..2 ok 1 selftests: s2conform: mte_test # SKIP ok 2 selftests: s2conform: mem_test "
	out=$($sh "$rd" "$tmp/suite" nosuch_test)
	expect_eq "$sh: a named binary that is missing fails, as kselftest's does" \
		"$?:$(grep -E '^(#|not ok)' <<<"$out" | head -n 3 | tr '\n' '|')" \
		"1:# selftests: s2conform: nosuch_test|# Warning: file nosuch_test is missing!|not ok 1 selftests: s2conform: nosuch_test # missing|"
	out=$($sh "$rd" -l -f '*create' "$tmp/suite")
	expect_eq "$sh: -l lists binary:case" "$out" \
		"mem_test:anon_4k/create
mem_test:hugetlb_2m/create"
	out=$(S2_FAKE_KERNEL=7.2 $sh "$rd" "$tmp/suite")
	expect_eq "$sh: all passing or skipped makes exit 0" $? 0

	out=$($sh "$rd" -v -t 1 "$slow" 2>"$tmp/err")
	expect_eq "$sh: a binary's limit comes from its plan (--budget + slack), not -t" \
		"$?:$(grep -E '^(not )?ok' <<<"$out")" \
		"0:ok 1 selftests: s2conform: slow_test"
	expect_match "$sh: -v names the derived limit: budget 2 s + 60 s" \
		"$(cat "$tmp/err")" 'slow_test: rc=0 in [0-9]+s \(limit 62s\)$'

	$sh "$rd" 2>/dev/null
	expect_eq "$sh: no TESTDIR is a usage error" $? 2
	$sh "$rd" -t abc "$mixed" 2>/dev/null
	expect_eq "$sh: bad -t is a usage error" $? 2
	$sh "$rd" -x "$mixed" 2>/dev/null
	expect_eq "$sh: unknown option is a usage error" $? 2
	$sh "$rd" "$tmp/nonexistent" 2>/dev/null
	expect_eq "$sh: missing TESTDIR is a usage error" $? 2

	for t in coreutils busybox; do
		path=$PATH
		if [ $t = busybox ]; then
			[ -d "$bb" ] || continue
			path=$bb:$PATH
		fi
		: >"$tmp/kmsg"
		out=$(PATH=$path S2_KMSG=$tmp/kmsg $sh "$rd" -t 1 "$hang")
		expect_eq "$sh, $t timeout: TIMEOUT line and exit 1" \
			"$?:$(grep '^not ok' <<<"$out")" \
			"1:not ok 1 selftests: s2conform: hang # TIMEOUT 1 seconds"
		expect_eq "$sh, $t timeout: end marker says rc=124" \
			"$(tail -n 1 "$tmp/kmsg")" "s2conform: end hang rc=124"
	done
done < <(shells)

# The filter contract: run_direct.sh's in_globs against the table that
# lib/model/globs.c is held to in make unit (hosttests/data/globs.tsv).
eval "$(sed -n '/^in_globs() {/,/^}/p' "$top/runner/run_direct.sh")"
bad=
while IFS=$'\t' read -r list name want; do
	case $list in '#'* | '') continue ;; esac
	if in_globs "$name" "$list"; then got=1; else got=0; fi
	[ "$got" = "$want" ] || bad+=" '$list' '$name' (want $want)"
done <"$data/globs.tsv"
expect_eq "in_globs follows hosttests/data/globs.tsv, as lib/model/globs.c does" \
	"$bad" ""

done_testing
