#!/bin/bash
# oracle.sh - judge one kernel on one s2conform case, for `git bisect run`.
#
# Inside a kernel tree: build an arm64 Image with bisect/build.sh
# (alldefconfig + bisect-base.config + s2conform.config, everything built
# in, ccache kept between steps) and the s2fixture module against it (so
# the fixture_* cases judge too), boot it under QEMU with run_tests.sh's
# VM harness, run ONE case, and exit
#   0 good, 1 bad, 125 skip (cannot tell: build or boot failure, case
#   skipped or not run, no observation), 128 abort (usage error, missing
#   dependency, a case the suite does not have).
# With --kernel SERIES or --kernel-image PATH nothing is built, so the same
# question can be asked of Debian's kernels or of any Image.
#
#   cd linux && git bisect start BAD GOOD
#   git bisect run ~/s2conform/bisect/oracle.sh \
#       --case mte_slot_test:hugetlb_private/create --observe EINVAL
#   bisect/oracle.sh --kernel 6.12 --case mte_slot_test:hugetlb_private/create --observe EINVAL
#
# A regression only some CPUs show (one without FWB, say) is found only on
# such a CPU: --cpu MODEL boots every step on that QEMU model, --mode M in
# that KVM mode; both go to run_tests.sh unchanged.
#
# Judging (README: "Bisecting a kernel"):
#   default           the verdict: PASS good, FAIL bad (also a kernel splat
#                     in the case's binary, or the binary crashing or timing
#                     out while it ran the case), SKIP skip
#   --bad-if PAT      bad when the case's observation matches PAT, else good
#   --observe PAT     the same as --bad-if: find the commit that brought PAT
#   --good-if PAT     good when it matches, else bad
# PAT is [FIELD=]REGEX: an extended regex searched in FIELD of the case's
# result, observed (the default), expected, reason or verdict.  A case that
# was skipped or gave no value for FIELD is a skip.
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=runner/kernel_image.sh
. "$top/runner/kernel_image.sh"
cache=${S2CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/s2conform}
ARCH=arm64
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
export ARCH CROSS_COMPILE

EX_GOOD=0 EX_BAD=1 EX_SKIP=125 EX_ABORT=128

usage() {
	cat <<'EOF'
usage: oracle.sh --case BINARY:CASE [judging] [kernel] [column] [options]
judging (default: the case's verdict, PASS good, FAIL bad):
  --bad-if [FIELD=]REGEX   bad if FIELD of the case's result matches
  --observe [FIELD=]REGEX  the same as --bad-if
  --good-if [FIELD=]REGEX  good if it matches
                           FIELD: observed (default), expected, reason, verdict
kernel (default: build the tree in --src, default the current directory):
  --src DIR                kernel source tree to build
  --kernel-image PATH      boot this Image (or a directory holding one)
  --kernel SERIES          boot Debian's kernel of SERIES (6.1, 6.12, 7.2)
column (default: run_tests.sh's):
  --cpu MODEL              boot on this QEMU CPU model (vm/qemu_cpu.sh --list)
  --mode M                 KVM mode: vhe, nvhe, protected, nested, ...
                           (one of configs/modes.conf)
build:
  --base FILE              base fragment (default configs/bisect-base.config)
  --config FILE            one more fragment, merged last (repeatable)
  --page-size 4k|16k|64k   the built kernel's page size (default 4k)
  --build-dir DIR          kernel objects (default: a directory per tree in
                           the cache, reused between steps)
  -j N                     parallel jobs (default: the number of CPUs)
run:
  --timeout SECS           the case's binary (default 120)
  --boot-timeout SECS      boot and run (default 900)
  --whole-binary           run every case of the binary, judge the one (for
                           a case whose outcome depends on what ran before)
  --no-build-tests         use the test binaries already built (see O=)
  -v                       show build and run output
Exit: 0 good, 1 bad, 125 skip this commit, 128 abort the bisect.
Environment: O=DIR test binaries in DIR/arm64 (as run_tests.sh);
  CCACHE_DIR (default the s2conform cache's ccache/).
EOF
}

log() { echo "oracle: $*" >&2; }
abort() { log "error: $*"; exit $EX_ABORT; }
usage_abort() { log "$*"; usage >&2; exit $EX_ABORT; }

need_arg() { [ "$2" -ge 2 ] || usage_abort "option $1 needs an argument"; }

case_arg=
mode=verdict
pattern=
field=observed
src=
image=
series=
base=$top/configs/bisect-base.config
extra=()
page_size=4k
kbuild=
jobs=$(nproc 2>/dev/null || echo 2)
timeout=120
boot_timeout=900
build_tests=1
whole=0
verbose=0
cpu=
kmode=

parse_args() {
	while [ $# -gt 0 ]; do
		if [[ $1 == --*=* ]]; then
			set -- "${1%%=*}" "${1#*=}" "${@:2}"
		fi
		case $1 in
		--case) need_arg "$1" $#; case_arg=$2; shift ;;
		--bad-if | --observe) need_arg "$1" $#; set_judge bad "$2"; shift ;;
		--good-if) need_arg "$1" $#; set_judge good "$2"; shift ;;
		--src) need_arg "$1" $#; src=$2; shift ;;
		--kernel-image) need_arg "$1" $#; image=$2; shift ;;
		--kernel) need_arg "$1" $#; series=$2; shift ;;
		--cpu) need_arg "$1" $#; cpu=$2; shift ;;
		--mode) need_arg "$1" $#; kmode=$2; shift ;;
		--base) need_arg "$1" $#; base=$2; shift ;;
		--config) need_arg "$1" $#; extra+=("$2"); shift ;;
		--page-size) need_arg "$1" $#; page_size=$2; shift ;;
		--build-dir) need_arg "$1" $#; kbuild=$2; shift ;;
		-j) need_arg "$1" $#; jobs=$2; shift ;;
		-j[0-9]*) jobs=${1#-j} ;;
		--timeout) need_arg "$1" $#; timeout=$2; shift ;;
		--boot-timeout) need_arg "$1" $#; boot_timeout=$2; shift ;;
		--no-build-tests) build_tests=0 ;;
		--whole-binary) whole=1 ;;
		-v) verbose=1 ;;
		-h | --help) usage; exit 0 ;;
		*) usage_abort "unknown option '$1'" ;;
		esac
		shift
	done
	[ -n "$case_arg" ] || usage_abort "--case BINARY:CASE is required"
	[[ $case_arg == ?*:?* ]] || usage_abort "--case wants BINARY:CASE, not '$case_arg'"
	bin=${case_arg%%:*}
	case_name=${case_arg#*:}
	[ -z "$image" ] || [ -z "$series" ] ||
		usage_abort "--kernel and --kernel-image exclude each other"
	case $page_size in
	4k | 16k | 64k | 4K | 16K | 64K) ;;
	*) usage_abort "--page-size: 4k, 16k or 64k, not '$page_size'" ;;
	esac
	for n in "$jobs" "$timeout" "$boot_timeout"; do
		[[ $n =~ ^[1-9][0-9]{0,5}$ ]] ||
			usage_abort "'$n' is not a positive number (at most 999999)"
	done
	check_column
	# A bad image is the user's error, not a commit to skip (125).
	if [ -n "$image" ]; then
		why=$(kernel_image_problem "$image")
		[ -z "$why" ] || usage_abort "--kernel-image: $why"
	fi
}

# check_column: --cpu and --mode, before anything slow is built or booted:
# a model QEMU cannot boot would make every step a skip.
check_column() {
	local why known vmdir=${S2CONFORM_VM:-$top/vm}
	if [ -n "$kmode" ]; then
		known=$(awk '!/^#/ && NF >= 3 { print $1 }' \
			"$top/configs/modes.conf" 2>/dev/null | paste -sd ' ')
		[[ " $known " == *" $kmode "* ]] ||
			usage_abort "--mode: one of configs/modes.conf ($known), not '$kmode'"
	fi
	[ -n "$cpu" ] || return 0
	[[ $cpu != *,* ]] || usage_abort "--cpu: one model, not a list ('$cpu')"
	why=$("$vmdir/qemu_cpu.sh" "$cpu" 2>&1 >/dev/null)
	case $? in
	0) ;;
	2) usage_abort "--cpu: ${why#qemu_cpu.sh: }" ;;
	*) abort "vm/qemu_cpu.sh could not ask QEMU about '$cpu': $why" ;;
	esac
}

# set_judge good|bad [FIELD=]REGEX
set_judge() {
	[ "$mode" = verdict ] ||
		usage_abort "one of --good-if, --bad-if, --observe only"
	mode=$1
	pattern=$2
	case $pattern in
	observed=* | expected=* | reason=* | verdict=*)
		field=${pattern%%=*}
		pattern=${pattern#*=} ;;
	esac
	[ -n "$pattern" ] || usage_abort "an empty pattern matches everything"
	# grep says 2 for a bad regex: catch it now, not at the first step.
	echo | grep -qE -- "$pattern" 2>/dev/null
	[ $? -ne 2 ] || usage_abort "bad regular expression '$pattern'" \
		"($(echo | grep -E -- "$pattern" 2>&1 | sed 's/^grep: //'))"
}

# The kernel tree: its identity for the log, and a build directory per tree.
describe_tree() {
	src=${src:-$PWD}
	src=$(cd "$src" 2>/dev/null && pwd) || usage_abort "no directory $src"
	grep -qs '^PATCHLEVEL = ' "$src/Makefile" ||
		usage_abort "$src is not a kernel tree (use --src, --kernel or --kernel-image)"
	[ -x "$src/scripts/kconfig/merge_config.sh" ] ||
		usage_abort "$src has no scripts/kconfig/merge_config.sh"
	what=$(git -C "$src" describe --always --tags HEAD 2>/dev/null) ||
		what=$(sed -n 's/^\(VERSION\|PATCHLEVEL\|SUBLEVEL\) = //p' "$src/Makefile" |
			paste -sd .)
	if [ -z "$kbuild" ]; then
		kbuild=$cache/bisect/build/$(basename "$src")-$(printf '%s' "$src" |
			sha256sum | cut -c1-8)
	fi
}

# build_kernel: configure and build $src into $kbuild with bisect/build.sh;
# sets kdir, the kernel directory run_tests.sh boots (Image, release,
# config, and the build tree the fixture module is built against).
# Exits 125 when this tree cannot be built.
build_kernel() {
	local v=() rc x=() f
	[ $verbose -eq 0 ] || v=(-v)
	for f in "${extra[@]}"; do x+=(--config "$f"); done
	"$here/build.sh" --src "$src" --build-dir "$kbuild" --base "$base" \
		--page-size "$page_size" -j "$jobs" "${x[@]}" "${v[@]}" \
		>/dev/null 2>"$tmp/build.err"
	rc=$?
	sed "s/^build: \(error: \)\{0,1\}\[[^]]*\] /oracle: [$what] \1/; s/^build: /oracle: [$what] /" \
		"$tmp/build.err" >&2
	case $rc in
	0) ;;
	1) log "[$what] skip (log: $kbuild/s2conform-build.log)"; exit $EX_SKIP ;;
	*) abort "bisect/build.sh failed (exit $rc)" ;;
	esac
	kdir=$kbuild/s2conform-kernel
	mkdir -p "$kdir"
	cp "$kbuild/arch/arm64/boot/Image" "$kdir/Image" ||
		{ log "[$what] no arch/arm64/boot/Image: skip"; exit $EX_SKIP; }
	cp "$kbuild/.config" "$kdir/config"
	cat "$kbuild/include/config/kernel.release" >"$kdir/release" 2>/dev/null ||
		echo "$what" >"$kdir/release"
	# fixture/build.sh builds s2fixture.ko against this step's tree.
	ln -sfn "$kbuild" "$kdir/build"
	echo "build tree" >"$kdir/source"
}

# The suite's binary for the case, alone in a directory of its own so that
# the VM runs nothing else.
stage_tests() {
	local testdir
	if [ $build_tests -eq 1 ]; then
		make -C "$top" -s ${O:+O="$O"} >"$tmp/tests-build.log" 2>&1 || {
			tail -n 20 "$tmp/tests-build.log" >&2
			abort "building the test binaries failed"
		}
	fi
	testdir=${O:-build}/arm64
	[[ $testdir == /* ]] || testdir=$top/$testdir
	[ -x "$testdir/$bin" ] || abort "no test binary $bin in $testdir"
	if [ -f "$testdir/$bin.cases" ] && ! grep -qxF -- "$case_name" "$testdir/$bin.cases"; then
		abort "$bin has no case '$case_name' (see run_tests.sh --list)"
	fi
	mkdir -p "$tmp/suite/arm64"
	cp "$testdir/$bin" "$tmp/suite/arm64/"
	[ ! -f "$testdir/$bin.cases" ] || cp "$testdir/$bin.cases" "$tmp/suite/arm64/"
	# Expectation profiles go with it (<binary dir>/../configs/profiles).
	[ ! -d "$testdir/../configs" ] || cp -R "$testdir/../configs" "$tmp/suite/"
}

# run_case KERNEL: boot KERNEL (series or path) with the one case; sets
# records (the kernel's records.tsv) and resdir.
run_case() {
	local rc runs=$cache/bisect/runs v=() f=(--filter "$case_name") col=()
	[ $verbose -eq 0 ] || v=(-v)
	[ $whole -eq 0 ] || f=()
	[ -z "$cpu" ] || col+=(--cpu "$cpu")
	[ -z "$kmode" ] || col+=(--mode "$kmode")
	mkdir -p "$runs"
	# run_tests.sh points "latest" at the run it makes, if it makes one.
	rm -f "$runs/latest"
	log "[$what] booting $1${cpu:+ on $cpu}${kmode:+ in $kmode mode}, running $bin:${f[1]:-*}"
	S2CONFORM_RESULTS=$runs O=$tmp/suite \
		"$top/run_tests.sh" --vm --no-build --kernel "$1" "${f[@]}" "${col[@]}" \
		--timeout "$timeout" --boot-timeout "$boot_timeout" \
		"${v[@]}" >"$tmp/run.out" 2>"$tmp/run.err"
	rc=$?
	[ $verbose -eq 0 ] || cat "$tmp/run.err" >&2
	resdir=$(cd "$runs/latest" 2>/dev/null && pwd -P)
	records=
	[ -z "$resdir" ] || records=$(find "$resdir" -mindepth 2 -maxdepth 2 \
		-name records.tsv | head -n 1)
	case $rc in
	0 | 1) ;;
	2) cat "$tmp/run.err" >&2; abort "run_tests.sh refused its arguments" ;;
	*) grep -E 'error' "$tmp/run.err" | tail -n 5 >&2 ;;
	esac
	if [ -z "$records" ] || ! cut -f2 "$records" | grep -qxF -- "$bin"; then
		if [ $rc -ge 3 ]; then
			verdict_line SKIP "no result: the kernel did not boot or the runner" \
				"never started (run_tests.sh exit $rc; ${resdir:-no results})"
		else
			verdict_line SKIP "$bin did not run $case_name on this kernel"
		fi
		exit $EX_SKIP
	fi
}

# verdict_line WORD WHY...: the one line that says what this step is.
verdict_line() {
	local word=$1 line
	shift
	line="$word $what${cpu:+/$cpu}${kmode:+/$kmode} $bin:$case_name: $*"
	echo "$line"
	log "[$what] $word after $((SECONDS - t_start))s"
	mkdir -p "$cache/bisect"
	printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$line" >>"$cache/bisect/oracle.log"
}

# rec CASE: the record of CASE in the case's binary, tab-separated fields
# verdict, observed, expected, reason.
rec() {
	awk -F'\t' -v b="$bin" -v c="$1" '$2 == b && $3 == c && $4 != "METRIC" {
		print $4 "\t" $5 "\t" $6 "\t" $7; exit }' "$records"
}

judge() {
	local r v o e why splat binrec value m
	r=$(rec "$case_name")
	splat=$(rec "$bin/kernel-splat")
	binrec=$(rec "$bin")
	IFS=$'\t' read -r v o e why <<<"$r"
	if [ -z "$r" ] || [ "$v" = MISS ]; then
		# The binary ran (it had the case) but reported no result for it:
		# it crashed or the kernel stopped (its ERROR record says which).
		IFS=$'\t' read -r v _ _ why <<<"$binrec"
		if [ "$mode" = verdict ] && { [ "$v" = FAIL ] || [ "$v" = ERROR ]; }; then
			verdict_line BAD "no result, the binary failed: $why"
			exit $EX_BAD
		fi
		verdict_line SKIP "no result for the case${why:+ ($why)}"
		exit $EX_SKIP
	fi
	case $field in
	observed) value=$o ;;
	expected) value=$e ;;
	reason) value=$why ;;
	verdict) value=$v ;;
	esac
	r="verdict=$v observed=$o expected=$e${why:+ ($why)}"
	if [ "$mode" = verdict ]; then
		case $v in
		PASS)
			if [ -n "$splat" ]; then
				verdict_line BAD "$r; kernel splat: $(cut -f4 <<<"$splat")"
				exit $EX_BAD
			fi
			verdict_line GOOD "$r"; exit $EX_GOOD ;;
		FAIL) verdict_line BAD "$r"; exit $EX_BAD ;;
		*) verdict_line SKIP "$r"; exit $EX_SKIP ;;
		esac
	fi
	if [ "$field" != verdict ] && { [ "$v" = SKIP ] || [ -z "$value" ]; }; then
		verdict_line SKIP "$r: no $field value to match"
		exit $EX_SKIP
	fi
	if grep -qE -- "$pattern" <<<"$value"; then m=matches; else m="does not match"; fi
	if { [ "$mode" = bad ] && [ "$m" = matches ]; } ||
	   { [ "$mode" = good ] && [ "$m" != matches ]; }; then
		verdict_line BAD "$r; $field $m /$pattern/"
		exit $EX_BAD
	fi
	verdict_line GOOD "$r; $field $m /$pattern/"
	exit $EX_GOOD
}

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() { [ -n "${tmp:-}" ] && rm -rf "$tmp"; }

main() {
	local kernel
	t_start=$SECONDS
	parse_args "$@"
	tmp=$(mktemp -d) || abort "mktemp failed"
	trap cleanup EXIT
	stage_tests
	if [ -n "$series" ]; then
		what=$series
		kernel=$series
	elif [ -n "$image" ]; then
		[ -e "$image" ] || usage_abort "no kernel image at $image"
		image=$(cd "$(dirname "$image")" && pwd)/$(basename "$image")
		# Named by its release when it has one beside it.
		if [ -f "$image/release" ]; then
			what=$(cat "$image/release")
		elif [ -f "$(dirname "$image")/release" ]; then
			what=$(cat "$(dirname "$image")/release")
		else
			what=${image/#$HOME/\~}
		fi
		kernel=$image
	else
		describe_tree
		build_kernel
		kernel=$kdir
	fi
	run_case "$kernel"
	judge
}

trap 'exit 130' INT
trap 'exit 143' TERM
main "$@"
