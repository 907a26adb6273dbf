#!/bin/bash
# test_cli.sh - run_tests.sh: options, exit codes, and whole runs in VM
# mode against a stub harness (hosttests/data/vm-stub) and in direct
# mode, both on fake test binaries.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

use_vm_stub
export S2CONFORM_FIXTURE_BUILD=$data/vm-stub/fixture_build.sh

# usage_case DESC MESSAGE_RE ARGS...: exit 2 with the message and usage.
usage_case() {
	local d=$1 re=$2
	shift 2
	run "$@"
	if [ $rc -eq 2 ] && grep -qE -- "$re" <<<"$err" && grep -q '^usage:' <<<"$err"; then
		ok "usage: $d"
	else
		fail "usage: $d" "exit $rc, stderr:" "$err"
	fi
}

# expect_fail DESC RC STDERR_RE: the last run exited RC and said so.
expect_fail() {
	if [ $rc -eq "$2" ] && grep -qE -- "$3" <<<"$err"; then
		ok "$1"
	else
		fail "$1" "wanted exit $2 and stderr matching: $3" \
			"got exit $rc, stderr:" "$err"
	fi
}

usage_case "unknown option" "unknown option '--bogus'" --bogus
usage_case "missing argument" "--kernel needs an argument" --kernel
usage_case "bad --timeout" "--timeout wants a positive number" --timeout abc
usage_case "zero --timeout" "--timeout wants a positive number" --timeout 0
usage_case "bad --boot-timeout=" "--boot-timeout wants" --boot-timeout=-1
usage_case "unknown kernel alias" "unknown kernel '9.9' \(known: 6.1 6.12 7.2\)" \
	--vm --no-build --kernel 6.12,9.9
usage_case "missing kernel image" "no kernel image at '/nonexistent/Image'" \
	--vm --no-build --kernel /nonexistent/Image
usage_case "filter matching no case" "no case matches --filter 'nothing\*'" \
	--vm --no-build --filter 'nothing*'
usage_case "filter that cannot go on the command line" "cannot hold blanks" \
	--vm --no-build --filter 'a b'

# Bad input a new user gives: exit 2 in under a second, nothing written.
# fast_usage DESC MESSAGE_RE ARGS...: usage_case, timed in CPU seconds
# (user + system, children included): the wall clock of a machine busy
# with VMs says nothing about the checks.
fast_usage() {
	local t TIMEFORMAT='%3U %3S'
	{ time usage_case "$@"; } 2>"$tmp/time"
	t=$(awk '{ print int(($1 + $2) * 1000) }' "$tmp/time")
	[ "$t" -lt 1000 ] || fail "usage: $1 took ${t} ms of CPU, not under 1 s"
}
fast_usage "--junit where no file can be made" \
	"--junit /proc/x.xml: cannot create a file in /proc" \
	--vm --no-build --junit /proc/x.xml
check "--junit /proc/x.xml: nothing was made" test ! -e /proc/x.xml
fast_usage "--json in a folder that is not there" "no directory $tmp/no" \
	--vm --no-build --json "$tmp/no/r.json"
fast_usage "--markdown on a folder" "is a directory" \
	--vm --no-build --markdown "$tmp"
fast_usage "-j too big for a number" "-j wants a positive number, not '9+' \(at most 999999\)" \
	--vm --no-build -j 99999999999999999999
fast_usage "-jN too big" "-j wants a positive number" --vm --no-build -j1234567
fast_usage "--kernel twice" "--kernel: '7.2' is listed twice" \
	--vm --no-build --kernel 7.2,6.12,7.2
fast_usage "--cpu twice" "--cpu: 'max' is listed twice" \
	--vm --no-build --cpu max,max
fast_usage "--mode twice" "--mode: 'vhe' is listed twice" \
	--vm --no-build --mode vhe,nvhe,vhe
fast_usage "--test twice" "--test: 'mem_test' is listed twice" \
	--vm --no-build --test mem_test,mem_test
fast_usage "--filter glob twice" "--filter: 'anon_4k/\*' is listed twice" \
	--vm --no-build --filter 'anon_4k/*,hugetlb*,anon_4k/*'
fast_usage "--filter BINARY:globs twice" "--filter: 'a\*' is listed twice" \
	--vm --no-build --filter 'mem_test:a*,a*'
fast_usage "--without twice" "--without: 'numa' is listed twice" \
	--vm --no-build --without numa,swap,numa
fast_usage "--without dax and fsdax" "--without: 'fsdax' is listed twice" \
	--vm --no-build --without dax,fsdax
S2CONFORM_RESULTS=/proc/s2 fast_usage "a results folder that cannot be made" \
	"results folder /proc/s2: cannot create folders in /proc" --vm --no-build
check "bad input left no results folder" test ! -e "$tmp/results"
echo keep >"$tmp/kept.json"
run --vm --no-build --json "$tmp/kept.json" --cpu max,max
expect_eq "an existing output file is left as it was" \
	"$rc:$(cat "$tmp/kept.json")" "2:keep"
run --vm --no-build --markdown "$tmp/new.md" --list
expect_eq "a file made to try the path is removed" \
	"$rc:$([ -e "$tmp/new.md" ] && echo left)" "0:"

run --help
expect_eq "--help exits 0 with usage on stdout" "$rc:$(head -n 1 <<<"$out")" \
	"0:usage: run_tests.sh [options]"

run --vm --no-build --list
expect_eq "--list: every case from the .cases files" "$rc:$(tr '\n' ' ' <<<"$out")" \
	"0:mem_test:anon_4k/create mem_test:anon_4k/ro_store mem_test:hugetlb_2m/create mte_test:mte/tagged splat_test:splat/warn "
run --vm --no-build --list --filter '*create'
expect_eq "--list --filter" "$(tr '\n' ' ' <<<"$out")" \
	"mem_test:anon_4k/create mem_test:hugetlb_2m/create "
run --direct --no-build --list --filter 'anon_4k/*'
expect_eq "--list in direct mode asks the binaries" "$rc:$(tr '\n' ' ' <<<"$out")" \
	"0:mem_test:anon_4k/create mem_test:anon_4k/ro_store "
# A binary this host cannot run (arm64 on x86) is listed from the .cases
# file the build made; without one there is nothing to ask.
mv "$O/arm64/mte_test.cases" "$O/arm64/mte_test" "$tmp/"
printf '#!/bin/sh\necho "cannot execute binary file" >&2\nexit 126\n' >"$O/arm64/mte_test"
chmod +x "$O/arm64/mte_test"
run --vm --no-build --list
expect_fail "--list without a .cases file exits 3 and says so" 3 \
	"mte_test: no case list \(no mte_test.cases, and mte_test --list failed\)"
cp "$tmp/mte_test.cases" "$O/arm64/"
run --vm --no-build --list --filter 'mte/*'
expect_eq "--list of a binary this host cannot run reads its .cases" \
	"$rc:$(tr '\n' ' ' <<<"$out")" "0:mte_test:mte/tagged "
mv "$tmp/mte_test" "$O/arm64/"

mkdir -p "$tmp/bin"
printf '#!/bin/sh\necho "lib/kvm.c:1: error: boom" >&2\nexit 2\n' >"$tmp/bin/make"
chmod +x "$tmp/bin/make"
PATH=$tmp/bin:$PATH run --vm --kernel 7.2
expect_fail "a failing build exits 3 with its output" 3 "lib/kvm.c:1: error: boom"
expect_fail "a failing build says make failed" 3 "error: make failed"

# Two kernels: 6.12 fails a case, 7.2 has a splat in splat_test.
run --vm --no-build --kernel 6.12,7.2 --timeout 7 --json "$tmp/r.json" \
	--markdown "$tmp/m.md"
expect_eq "two kernels with failures exit 1" $rc 1
expect_match "summary for 6.12" "$out" \
	'^kernel 6.12: 2 passed, 1 failed, 0 xfail, 2 skipped, 0 error, 0 miss \(6.12.0-stub, KVM vhe, boot [0-9]+s, tests [0-9]+s, wall [0-9]+s\)$'
expect_match "summary for 7.2 blames the splat on the case that ran" "$out" \
	'^  FAIL splat_test splat/warn: .*kernel splat: WARNING: CPU: 1 PID: 77 at arch/arm64/kvm/mmu.c:42'
expect_match "matrix with both kernels" "$out" \
	'^mem_test: anon_4k/ro_store +\*FAIL\* KVM_RUN:EFAULT +PASS EXIT_MMIO$'
expect_match "progress on stderr" "$err" '\[7.2\] booted in [0-9]+s, running tests'
res=$(ls -d "$tmp"/results/2*/)
check "results/<timestamp>/<kernel>/ holds the artefacts" \
	test -s "$res/6.12/tap.txt" -a -s "$res/7.2/console.log" \
	-a -s "$res/7.2/records.tsv" -a -s "$res/7.2/kernel.info" -a -s "$res/results.json"
expect_match "the results path is printed" "$err" "results in .*${res%/}"
check "--json copies results.json" cmp -s "$tmp/r.json" "$res/results.json"
check "matrix.md is written beside results.json" test -s "$res/matrix.md"
check "--markdown copies matrix.md" cmp -s "$tmp/m.md" "$res/matrix.md"
expect_match "matrix.md: a FAIL cell on 6.12" "$(cat "$res/matrix.md")" \
	'^\| anon_4k/ro_store +\| \*\*FAIL\*\* KVM_RUN:EFAULT +\| EXIT_MMIO +\|$'
expect_match "kernel.info records when the kernel started" \
	"$(cat "$res/7.2/kernel.info")" '^started=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$'
expect_match "timeout goes on the kernel command line" \
	"$(cat "$res/7.2/console.log")" 'Kernel command line: .*s2.timeout=7( |$)'
rm -rf "$tmp/results"

run --vm --no-build --kernel 7.2 --filter 'anon_4k/*'
expect_eq "a passing run exits 0" $rc 0
tap=$(cat "$tmp"/results/2*/7.2/tap.txt)
expect_eq "the filter reached the guest runner" \
	"$(grep -E '^(1\.\.|ok)' <<<"$tap" | tr '\n' ' ')" "1..1 ok 1 selftests: s2conform: mem_test "
expect_eq "without -v no TAP on stdout" "$(grep -c '^# selftests' <<<"$out")" 0
rm -rf "$tmp/results"

run --vm --no-build --kernel 7.2 --filter 'anon_4k/*' -v
expect_match "-v prints the nested TAP" "$out" \
	'^# selftests: s2conform: mem_test$'
rm -rf "$tmp/results"

# An arm64 Image header: "ARM\x64" at 0x38.
head -c 56 /dev/zero >"$tmp/Image"
printf 'ARMd' >>"$tmp/Image"
run --vm --no-build --kernel "$tmp/Image" --filter 'anon_4k/create'
expect_match "a kernel given by path is labelled by its release" "$rc:$out" \
	'^0:kernel custom-stub: 1 passed, 0 failed, 0 xfail, 0 skipped'
rm -rf "$tmp/results"

run --vm --no-build --kernel all --filter 'anon_4k/create'
expect_eq "--kernel all boots every series" \
	"$rc:$(grep -c '^kernel ' <<<"$out")" "0:3"
rm -rf "$tmp/results"

S2_STUB_FAIL=fetch run --vm --no-build --kernel 7.2
expect_fail "a failed download exits 3 with the reason" 3 \
	'\[7.2\] error: fetching the kernel failed'
rm -rf "$tmp/results"

S2_STUB_FAIL=watchdog run --vm --no-build --kernel 7.2
expect_fail "a fired watchdog exits 3 with the reason" 3 \
	'\[7.2\] error: boot watchdog fired after [0-9]+s'
expect_match "what ran before the watchdog is an ERROR" \
	"$(cat "$tmp"/results/2*/7.2/records.tsv)" \
	'mem_test	mem_test	ERROR			no result: output ended while it ran'
expect_match "the binaries after it are MISS" \
	"$(cut -f2,4 "$tmp"/results/2*/7.2/records.tsv | sort -u | tr '\t\n' ': ')" \
	'mem_test:ERROR mem_test:MISS mte_test:MISS s2conform:ERROR splat_test:MISS'
rm -rf "$tmp/results"

S2_KMSG=$tmp/kmsg S2_FAKE_KERNEL=7.2 run --direct --no-build --kernel 6.12
expect_eq "direct mode: passing run exits 0" $rc 0
expect_match "direct mode: kernel is uname -r" "$out" \
	"^kernel $(uname -r): 3 passed, 0 failed, 0 xfail, 2 skipped, 0 error, 0 miss \(wall [0-9]+s\)$"
expect_match "direct mode: --kernel is ignored, and said so" "$err" "--kernel ignored"
rm -rf "$tmp/results"

done_testing
