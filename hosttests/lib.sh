# shellcheck shell=bash
# lib.sh - TAP helpers and test data for the shell tests in hosttests/.
#
# Source it from a test_*.sh; call ok/fail/check/expect_*, then done_testing
# which prints the plan and sets the exit code.  $tmp is a scratch directory
# removed on exit.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034 # used by the tests that source this
data=$top/hosttests/data
tests_run=0
tests_failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

ok() {
	tests_run=$((tests_run + 1))
	echo "ok $tests_run $1"
}

# fail DESC [DETAIL...]: each detail line is printed as a diagnostic.
fail() {
	local d=$1
	shift
	tests_run=$((tests_run + 1))
	tests_failed=$((tests_failed + 1))
	echo "not ok $tests_run $d"
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	return 0
}

# check DESC CMD...: passes if CMD succeeds.
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else fail "$d" "command failed: $*"; fi
}

expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1" "expected: $3" "got:      $2"
	fi
}

expect_match() {
	if grep -qE -- "$3" <<<"$2"; then
		ok "$1"
	else
		fail "$1" "expected to match: $3" "in:" "$2"
	fi
}

# expect_same DESC GOT_FILE WANT_FILE: shows a diff when they differ.
expect_same() {
	local d
	if d=$(diff -u "$3" "$2"); then ok "$1"; else fail "$1" "$d"; fi
}

# kselftest_tree: set ksft_sel to the cached kernel source's
# tools/testing/selftests, fetching the source first (bisect/fetch_source.sh,
# Debian's linux-source) when the cache has none, as every other download
# of the suite does: a fresh machine must pass the same tests as a warm one.
# On a failed fetch ksft_sel is empty, ksft_why says why, and it returns 1.
kselftest_tree() {
	local src log=$tmp/fetch_source.log
	ksft_sel= ksft_why=
	src=$(ls -d "${S2CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/s2conform}"/src/linux-source-*/.done \
		2>/dev/null | sort -V | tail -n 1)
	src=${src%/.done}
	if [ -z "$src" ] &&
		! src=$("$top/bisect/fetch_source.sh" "${S2_KSFT_SERIES:-7.2}" 2>"$log"); then
		ksft_why="bisect/fetch_source.sh failed: $(tail -n 1 "$log")"
		return 1
	fi
	ksft_sel=$src/tools/testing/selftests
}

done_testing() {
	echo "1..$tests_run"
	[ $tests_failed -eq 0 ]
	exit
}

# The awks to try: every implementation present, since the guest and other
# hosts may have a different one than this machine.
awks() {
	local a
	for a in mawk gawk original-awk; do
		command -v "$a" >/dev/null && echo "$a"
	done
	command -v busybox >/dev/null && echo "busybox awk"
	return 0
}

# The POSIX shells to run run_direct.sh with: busybox ash is the guest's.
shells() {
	command -v dash >/dev/null && echo dash
	command -v busybox >/dev/null && echo "busybox sh"
	return 0
}

# make_fake_suite DIR: shell scripts standing in for test binaries, with
# .cases files as the Makefile writes them.  $S2_FAKE_KERNEL (set by the
# stub harness) lets behaviour differ per kernel.
make_fake_suite() {
	local d=$1
	mkdir -p "$d"
	cat >"$d/mem_test" <<'EOS'
#!/bin/sh
cases="anon_4k/create anon_4k/ro_store hugetlb_2m/create"
if [ "$1" = --list ]; then printf '%s\n' $cases; exit 0; fi
# As lib/test.c: any glob of the --filter comma list (the last --filter).
set -f
sel=$cases
while [ "$1" = --filter ]; do
	keep=
	for c in $sel; do
		IFS=,
		for g in $2; do case $c in $g) keep="$keep $c"; break ;; esac; done
		unset IFS
	done
	sel=$keep
	shift 2
done
set -- $sel
echo "TAP version 13"
echo "1..$#"
i=0 rc=0
for c; do
	i=$((i + 1))
	case $c in
	anon_4k/create) echo "ok $i $c # observed=0 expected=0" ;;
	anon_4k/ro_store)
		obs=KVM_RUN:EFAULT
		case ${S2_FAKE_KERNEL:-} in 7.2*) obs=EXIT_MMIO ;; esac
		if [ $obs = EXIT_MMIO ]; then
			echo "ok $i $c # observed=$obs expected=EXIT_MMIO"
		else
			echo "not ok $i $c # observed=$obs expected=EXIT_MMIO (row 34: RO slot store exits to userspace)"
			rc=1
		fi ;;
	hugetlb_2m/create) echo "ok $i $c # SKIP no free 2M huge pages" ;;
	esac
done
echo "# metric unmap.ns_per_page=123.4 unit=ns"
exit $rc
EOS
	cat >"$d/mte_test" <<'EOS'
#!/bin/sh
[ "$1" = --list ] && { echo mte/tagged; exit 0; }
echo "TAP version 13"
echo "1..0 # SKIP MTE not offered by KVM"
exit 4
EOS
	cat >"$d/splat_test" <<'EOS'
#!/bin/sh
[ "$1" = --list ] && { echo splat/warn; exit 0; }
echo "TAP version 13"
echo "1..1"
case ${S2_FAKE_KERNEL:-} in
7.2*) [ -w "${S2_KMSG:-}" ] &&
	echo "[   20.000001] WARNING: CPU: 1 PID: 77 at arch/arm64/kvm/mmu.c:42 fake_abort" >>"$S2_KMSG" ;;
esac
echo "ok 1 splat/warn # observed=0 expected=0"
EOS
	chmod +x "$d/mem_test" "$d/mte_test" "$d/splat_test"
	printf '%s\n' anon_4k/create anon_4k/ro_store hugetlb_2m/create >"$d/mem_test.cases"
	echo mte/tagged >"$d/mte_test.cases"
	echo splat/warn >"$d/splat_test.cases"
}

# use_vm_stub: run_tests.sh in $tmp with the stub harness
# (hosttests/data/vm-stub) and the fake suite in $O/arm64.
use_vm_stub() {
	export S2CONFORM_VM=$data/vm-stub
	export S2CONFORM_RESULTS=$tmp/results
	export S2_STUB_DIR=$tmp/stub
	export O=$tmp/build
	export S2CONFORM_FIXTURE_BUILD=$data/vm-stub/fixture_build.sh
	unset S2_FAKE_KERNEL S2_STUB_FAIL
	make_fake_suite "$O/arm64"
}

# run ARGS...: run_tests.sh ARGS; sets rc, out (stdout) and err (stderr).
run() {
	"$top/run_tests.sh" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# expect_collection DIR: an installed kselftest collection in DIR names
# every test binary (arm64/*_test.c) in kselftest-list.txt, has each as an
# aarch64 executable in DIR/s2conform, and nothing there but the binaries,
# settings, config and fixture/.  Sets bins (the binary names).
expect_collection() {
	local inst=$1 b f hdr missing= extra=

	bins=()
	for f in "$top"/arm64/*_test.c; do
		f=${f##*/}
		bins+=("${f%.c}")
	done
	expect_eq "kselftest-list.txt has s2conform:<binary> for every test" \
		"$(cat "$inst/kselftest-list.txt")" \
		"$(printf 's2conform:%s\n' "${bins[@]}")"
	for b in "${bins[@]}"; do
		f=$inst/s2conform/$b
		# ELF, 64-bit, little endian, e_machine 183 (AArch64).
		hdr=$(od -An -tx1 -N20 "$f" 2>/dev/null | tr -d ' \n')
		[ -x "$f" ] && [ "${hdr:0:8}" = 7f454c46 ] &&
			[ "${hdr:36:4}" = b700 ] || missing+=" $b"
	done
	expect_eq "every binary is an executable aarch64 ELF in s2conform/" \
		"$missing" ""
	for f in "$inst"/s2conform/*; do
		f=${f##*/}
		case $f in settings | config | fixture) continue ;; esac
		[[ " ${bins[*]} " == *" $f "* ]] || extra+=" $f"
	done
	expect_eq "nothing but binaries, settings, config, fixture/ in s2conform/" \
		"$extra" ""
	expect_eq "config: the kernel options the cases need" \
		"$(grep -c '^CONFIG_KVM=y' "$inst/s2conform/config" 2>/dev/null)" 1
	expect_eq "fixture/: the fixture module's source and Kbuild" \
		"$(ls "$inst/s2conform/fixture" 2>/dev/null | tr '\n' ' ')" \
		"Kbuild s2fixture.c s2fixture.h "
}
