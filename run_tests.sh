#!/bin/bash
# run_tests.sh - run the s2conform suite on one or more kernels.
#
# On an arm64 host with a usable /dev/kvm the test binaries run directly on
# the host kernel.  Anywhere else each kernel is booted under QEMU (TCG, with
# EL2 and MTE) and the same binaries run inside it through the same runner,
# runner/run_direct.sh.  Either way the results end up in
# results/<timestamp>/<kernel>/ and are summarised per kernel, with a
# case x kernel matrix when several kernels ran; results/<timestamp>/ also
# gets results.json, matrix.md (the matrix in Markdown) and junit.xml
# (docs/results.md).
#
# Exit: 1 a test failed (with --baseline: regressed), else 3 the suite
#       could not test something: an ERROR or MISS record (dependencies,
#       build, download, boot, a piece of the VM environment, a crashed or
#       hung binary), else 0; 2 usage error. runner/report.py decides it.
#
# This file is the entry point; the work is in runner/cli.sh (options and
# their checks), runner/plan.sh (kernels, CPUs, tests, cases) and
# runner/columns.sh (booting and recording each column).
set -u -o pipefail

top=$(cd "$(dirname "$0")" && pwd)
runner=$top/runner
# shellcheck source=runner/kernel_image.sh
. "$runner/kernel_image.sh"
# S2CONFORM_VM points at another harness; hosttests use it for stubs.
vm=${S2CONFORM_VM:-$top/vm}
results=${S2CONFORM_RESULTS:-$top/results}
# S2CONFORM_FIXTURE_BUILD stands in for fixture/build.sh in hosttests.
fixture_build=${S2CONFORM_FIXTURE_BUILD:-$top/fixture/build.sh}
# Seconds a guest may stay silent beyond a binary's timeout (and the
# runner's 10 s kill grace) before it counts as hung.
hang_grace=${S2_HANG_GRACE:-30}

# The harness's shell helpers (nap); cli.sh's log and die come after.
# shellcheck source=vm/lib.sh
. "$top/vm/lib.sh"
# shellcheck source=runner/cli.sh
. "$runner/cli.sh"
# shellcheck source=runner/plan.sh
. "$runner/plan.sh"
# shellcheck source=runner/columns.sh
. "$runner/columns.sh"

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	[ -n "${boot_pid:-}" ] && kill "$boot_pid" 2>/dev/null
	# Column jobs stop their boot.sh on TERM.
	# shellcheck disable=SC2046 # one pid a word
	kill $(jobs -p) 2>/dev/null
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
}

main() {
	local broke=0 r bench_svg=
	parse_args "$@"
	[ $list_kernels -eq 0 ] || exec "$vm/fetch_kernel.sh" --list-kernels
	pick_mode
	if [ "$mode" = direct ] && [ $kernel_given -eq 1 ]; then
		log "direct mode runs on the host kernel; --kernel ignored"
	fi
	testdir=${O:-build}/arm64
	[ $bench -eq 1 ] && testdir=${O:-build}/bench
	[[ $testdir == /* ]] || testdir=$top/$testdir
	check_direct
	if [ "$mode" = direct ] && [ -n "$cpus" ]; then
		log "direct mode runs on the host CPU; --cpu ignored"
		cpus=
	fi
	if [ "$mode" = direct ] && [ -n "$modes" ]; then
		log "direct mode runs in the host's KVM mode (the report names" \
			"it); --mode ignored"
		modes=
	fi
	deps
	[ "$mode" = vm ] && [ $list -eq 0 ] && resolve_kernels
	resolve_cpus
	resolve_tests
	default_jobs
	tmp=$(mktemp -d) || die "mktemp failed"
	build_tests
	[ -n "$(binaries)" ] || die "no test binaries in $testdir"
	check_tests
	if [ $list -eq 1 ]; then
		list_cases
		exit
	fi
	[ "$mode" = vm ] && check_filter
	new_resdir
	log "results in ${resdir#"$PWD"/}"
	kdirs=()
	if [ "$mode" = vm ]; then
		run_vm || broke=1
	else
		run_host || broke=1
	fi
	[ ${#kdirs[@]} -gt 0 ] || die "no kernel produced results"
	for d in "${kdirs[@]}"; do
		"$runner/report.sh" --summary "$d"
	done
	# --bench: its table last on the terminal, its curves beside.
	[ $bench -eq 1 ] && bench_svg=$resdir/bench.svg
	"$runner/report.sh" --matrix --json "$resdir/results.json" \
		--markdown "$resdir/matrix.md" --junit "$resdir/junit.xml" \
		${baseline:+--baseline "$baseline"} \
		${bench_svg:+--bench "$bench_svg"} "${kdirs[@]}"
	r=$?
	[ -n "$json" ] && { cp "$resdir/results.json" "$json" || broke=1; }
	[ -n "$markdown" ] && { cp "$resdir/matrix.md" "$markdown" || broke=1; }
	[ -n "$junit" ] && { cp "$resdir/junit.xml" "$junit" || broke=1; }
	log "results in ${resdir#"$PWD"/}"
	exit_status "$r" $broke
}

# The report decides the exit status from the records (report.py
# exit_status: FAIL or regression 1, ERROR/MISS 3, else 0); a failure of
# the runner's own can only turn a 0 into a 3.
exit_status() {
	case $1 in
	0) [ "$2" -eq 0 ] || exit 3; exit 0 ;;
	1) exit 1 ;;
	*) exit 3 ;;
	esac
}

trap cleanup EXIT
trap 'exit 130' INT TERM
main "$@"
