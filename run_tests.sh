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
# Exit: 0 all passed or skipped, 1 a test failed, 2 usage error,
#       3 the suite could not test something: an ERROR or MISS record
#       (dependencies, build, download, boot, a piece of the VM
#       environment, a crashed or hung binary), even when a test failed.
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
  -j N                  run N columns (kernel x CPU) at once (default: one
                        per host core)
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
                        numbers, not verdicts; slow (minutes per kernel)
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

count() {
	if ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -eq 0 ]; then
		usage_error "$1 wants a positive number, not '$2'"
	fi
}

# At most 6 digits: bash arithmetic must not overflow on the way.
positive() {
	if ! [[ $2 =~ ^[0-9]{1,6}$ ]] || [ "$2" -eq 0 ]; then
		usage_error "$1 wants a positive number of seconds (at most" \
			"999999), not '$2'"
	fi
}

# An output file whose directory exists and can be written, checked before
# the suite runs rather than when it is done.
out_file() {
	local d
	d=$(dirname -- "$2")
	[ -d "$d" ] || usage_error "$1 $2: no directory $d"
	[ -w "$d" ] || usage_error "$1 $2: directory $d is not writable"
	[ ! -d "$2" ] || usage_error "$1 $2 is a directory"
	[ ! -e "$2" ] || [ -w "$2" ] || usage_error "$1 $2 is not writable"
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
		--without) need_arg "$1" $#; parse_without "$2"; shift ;;
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
	check_baseline
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

# Expand "all" and check every alias (ALIAS[=VERSION]) against the
# harness's, before anything slow happens.  Paths are checked for
# existence only.
resolve_kernels() {
	local aliases k why
	if [ "$kernels" = all ]; then
		aliases=$("$vm/fetch_kernel.sh" --list-series) ||
			die "vm/fetch_kernel.sh --list-series failed"
		mapfile -t kernel_list <<<"$aliases"
		return
	fi
	aliases=$("$vm/fetch_kernel.sh" --list-aliases) ||
		die "vm/fetch_kernel.sh --list-aliases failed"
	IFS=, read -ra kernel_list <<<"$kernels"
	for k in "${kernel_list[@]}"; do
		if [[ $k == */* ]] || [ -e "$k" ]; then
			why=$(kernel_image_problem "$k")
			[ -z "$why" ] || usage_error "--kernel $k: $why"
		elif [[ $k == *=* ]] && [ -z "${k#*=}" ]; then
			usage_error "'$k': the pin wants a package version (${k%%=*}=VERSION)"
		elif ! grep -qxF -- "${k%%=*}" <<<"$aliases"; then
			usage_error "unknown kernel '$k' (known: ${aliases//$'\n'/ })"
		fi
	done
}

# Check every --cpu model with QEMU itself (vm/qemu_cpu.sh) before anything
# slow: unknown, 32-bit or EL2-less models are usage errors.
resolve_cpus() {
	local why
	cpu_list=("")
	[ -n "$cpus" ] || return 0
	IFS=, read -ra cpu_list <<<"$cpus"
	why=$("$vm/qemu_cpu.sh" "${cpu_list[@]}" 2>&1 >/dev/null)
	case $? in
	0) ;;
	2) usage_error "--cpu: ${why#qemu_cpu.sh: }" ;;
	*) die "vm/qemu_cpu.sh could not ask QEMU about the CPU models: $why" ;;
	esac
}

# Columns at once: one per host core. Each TCG guest runs -smp 2 but keeps
# about one host core busy (its vCPUs mostly wait on each other); see the
# measurements in docs/columns.md.
default_jobs() {
	local n
	n=$(nproc 2>/dev/null) || n=1
	njobs=${njobs:-$(( n > 1 ? n : 1 ))}
}

build_tests() {
	local logf=$tmp/build.log
	[ $build -eq 1 ] || return 0
	log "building tests (make${O:+ O=$O})"
	if [ $verbose -eq 1 ]; then
		make -C "$top" -s ${O:+O="$O"} 2>&1 | tee "$logf" >&2
	else
		make -C "$top" -s ${O:+O="$O"} >"$logf" 2>&1
	fi || { tail -n 40 "$logf" >&2; die "make failed"; }
}

# The test binaries, one path per line.
binaries() {
	local f
	for f in "$testdir"/*; do
		[ -f "$f" ] && [ -x "$f" ] && echo "$f"
	done
}

# --test LIST as run_direct.sh entries, NAME or NAME:GLOBS, in
# selection[] in the order first named: a binary on its own runs whole, a
# group adds its binaries with its case globs (several groups' globs for one
# binary are joined). Names not in the table must be built binaries
# (check_tests, after the build): a typo of a group is caught here, before
# anything slow.
resolve_tests() {
	local out
	selection=()
	[ -n "$tests" ] || return 0
	[ -f "$groups_conf" ] || die "no test-group table $groups_conf"
	out=$(awk -v items="$tests" '
		function add(b, g) {
			if (!(b in sel)) {
				order[++no] = b
				sel[b] = g
			} else if (sel[b] == "*" || g == "*") {
				sel[b] = "*"
			} else {
				sel[b] = sel[b] "," g
			}
		}
		/^[ \t]*(#|$)/ { next }
		{ grp[$1]; bin[$2]; g[++nr] = $1; b[nr] = $2; c[nr] = $3 }
		END {
			n = split(items, it, ",")
			for (i = 1; i <= n; i++) {
				if (it[i] in grp) {
					for (r = 1; r <= nr; r++)
						if (g[r] == it[i])
							add(b[r], c[r])
				} else {
					add(it[i], "*")
				}
			}
			for (i = 1; i <= no; i++)
				print order[i] (sel[order[i]] == "*" ? "" : ":" sel[order[i]])
			printf "groups:"
			for (x in grp)
				printf " %s", x
			print ""
		}' "$groups_conf") || die "cannot read $groups_conf"
	mapfile -t selection < <(grep -v '^groups:' <<<"$out")
	test_groups=$(sed -n 's/^groups: //p' <<<"$out" | tr ' ' '\n' | sort | paste -sd ' ')
}

# Every --test name that is not a group is a binary in $testdir.
check_tests() {
	local e
	for e in "${selection[@]}"; do
		[ -x "$testdir/${e%%:*}" ] || usage_error "--test: '${e%%:*}'" \
			"is neither a test group ($test_groups) nor a test binary in ${testdir#"$top"/}"
	done
}

# in_globs NAME LIST: NAME matches one of LIST's comma-separated globs (an
# empty LIST matches everything), as run_direct.sh and lib/test.c match.
in_globs() {
	local g
	[ -n "$2" ] || return 0
	IFS=, read -ra gl <<<"$2"
	for g in "${gl[@]}"; do
		# shellcheck disable=SC2053 # a glob on purpose
		[[ $1 == $g ]] && return 0
	done
	return 1
}

# The selected binaries as NAME<TAB>GLOBS lines (GLOBS empty: all cases).
selected_binaries() {
	local bin e
	if [ ${#selection[@]} -eq 0 ]; then
		while read -r bin; do
			printf '%s\t\n' "${bin##*/}"
		done < <(binaries)
		return
	fi
	for e in "${selection[@]}"; do
		if [[ $e == *:* ]]; then
			printf '%s\t%s\n' "${e%%:*}" "${e#*:}"
		else
			printf '%s\t\n' "$e"
		fi
	done
}

# bin_entry NAME: NAME's --test selection entry (NAME:GLOBS), else NAME.
bin_entry() {
	local e
	for e in "${selection[@]}"; do
		[ "${e%%:*}" != "$1" ] || { echo "$e"; return; }
	done
	echo "$1"
}

# filter_match BINARY CASE: the case is selected.  A filter with a colon
# is BINARY_GLOB:CASE_GLOB, as --list prints the cases; the case part may
# be a comma list of globs (in_globs).
filter_match() {
	[ -n "$filter" ] || return 0
	if [[ $filter == *:* ]]; then
		# shellcheck disable=SC2053 # globs on purpose
		[[ $1 == ${filter%%:*} ]] && in_globs "$2" "${filter#*:}"
	else
		in_globs "$2" "$filter"
	fi
}

# Case lists come from the <name>.cases files the Makefile writes next to
# the binaries: aarch64 binaries cannot run on an x86 host to be asked.
list_from_cases() {
	local name globs bin c rc=0
	while IFS=$'\t' read -r name globs; do
		bin=$testdir/$name
		if [ ! -f "$bin.cases" ]; then
			log "$name: no case list (${bin#"$top"/}.cases is missing)"
			rc=3
			continue
		fi
		while IFS= read -r c; do
			filter_match "$name" "$c" && in_globs "$c" "$globs" &&
				echo "$name:$c"
		done <"$bin.cases"
	done < <(selected_binaries)
	return $rc
}

list_cases() {
	if [ "$mode" = direct ]; then
		"$runner/run_direct.sh" -l ${filter:+-f "$filter"} "$testdir" \
			"${selection[@]}"
	else
		list_from_cases
	fi
}

# The filter travels on the kernel command line, and a filter that matches
# nothing would cost a boot to find out.
check_filter() {
	local matches
	[ -n "$filter$tests" ] || return 0
	case $filter in
	*[[:space:]\"\'\\]*)
		usage_error "--filter cannot hold blanks, quotes or backslashes in VM mode" ;;
	esac
	matches=$(list_from_cases 2>/dev/null) || return 0
	local what=
	[ -z "$tests" ] || what="--test '$tests'"
	[ -z "$filter" ] || what+="${what:+ and }--filter '$filter'"
	[ -n "$matches" ] || usage_error "no case matches $what"
}

new_resdir() {
	local base n=1
	base=$results/$(date +%Y%m%d-%H%M%S)
	resdir=$base
	while [ -e "$resdir" ]; do
		resdir=$base-$((n++))
	done
	mkdir -p "$resdir" || die "cannot create $resdir"
	ln -sfn "${resdir##*/}" "$results/latest" 2>/dev/null
}

# records.tsv and binaries.tsv for one column directory, from tap.txt and
# console.log; plan.txt lists the cases that were due (binary:case).
parse_results() {
	local label=$1 kdir=$2
	touch "$kdir/tap.txt" "$kdir/console.log" "$kdir/plan.txt"
	rm -f "$kdir/splats.txt"
	awk -v kernel="$label" -v plan="$kdir/plan.txt" \
		-v binaries="$kdir/binaries.tsv" \
		-f "$runner/tap_parse.awk" "$kdir/tap.txt" >"$kdir/tap.tsv"
	awk -v kernel="$label" -v records="$kdir/tap.tsv" \
		-v excerpts="$kdir/splats.txt" \
		-v release="$(cat "$kdir/release" 2>/dev/null)" \
		-v defects="$top/configs/known-defects.conf" \
		-f "$runner/splat.awk" "$kdir/console.log" >"$kdir/records.tsv"
	rm -f "$kdir/tap.tsv"
	if [ -s "$kdir/hangs.txt" ]; then
		cat "$kdir/hangs.txt" >>"$kdir/splats.txt"
	fi
}

# The binaries with a due case, in plan order.
due_binaries() {
	cut -d: -f1 "$1" | awk '!seen[$0]++'
}

# The binary a boot's TAP left open: begun, no result line.
open_binary() {
	awk '/^# selftests: s2conform: / { b = substr($0, 25); next }
	     /^(not )?ok [0-9]+ (selftests: )?s2conform: / { b = "" }
	     END { print b }' "$1"
}

# Wait for boot.sh (pid $1) while the guest writes $2/tap.txt: report the
# boot time once the runner speaks, then each binary as it starts; with -v
# stream the TAP.  Sets boot_seconds.
watch_guest() {
	local pid=$1 tap=$2/tap.txt label=$3 t0=$SECONDS shown=0 n cur prev=
	boot_seconds=
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		[ -s "$tap" ] || continue
		if [ -z "$boot_seconds" ]; then
			boot_seconds=$((SECONDS - t0))
			log "[$label] booted in ${boot_seconds}s, running tests"
		fi
		if [ $verbose -eq 1 ]; then
			# Whole lines only: the guest may be mid-line.
			n=$(wc -l <"$tap")
			[ "$n" -gt "$shown" ] && sed -n "$((shown + 1)),${n}p" "$tap"
			shown=$n
			continue
		fi
		cur=$(sed -n 's/^# selftests: s2conform: //p' "$tap" | tail -n 1)
		[ "$cur" != "$prev" ] && log "[$label] running $cur"
		prev=$cur
	done
	if [ $verbose -eq 1 ] && [ -f "$tap" ]; then
		tail -n +$((shown + 1)) "$tap"
	fi
	return 0
}

# boot_once KD INITRD OUT LABEL BINARY...: one boot running BINARY...
# (all when none is given).  A guest silent for longer than a binary may
# take, plus a grace, is ended by boot.sh ("hung").
boot_once() {
	local kd=$1 initrd=$2 out=$3 label=$4 cpu=$5 append rc idle limit bins
	shift 5
	idle=$((timeout + 10 + hang_grace))
	limit=${boot_timeout:-$((300 + $# * idle))}
	append="s2.timeout=$timeout"
	[ -n "$filter" ] && append+=" s2.filter=$filter"
	[ -n "$without" ] && append+=" s2.without=$without"
	[ -n "$fixture_error" ] && append+=" s2.fixture_error=\"$fixture_error\""
	bins=$(IFS=,; echo "$*")
	# With --test the guest needs each binary's case globs: s2.bins entries
	# are NAME[:GLOBS], ;-separated.
	[ "$bins" = "$all_bins" ] && [ ${#selection[@]} -eq 0 ] ||
		append+=" s2.bins=$(for b; do bin_entry "$b"; done | paste -sd ';')"
	"$vm/boot.sh" --kernel-dir "$kd" --initrd "$initrd" --out "$out" \
		--timeout "$limit" --idle-timeout "$idle" --append "$append" \
		${cpu:+--cpu "$cpu"} &
	boot_pid=$!
	watch_guest "$boot_pid" "$out" "$label"
	wait "$boot_pid"
	rc=$?
	boot_pid=
	[ $rc -eq 0 ] && return 0
	case $(cat "$out/status" 2>/dev/null) in
	hung) log "[$label] error: the kernel stopped responding (no" \
		  "output for ${idle}s)" ;;
	watchdog) log "[$label] error: boot watchdog fired after ${limit}s" ;;
	*) log "[$label] error: boot failed (boot.sh exit $rc; see" \
	       "$out/console.log)" ;;
	esac
	return 3
}

# Why the guest of boot directory $1 stopped while $2 ran: one line, and
# the console tail (with any hung-task or RCU-stall report) in hangs.txt.
stop_reason() {
	local out=$1 name=$2 kdir=$3 st why report
	st=$(cat "$out/status" 2>/dev/null)
	report=$(tr -d '\r' <"$out/console.log" | grep -m 1 -E \
		'Kernel panic|INFO: task .* blocked|rcu: INFO:|soft lockup|hard LOCKUP' |
		sed 's/^\[[ 0-9.]*\] //')
	case $st in
	hung) why="kernel stopped responding (no output for" \
	      why+=" $((timeout + 10 + hang_grace))s)" ;;
	*) why="kernel died (${st:-no status})" ;;
	esac
	{
		echo "--- $why in $name [${kdir##*/}]; console tail:"
		tr -d '\r' <"$out/console.log" | tail -n 25 | sed 's/^/  /'
	} >>"$kdir/hangs.txt"
	echo "$why${report:+: $report}; console tail in splats.txt"
}

# Boot until every due binary has run: a guest that stops responding or
# dies costs the binary that was running (ERROR) and one more boot for the
# binaries after it.  Sets boot_seconds (of the first boot).
boot_kernel() {
	local kd=$1 initrd=$2 kdir=$3 label=$4 cpu=$5 n=0 rc=0 out cur st first
	local -a left
	mapfile -t left < <(due_binaries "$kdir/plan.txt")
	all_bins=$(IFS=,; echo "${left[*]}")
	: >"$kdir/tap.txt"
	: >"$kdir/console.log"
	while :; do
		out=$kdir/boot$n
		boot_once "$kd" "$initrd" "$out" "$label" "$cpu" "${left[@]}" ||
			rc=3
		[ $n -eq 0 ] && first=$boot_seconds
		cat "$out/tap.txt" >>"$kdir/tap.txt" 2>/dev/null
		cat "$out/console.log" >>"$kdir/console.log" 2>/dev/null
		st=$(cat "$out/status" 2>/dev/null)
		[ "$st" = hung ] || [ "$st" = crashed ] || break
		cur=$(open_binary "$out/tap.txt")
		[ -n "$cur" ] || break
		echo "# s2conform: rebooted: $(stop_reason "$out" "$cur" "$kdir")" \
			>>"$kdir/tap.txt"
		while [ ${#left[@]} -gt 0 ] && [ "${left[0]}" != "$cur" ]; do
			left=("${left[@]:1}")
		done
		left=("${left[@]:1}")
		[ ${#left[@]} -gt 0 ] || break
		log "[$label] $cur stopped the kernel; booting again for" \
			"${#left[@]} more binaries"
		rc=0
		n=$((n + 1))
	done
	boot_seconds=$first
	# The column's boot is ok when its last boot ran the runner to the
	# end; hung binaries before that are ERROR records of their own.
	case $st in
	"done rc="*) boot_status=ok ;;
	hung | crashed) boot_status=ok ;;
	*) boot_status="error: ${st:-boot.sh exit $rc} (see $out/console.log)" ;;
	esac
	reboots=$n
	for f in status qemu.log machine; do
		cp "$kdir/boot$n/$f" "$kdir/$f" 2>/dev/null
	done
	return $rc
}

# Label for results: the alias, or the release of a kernel given by path.
kernel_label() {
	local k=$1 kd=$2 label
	if [[ $k == */* ]] || [ -e "$k" ]; then
		label=$(cat "$kd/release" 2>/dev/null) || label=${k##*/}
	else
		label=${k%%=*}
	fi
	echo "${label//\//_}"
}

# The PFNMAP fixture module for this kernel (fixture/build.sh caches it).
# A failed build is not fatal to the other cases: the guest is told why
# (s2.fixture_error), and the fixture_* cases are ERROR with that cause.
fixture_extra() {
	local kd=$1 label=$2 ko
	extra=()
	fixture_error=
	without_has fixture && return 0
	log "[$label] building the fixture module"
	if ! ko=$("$fixture_build" "$kd" "$tmp/fixture-$label" \
		2>"$tmp/fixture-$label.log"); then
		fixture_error=$(grep -v '^  |' "$tmp/fixture-$label.log" | tail -n 1 |
			sed 's/^s2conform: //; s/^error: //; s/^module build failed: //' |
			tr -d '"\\' |
			cut -c1-160)
		fixture_error="fixture module build failed: ${fixture_error:-no reason given}"
		log "[$label] error: $fixture_error"
		return 0
	fi
	extra+=(--extra "$ko:/lib/modules-extra/s2fixture.ko"
	       --extra "$ko.params:/lib/modules-extra/s2fixture.ko.params")
}

# config_gate KD LABEL: when the kernel's config is known, stop its column
# before boot if it lacks what the harness needs (sets col_error, returns
# 3), and tell the guest which options the topics lack (cfg_extra puts
# config-missing in the initramfs: those cases SKIP naming the option).
config_gate() {
	local kd=$1 label=$2 missing f=$tmp/config-missing-$2
	cfg_extra=()
	if [ ! -f "$kd/config" ]; then
		log "[$label] note: the kernel's config is unknown (no .config, no IKCONFIG): not checked before boot"
		return 0
	fi
	missing=$("$top/configs/check_config.sh" --required "$kd/config") ||
		die "configs/check_config.sh failed"
	if [ -n "$missing" ]; then
		col_error="the kernel's config lacks ${missing// /, }, which the harness cannot run without (configs/s2conform.config)"
		log "[$label] error: $col_error"
		return 3
	fi
	"$top/configs/check_config.sh" --topics "$kd/config" >"$f" ||
		die "configs/check_config.sh failed"
	[ -s "$f" ] || return 0
	log "[$label] the kernel's config lacks $(cut -f1 "$f" | paste -sd ' '): the cases needing them skip"
	cfg_extra=(--extra "$f:/s2conform/config-missing")
}

# boot_hint KD KDIR LABEL: no TAP from a kernel whose config was not
# checked; say which required options are the likely cause.
boot_hint() {
	local kd=$1 kdir=$2 label=$3 why
	[ ! -s "$kdir/tap.txt" ] && [ ! -f "$kd/config" ] || return 0
	if grep -qs 'Unable to mount root fs\|junk in compressed archive\|no cpio magic' "$kdir/console.log"; then
		why="the kernel could not unpack the initramfs: CONFIG_BLK_DEV_INITRD, CONFIG_RD_GZIP"
	elif grep -qs 'Run /init\|Freeing unused kernel memory' "$kdir/console.log"; then
		why="the kernel started /init but gave no TAP: CONFIG_VIRTIO_CONSOLE, CONFIG_VIRTIO_MMIO or CONFIG_VIRTIO_PCI, CONFIG_DEVTMPFS, CONFIG_BINFMT_SCRIPT"
	elif [ ! -s "$kdir/console.log" ]; then
		why="no console output: CONFIG_SERIAL_AMBA_PL011_CONSOLE, CONFIG_PRINTK"
	else
		why="one of $("$top/configs/check_config.sh" --list-required | paste -sd ' ')"
	fi
	log "[$label] no TAP output and the kernel's config is unknown; likely missing: $why"
}

# Fetch kernel number KI and pack its initramfs, once for all its CPU
# columns (the first column to get here does it, the others wait): sets
# kd, klabel and initrd.  Returns 3 on an infrastructure failure.
prepare_kernel() {
	local ki=$1 k=${kernel_list[$1]} state=$tmp/kernel-$1
	local -a extra=() cfg_extra=()
	{ exec 8>"$state.lock" && flock 8; } || die "cannot lock $state.lock"
	if [ -f "$state" ]; then
		# shellcheck disable=SC1090 # written below, by an earlier column
		. "$state"
		exec 8>&-
		[ -n "$kd" ]
		return $(( $? ? 3 : 0 ))
	fi
	kd='' klabel=$k initrd=$tmp/kernel-$ki.cpio.gz col_error='' fixture_error=
	kpkgs=''
	log "[$k] fetching kernel"
	if ! kd=$("$vm/fetch_kernel.sh" "$k"); then
		log "[$k] error: fetching the kernel failed (exit $?)"
		kd=
	else
		klabel=$(kernel_label "$k" "$kd")
		kpkgs=$(cat "$kd/packages" 2>/dev/null)
		if ! config_gate "$kd" "$klabel"; then
			kd=
		else
			fixture_extra "$kd" "$klabel"
			# Kept in the cache: mkinitramfs.sh rebuilds it only
			# when an input changed (1-2 s a kernel saved on the
			# next run). One per kernel and checkout, so two
			# worktrees do not take turns.
			[ -z "$initrd_cache" ] ||
				initrd=$initrd_cache/${kd##*/}-$(cksum <<<"$testdir" | cut -d' ' -f1).cpio.gz
			log "[$klabel] building initramfs"
			"$vm/mkinitramfs.sh" --kernel-dir "$kd" --tests "$testdir" \
				--runner "$runner/run_direct.sh" --out "$initrd" \
				"${extra[@]}" "${cfg_extra[@]}" || {
				log "[$klabel] error: building the initramfs failed"
				kd=
			}
		fi
	fi
	printf 'kd=%q klabel=%q initrd=%q fixture_error=%q col_error=%q kpkgs=%q\n' \
		"$kd" "$klabel" "$initrd" "$fixture_error" "$col_error" \
		"$kpkgs" >"$state"
	exec 8>&-
	[ -n "$kd" ] || return 3
}

# Column number CI: kernel col_kernel[CI] on CPU col_cpu[CI] (empty: the
# profile's).  Fetch, pack, boot and judge; the results directory goes to
# $tmp/col-CI.dir for the summary.  Returns 3 on an infrastructure failure;
# test verdicts are left in records.tsv.  Wall time counts it all, boot
# time up to the runner's first output, test time the rest of the boot.
run_column() {
	local ci=$1 cpu=${col_cpu[$1]} kd klabel initrd label kdir
	local t0=$SECONDS rc=0 started t_boot col_error kpkgs
	started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	boot_seconds='' test_seconds='' reboots=0
	boot_status="error: fetching or packing the kernel failed"
	if ! prepare_kernel "${col_kernel[$ci]}"; then
		klabel=${klabel:-${kernel_list[${col_kernel[$ci]}]}}
		[ -z "${col_error:-}" ] || boot_status="error: $col_error"
		rc=3
	fi
	label=$klabel${cpu:+/$cpu}
	kdir=$resdir/${label//\//_}
	mkdir "$kdir" 2>/dev/null || { kdir+=-$ci; label+=-$ci; mkdir -p "$kdir"; }
	echo "$kdir" >"$tmp/col-$ci.dir"
	if [ $rc -eq 0 ]; then
		cp "$kd/release" "$kdir/release" 2>/dev/null
		list_from_cases >"$kdir/plan.txt" 2>/dev/null
		log "[$label] booting $(cat "$kd/release" 2>/dev/null)" \
		    "${cpu:+on $cpu }(${timeout}s per binary${without:+, without $without})"
		t_boot=$SECONDS
		boot_kernel "$kd" "$initrd" "$kdir" "$label" "$cpu" || rc=3
		boot_hint "$kd" "$kdir" "$label"
		[ -z "$boot_seconds" ] ||
			test_seconds=$((SECONDS - t_boot - boot_seconds))
	fi
	finish_column "$label" "$kdir" "${kernel_list[${col_kernel[$ci]}]}" \
		"$klabel" "$cpu" $((SECONDS - t0)) "$started"
	return $rc
}

# Parse and record one column's results.
# finish_column LABEL KDIR KERNEL ALIAS CPU WALL_SECONDS STARTED
finish_column() {
	local label=$1 kdir=$2 cpu=$5
	if [ -n "${col_error:-}" ]; then
		# Stopped before boot: the one ERROR says why, nothing ran.
		touch "$kdir/tap.txt" "$kdir/console.log"
		printf '%s\tboot\tkernel-config\tERROR\t-\t-\t%s\t-\n' \
			"$label" "$col_error" >"$kdir/records.tsv"
	else
		parse_results "$label" "$kdir"
	fi
	[ -n "$cpu" ] || cpu=$(sed -n 's/^cpu=//p' "$kdir/machine" 2>/dev/null)
	{
		printf 'alias=%s\nrelease=%s\ncpu=%s\ncolumn=%s\n' \
			"$4" "$(cat "$kdir/release" 2>/dev/null)" "$cpu" "$label"
		printf 'started=%s\nboot_seconds=%s\ntest_seconds=%s\nwall_seconds=%s\n' \
			"$7" "$boot_seconds" "$test_seconds" "$6"
		# Every package the kernel came from, pkg.NAME=VERSION.
		[ -z "${kpkgs:-}" ] || sed -n \
			's/^\([^:=]*\)\(:[^=]*\)\{0,1\}=\(.*\)$/pkg.\1=\3/p' <<<"$kpkgs"
	} >"$kdir/kernel.info"
	log "[$label] done in ${6}s${boot_seconds:+ (boot ${boot_seconds}s, tests ${test_seconds}s)}"
	[ -z "$without" ] || echo "without=$without" >>"$kdir/kernel.info"
	[ "$cpu" = host ] || printf 'boot_status=%s\nreboots=%s\n' \
		"$boot_status" "$reboots" >>"$kdir/kernel.info"
	# vm/init's environment report: env.PIECE=ok | skip: why | error: why
	tr -d '\r' <"$kdir/console.log" 2>/dev/null |
		sed -n 's/^\(\[[ 0-9.]*\] \)\{0,1\}s2conform: env \([a-z]*\) /env.\2=/p' |
		awk -F= '{ v[$1] = $0; if (!($1 in v0)) { v0[$1]; o[++n] = $1 } }
			END { for (i = 1; i <= n; i++) print v[o[i]] }' >>"$kdir/kernel.info"
	[ -z "${fixture_error:-}" ] ||
		echo "fixture_error=$fixture_error" >>"$kdir/kernel.info"
	# The facts the first binary's expectations came from (lib/test.c's
	# "# kernel RELEASE: key=value ..." header line, nested as TAP).
	sed -n 's/^\(# \)*# kernel [^ ]*: /facts=/p' "$kdir/tap.txt" 2>/dev/null |
		head -n 1 >>"$kdir/kernel.info"
}

# Every kernel x CPU column, $njobs at a time; kdirs in column order.
run_vm() {
	local ki c ci rc=0 n
	col_kernel=() col_cpu=()
	for ki in "${!kernel_list[@]}"; do
		for c in "${cpu_list[@]}"; do
			col_kernel+=("$ki") col_cpu+=("$c")
		done
	done
	n=${#col_kernel[@]}
	[ "$njobs" -le "$n" ] || njobs=$n
	[ "$njobs" -eq 1 ] || log "$n columns, $njobs at a time (-j $njobs)"
	for ((ci = 0; ci < n; ci++)); do
		while [ "$(jobs -rp | wc -l)" -ge "$njobs" ]; do
			wait -n
		done
		( trap '[ -z "${boot_pid:-}" ] || kill "$boot_pid" 2>/dev/null; exit 130' INT TERM
		  run_column "$ci"; echo $? >"$tmp/col-$ci.rc" ) &
	done
	wait
	for ((ci = 0; ci < n; ci++)); do
		[ -f "$tmp/col-$ci.dir" ] && kdirs+=("$(cat "$tmp/col-$ci.dir")")
		[ "$(cat "$tmp/col-$ci.rc" 2>/dev/null)" = 0 ] || rc=3
	done
	return $rc
}

# Direct mode: the host kernel.  Its log, if readable, stands in for the
# console log so that splats are still found.
run_host() {
	local label kdir n0 t0=$SECONDS rc=0 started
	boot_seconds='' test_seconds=
	started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	label=$(uname -r)
	kdir=$resdir/$label
	mkdir -p "$kdir"
	uname -r >"$kdir/release"
	n0=$(dmesg 2>/dev/null | wc -l) ||
		log "kernel log not readable: splats go undetected"
	"$runner/run_direct.sh" -l ${filter:+-f "$filter"} "$testdir" \
		>"$kdir/plan.txt" 2>/dev/null
	log "[$label] running tests on the host kernel"
	"$runner/run_direct.sh" -t "$timeout" ${filter:+-f "$filter"} \
		"$testdir" "${selection[@]}" | if [ $verbose -eq 1 ]; then
			tee "$kdir/tap.txt"
		else
			cat >"$kdir/tap.txt"
		fi
	[ "${PIPESTATUS[0]}" -eq 2 ] && { log "error: run_direct.sh refused to run"; rc=3; }
	dmesg 2>/dev/null | tail -n +$((n0 + 1)) >"$kdir/console.log"
	finish_column "$label" "$kdir" "$label" "$label" host \
		$((SECONDS - t0)) "$started"
	kdirs+=("$kdir")
	return $rc
}

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	[ -n "${boot_pid:-}" ] && kill "$boot_pid" 2>/dev/null
	# Column jobs stop their boot.sh on TERM.
	# shellcheck disable=SC2046 # one pid a word
	kill $(jobs -p) 2>/dev/null
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
}

main() {
	local broke=0 r
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
	"$runner/report.sh" --matrix --json "$resdir/results.json" \
		--markdown "$resdir/matrix.md" --junit "$resdir/junit.xml" \
		${baseline:+--baseline "$baseline"} "${kdirs[@]}"
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
