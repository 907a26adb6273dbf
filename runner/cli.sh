# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # settings shared with run_tests.sh and runner/*.sh
# cli.sh - run_tests.sh's options: the usage text, the defaults, parsing
# and the checks of bad input that must fail (exit 2) before anything slow;
# the mode and the dependencies. Sourced by run_tests.sh.

usage() {
	cat <<'EOF'
usage: run_tests.sh [options]
  --kernel LIST         comma list of kernels (default 7.2; VM mode only):
                        Debian series 6.1,6.12,7.2 or flavours 7.2-16k,
                        7.2-rt, 7.2-cloud, pinned as 7.2=7.2.13-1; "all"
                        (the generic flavour of every series); or a path:
                        an Image, a build tree (O= dir), a modules_install
                        tree, a kernel .deb
  --list-kernels        the aliases, the exact versions they resolve to
  --offline             kernels, headers and tools from the cache only
  --cpu LIST            comma list of QEMU CPU models (max,neoverse-n1,...;
                        see vm/qemu_cpu.sh --list): every kernel runs on
                        each, in columns labelled KERNEL/CPU (VM mode only;
                        default: the profile's CPU, columns labelled KERNEL)
  --mode LIST           comma list of KVM modes (configs/modes.conf: vhe,
                        nvhe, protected, nested, ... or "all"): every
                        kernel x CPU runs in each, in columns labelled
                        KERNEL/CPU/MODE; a kernel that does not enter the
                        mode is an ERROR (VM mode only; default: the mode
                        the kernel picks, named in every report)
  -j N                  run N columns (kernel x CPU x mode) at once
                        (default: one per host core)
  --test LIST           comma list of test binaries and groups (mte, unmap,
                        device, pfnmap, memslot: configs/test-groups.conf
                        says which binaries and cases each holds); with
                        --filter, a case must match both
  --filter GLOB         run only cases whose name matches GLOB ('anon_4k/*';
                        a comma list matches any of its globs), or
                        BINARY:CASE globs as --list prints them
  --list                list binary:case for every (matching) case
  --timeout SECS        per test binary (default 120); a guest silent for
                        that plus a grace is ended, its binary is ERROR and
                        the kernel is booted again for the others
  --boot-timeout SECS   per boot, all tests included (default: from the
                        per-binary timeouts)
  --without LIST        do not set up these pieces of the VM environment:
                        fixture,fsdax,devdax,dax(=both),vfio,hugetlb,swap,
                        numa; their cases SKIP, saying so (VM mode)
  --json FILE           also write results.json to FILE
  --markdown FILE       also write the Markdown matrix (matrix.md) to FILE
  --junit FILE          also write JUnit XML (junit.xml) to FILE
  --baseline RUN        report only what changed since a stored run (its
                        results directory, a column of it, or results.json);
                        exit 1 only on a regression (docs/results.md)
  --direct | --vm       force a mode (default: direct on arm64 with a usable
                        /dev/kvm, else QEMU)
  --no-build            use the test binaries already built, skip make
  --bench               run the benchmarks (build/bench) instead of the tests:
                        numbers, not verdicts; slow (minutes per kernel);
                        ends with their table, draws them in bench.svg
  -v                    show the nested TAP as it arrives, and build output
  -h, --help            this text
Environment: O=DIR builds into DIR instead of build/ (as make does);
  S2CONFORM_RESULTS=DIR keeps results there instead of results/.
Exit: 1 a case failed (with --baseline: something regressed), else 3 the
  suite could not test something (ERROR or MISS results, infrastructure
  failure), else 0; 2 usage error (before anything slow).
EOF
}

log() { echo "s2conform: $*" >&2; }
usage_error() { log "$*"; usage >&2; exit 2; }
die() { log "error: $*"; exit 3; }

kernels=7.2
kernel_given=0
cpus=
modes=
modes_conf=$top/configs/modes.conf
modes_all=
mode_append=
mode_qemu=()
njobs=
tests=
groups_conf=${S2_TEST_GROUPS:-$top/configs/test-groups.conf}
# Initramfs images outlive the run, in the kernel cache (not for a stub
# harness: hosttests must leave nothing behind).
initrd_cache=${S2CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/s2conform}/initramfs
[ -z "${S2CONFORM_VM:-}" ] || initrd_cache=
filter=
list=0
timeout=120
boot_timeout=
without=
json=
markdown=
junit=
baseline=
verbose=0
mode=
build=1
bench=0
list_kernels=0

need_arg() { [ "$2" -ge 2 ] || usage_error "option $1 needs an argument"; }

# At most 6 digits, as positive(): bash arithmetic must not overflow.
count() {
	if ! [[ $2 =~ ^[0-9]{1,6}$ ]] || [ "$2" -eq 0 ]; then
		usage_error "$1 wants a positive number, not '$2' (at most 999999)"
	fi
}

# At most 6 digits: bash arithmetic must not overflow on the way.
positive() {
	if ! [[ $2 =~ ^[0-9]{1,6}$ ]] || [ "$2" -eq 0 ]; then
		usage_error "$1 wants a positive number of seconds (at most" \
			"999999), not '$2'"
	fi
}

# An output file that can be written, checked before the suite runs
# rather than when it is done. Permission bits do not say (root passes
# -w on /proc): open it for appending, and remove it if it was not there.
out_file() {
	local d
	d=$(dirname -- "$2")
	[ -d "$d" ] || usage_error "$1 $2: no directory $d"
	[ ! -d "$2" ] || usage_error "$1 $2 is a directory"
	if [ -e "$2" ]; then
		{ : >>"$2"; } 2>/dev/null || usage_error "$1 $2 is not writable"
	elif { : >>"$2"; } 2>/dev/null; then
		rm -f -- "$2"
	else
		usage_error "$1 $2: cannot create a file in $d"
	fi
}

# The results folder (S2CONFORM_RESULTS): the first part of it that
# exists must take a new folder; the probe is removed at once.
results_dir() {
	local d=$results p
	while [ ! -e "$d" ]; do d=$(dirname -- "$d"); done
	[ -d "$d" ] || usage_error "results folder $results: $d is not a folder"
	p=$(mktemp -d "$d/.s2conform.XXXXXX" 2>/dev/null) ||
		usage_error "results folder $results: cannot create folders in $d"
	rmdir -- "$p"
}

# The environment pieces the VM harness provides (vm/init, vm/devices.sh).
PIECES="fixture fsdax devdax vfio hugetlb swap numa"

parse_without() {
	local p w=()
	IFS=, read -ra w <<<"$1"
	without=
	for p in "${w[@]}"; do
		[ "$p" = dax ] && p="fsdax,devdax"
		[ -n "$p" ] && [[ " $PIECES fsdax,devdax " == *" $p "* ]] ||
			usage_error "--without: unknown piece '$p' (known: dax" \
				"${PIECES// /, })"
		without+=${without:+,}$p
	done
}

without_has() { [[ ,$without, == *,$1,* ]]; }

parse_args() {
	while [ $# -gt 0 ]; do
		# --opt=value is --opt value
		if [[ $1 == --*=* ]]; then
			set -- "${1%%=*}" "${1#*=}" "${@:2}"
		fi
		case $1 in
		--kernel) need_arg "$1" $#; kernels=$2; kernel_given=1; shift ;;
		--cpu) need_arg "$1" $#; cpus=$2; shift
			[ -n "$cpus" ] || usage_error "--cpu wants at least one CPU model" ;;
		--mode) need_arg "$1" $#; modes=$2; shift
			[ -n "$modes" ] || usage_error "--mode wants at least one KVM mode" ;;
		-j) need_arg "$1" $#; count "$1" "$2"; njobs=$2; shift ;;
		-j*) count -j "${1#-j}"; njobs=${1#-j} ;;
		--filter) need_arg "$1" $#; filter=$2; shift ;;
		--test) need_arg "$1" $#; tests=$2; shift
			[ -n "$tests" ] || usage_error "--test wants at least one binary or group" ;;
		--timeout) need_arg "$1" $#; positive "$1" "$2"; timeout=$2; shift ;;
		--boot-timeout) need_arg "$1" $#; positive "$1" "$2"
			boot_timeout=$2; shift ;;
		--json) need_arg "$1" $#; out_file "$1" "$2"; json=$2; shift ;;
		--markdown) need_arg "$1" $#; out_file "$1" "$2"
			markdown=$2; shift ;;
		--without) need_arg "$1" $#; distinct "$1" "$2"
			parse_without "$2"; shift ;;
		--junit) need_arg "$1" $#; out_file "$1" "$2"; junit=$2; shift ;;
		--baseline) need_arg "$1" $#; baseline=$2; shift ;;
		--list) list=1 ;;
		--bench) bench=1 ;;
		--list-kernels) list_kernels=1 ;;
		--offline) export S2_OFFLINE=1 ;;
		--direct) mode=direct ;;
		--vm) mode=vm ;;
		--no-build) build=0 ;;
		-v) verbose=1 ;;
		-h | --help) usage; exit 0 ;;
		*) usage_error "unknown option '$1'" ;;
		esac
		shift
	done
	[ -n "$kernels" ] || usage_error "--kernel wants at least one kernel"
	distinct --kernel "$kernels"
	distinct --cpu "$cpus"
	distinct --test "$tests"
	# BINARY:GLOBS or GLOBS: a glob twice is a typo
	distinct --filter "${filter#*:}"
	distinct --without "$without"
	check_modes
	[ $list -eq 1 ] || [ $list_kernels -eq 1 ] || results_dir
	check_baseline
}

# distinct OPTION LIST: a column asked for twice would run twice.
distinct() {
	local d
	d=$(tr , '\n' <<<"$2" | sed '/^$/d' | sort | uniq -d | head -n 1)
	[ -z "$d" ] || usage_error "$1: '$d' is listed twice"
}

# The names configs/modes.conf defines ("all": those marked for it).
mode_names() {
	awk -v all="${1:-}" '!/^#/ && NF >= 3 && (!all || $3 == "all") { print $1 }' \
		"$modes_conf"
}

# --mode: known names, "all" expanded, none twice; before anything slow.
check_modes() {
	local m known
	[ -n "$modes" ] || return 0
	[ -r "$modes_conf" ] || die "$modes_conf is missing"
	known=$(mode_names | paste -sd ' ')
	# A mode that only "all" asked for may be one this machine cannot
	# run (nested without FEAT_NV2, vhe without FEAT_VHE): SKIP, not ERROR.
	[[ ,$modes, != *,all,* ]] || modes_all=" $(mode_names all | paste -sd ' ') "
	modes=$(tr , '\n' <<<"$modes" | sed '/^$/d' | while read -r m; do
		if [ "$m" = all ]; then mode_names all; else echo "$m"; fi
	done | paste -sd ,)
	for m in ${modes//,/ }; do
		[[ " $known " == *" $m "* ]] ||
			usage_error "--mode: unknown mode '$m' (configs/modes.conf: ${known// /, }, all)"
	done
	distinct --mode "$modes"
}

# mode_line NAME: "KERNEL_MODE ARGS..." of a configs/modes.conf entry.
mode_line() {
	awk -v m="$1" '!/^#/ && $1 == m { $1 = ""; $3 = ""; print; exit }' \
		"$modes_conf" | sed 's/^ *//; s/  */ /g'
}

# A baseline that cannot be read would only be found after the run.
check_baseline() {
	local err
	[ -n "$baseline" ] || return 0
	err=$("$runner/report.sh" --summary "$baseline" 2>&1 >/dev/null)
	[ $? -ne 2 ] || { err=${err%%$'\n'*}; usage_error "--baseline: ${err#report.sh: }"; }
}

pick_mode() {
	[ -n "$mode" ] && return
	if [ "$(uname -m)" = aarch64 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		mode=direct
	else
		mode=vm
	fi
}

# Direct mode runs the aarch64 binaries here: refuse a host that cannot,
# before building them.  (Binaries that are not ELF, as hosttests' stand-ins,
# run anywhere.)
check_direct() {
	local f
	[ "$mode" = direct ] && [ $list -eq 0 ] || return 0
	[ "$(uname -m)" = aarch64 ] && return 0
	[ $build -eq 1 ] && usage_error "--direct runs the tests on this" \
		"host's kernel, which needs arm64 with /dev/kvm; this is" \
		"$(uname -m): use the VM mode"
	for f in "$testdir"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		[ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] &&
			usage_error "--direct: $f is a compiled test binary and this" \
				"host is $(uname -m): use the VM mode"
	done
	return 0
}

deps() {
	[ -x "$vm/deps.sh" ] || die "$vm/deps.sh is missing"
	"$vm/deps.sh" --check >/dev/null 2>&1 && return
	log "installing missing dependencies (vm/deps.sh)"
	"$vm/deps.sh" || die "vm/deps.sh could not install the dependencies"
}
