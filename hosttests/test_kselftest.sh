#!/bin/bash
# test_kselftest.sh - the kselftest packaging: `make install` lays out the
# collection (cross-built binaries, settings, list, runner, profiles), and
# the installed run_kselftest.sh behaves like the kernel's, on fake binaries.
# If a kernel source tree is in the cache (bisect/fetch_source.sh), the
# kernel's own run_kselftest.sh runs the same layout too.
# shellcheck disable=SC2016 # the fake binaries expand their own "$1"
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

# --- make install --------------------------------------------------------
inst=$tmp/inst
if ! out=$(make -s -C "$top" install O="$tmp/build" INSTALL_PATH="$inst" \
	KSFT_TIMEOUT=150 2>&1); then
	fail "make install builds and installs" "$out"
	done_testing
fi
ok "make install builds and installs"

expect_collection "$inst"
expect_eq "settings: the per-binary timeout (KSFT_TIMEOUT)" \
	"$(cat "$inst/s2conform/settings")" "timeout=150"
check "run_kselftest.sh and its runner are installed executable" \
	test -x "$inst/run_kselftest.sh" -a -x "$inst/kselftest/run_direct.sh"
check "profiles sit at <binary dir>/../configs/profiles (lib/facts.c)" \
	test -d "$inst/s2conform/../configs/profiles"
out=$("$inst/run_kselftest.sh" -l)
expect_eq "installed run_kselftest.sh -l lists the collection" "$out" \
	"$(cat "$inst/kselftest-list.txt")"
out=$("$inst/run_kselftest.sh" -d -t "s2conform:${bins[0]}")
expect_eq "installed run_kselftest.sh -d shows the command, settings timeout" \
	"$out" "$inst/kselftest/run_direct.sh -t 150 $inst/s2conform ${bins[0]}"

# --- run_kselftest.sh on fake binaries ------------------------------------
# fake_install DIR: the installed layout with fake test binaries.
fake_install() {
	local d=$1
	mkdir -p "$d/s2conform" "$d/kselftest" "$d/configs/profiles"
	make_fake_suite "$d/s2conform"
	rm -f "$d/s2conform"/*.cases
	printf '#!/bin/sh\n[ "$1" = --list ] && { echo h/one; exit 0; }\necho "1..1"; exec sleep 30\n' \
		>"$d/s2conform/hang_test"
	printf '#!/bin/sh\necho "1..1"; echo "ok 1 p # observed=$(ls ../configs) expected=profiles"\n' \
		>"$d/s2conform/where_test"
	chmod +x "$d/s2conform/hang_test" "$d/s2conform/where_test"
	echo timeout=1 >"$d/s2conform/settings"
	printf 's2conform:%s\n' mem_test mte_test splat_test where_test hang_test \
		>"$d/kselftest-list.txt"
	cp "$top/runner/run_kselftest.sh" "$d/"
	cp "$top/runner/run_direct.sh" "$d/kselftest/"
}
f=$tmp/fake
fake_install "$f"
rk=$f/run_kselftest.sh

# run ARGS...: sets rc and out.
run() {
	out=$(cd "$tmp" && S2_FAKE_KERNEL=7.2 "$rk" "$@" 2>"$tmp/err")
	rc=$?
}
results() { grep -E '^(not )?ok ' <<<"$out" | tr '\n' '|'; }

run
expect_eq "default: every test, kselftest result lines, exit 1 on a timeout" \
	"$rc:$(results)" \
	"1:ok 1 selftests: s2conform: mem_test|ok 2 selftests: s2conform: mte_test # SKIP|ok 3 selftests: s2conform: splat_test|ok 4 selftests: s2conform: where_test|not ok 5 selftests: s2conform: hang_test # TIMEOUT 1 seconds|"
expect_eq "TAP header and plan" "$(head -n 2 <<<"$out" | tr '\n' ' ')" "TAP version 13 1..5 "
expect_match "binaries run from the collection directory" "$out" \
	'^# ok 1 p # observed=profiles expected=profiles$'
expect_match "kselftest totals line" "$out" \
	'^# Totals: pass:3 fail:1 xfail:0 xpass:0 skip:1 error:0$'
run -S s2conform:hang_test
expect_eq "-S skips a test" "$rc:$(results | grep -c hang_test)" "0:0"
run -t s2conform:mte_test -t s2conform:mem_test
expect_eq "-t runs the named tests" "$rc:$(results)" \
	"0:ok 1 selftests: s2conform: mte_test # SKIP|ok 2 selftests: s2conform: mem_test|"
run -c s2conform -S s2conform:hang_test -S s2conform:splat_test
expect_eq "-c selects the collection" "$rc:$(grep -c '^ok' <<<"$out")" "0:3"
run -t s2conform:hang_test -o 2
expect_match "-o overrides the settings timeout" "$out" 'TIMEOUT 2 seconds$'
run -t s2conform:hang_test -f
expect_eq "-f: failures do not fail the run" "$rc" 0
run -t s2conform:nosuch
expect_eq "an unknown test exits 1 and says so" "$rc:$(cat "$tmp/err")" \
	"1:$rk: No such test 's2conform:nosuch'"
run -c kvm
expect_eq "an unknown collection exits 1" "$rc" 1
run -x
expect_match "a bad option prints usage and exits 1" "$rc:$out" '^1:Usage: '

run -s -S s2conform:hang_test
expect_eq "-s: headers, results and totals on stdout" \
	"$rc:$(grep -vcE '^(TAP version|1\.\.|# selftests: |# Totals: |ok |not ok )' <<<"$out")" "0:0"
expect_match "-s: the nested output in output.log" "$(cat "$f/output.log")" \
	'^# ok 1 anon_4k/create # observed=0 expected=0$'
run -p "$tmp/logs" -t s2conform:mem_test -t s2conform:where_test
expect_eq "-p: one log per test" "$(ls "$tmp/logs" | tr '\n' ' ')" "mem_test where_test "
expect_match "-p: the log holds the test's nested TAP" "$(cat "$tmp/logs/mem_test")" \
	'^# ok 2 anon_4k/ro_store # observed=EXIT_MMIO expected=EXIT_MMIO$'
expect_match "-p: stdout still has everything" "$out" '^# ok 1 p # observed=profiles'

# The parsers of run_tests.sh read the installed runner's output too.
run -S s2conform:hang_test
printf '%s\n' "$out" >"$tmp/tap.txt"
got=$(awk -v kernel=k -f "$top/runner/tap_parse.awk" "$tmp/tap.txt" | cut -f4 | sort | uniq -c | tr -s ' ' | tr '\n' '|')
expect_eq "tap_parse.awk reads run_kselftest.sh output" "$got" " 1 METRIC| 4 PASS| 2 SKIP|"

# --- the kernel's own run_kselftest.sh on the same layout ------------------
kselftest_tree
ksrc=$ksft_sel
if [ -n "$ksrc" ] && [ -f "$ksrc/run_kselftest.sh" ] && [ -f "$ksrc/kselftest/runner.sh" ]; then
	u=$tmp/upstream
	fake_install "$u"
	cp "$ksrc/run_kselftest.sh" "$u/"
	cp "$ksrc"/kselftest/*.sh "$ksrc"/kselftest/prefix.pl "$u/kselftest/" 2>/dev/null
	ours=$(cd "$tmp" && S2_FAKE_KERNEL=7.2 "$rk" -S s2conform:hang_test 2>/dev/null |
		grep -E '^(TAP|1\.\.|ok|not ok|# selftests)')
	theirs=$(cd "$tmp" && S2_FAKE_KERNEL=7.2 "$u/run_kselftest.sh" -S s2conform:hang_test 2>/dev/null |
		grep -E '^(TAP|1\.\.|ok|not ok|# selftests)')
	if [ "$(grep -c '^ok' <<<"$ours")" -eq 4 ]; then
		expect_eq "the kernel's run_kselftest.sh runs the layout, same TAP (${ksrc%/tools/*})" \
			"$theirs" "$ours"
	else
		fail "the kernel's run_kselftest.sh runs the layout" "ours:" "$ours"
	fi
else
	fail "the kernel's run_kselftest.sh runs the layout" \
		"no kernel selftests tree: ${ksft_why:-$ksrc lacks run_kselftest.sh}"
fi

done_testing
