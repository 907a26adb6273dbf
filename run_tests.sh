#!/bin/bash
# run_tests.sh - run the s2conform suite on one or more kernels.
#
# On an arm64 host with a usable /dev/kvm the test binaries run directly on
# the host kernel.  Anywhere else each kernel is booted under QEMU (TCG, with
# EL2 and MTE) and the same binaries run inside it through the same runner,
# runner/run_direct.sh.  Either way the results end up in
# results/<timestamp>/<kernel>/ and are summarised per kernel, with a
# case x kernel matrix when several kernels ran; results/<timestamp>/ also
# gets results.json and matrix.md (the matrix in Markdown).
#
# Exit: 0 all passed or skipped, 1 a test failed, 2 usage error,
#       3 infrastructure failure (dependencies, build, download, boot).
set -u -o pipefail

top=$(cd "$(dirname "$0")" && pwd)
runner=$top/runner
# S2CONFORM_VM points at another harness; hosttests use it for stubs.
vm=${S2CONFORM_VM:-$top/vm}
results=${S2CONFORM_RESULTS:-$top/results}

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
  --filter GLOB         run only cases whose name matches GLOB ('anon_4k/*')
  --list                list binary:case for every (matching) case
  --timeout SECS        per test binary (default 120)
  --boot-timeout SECS   per kernel, boot and all tests (default 900)
  --json FILE           also write results.json to FILE
  --markdown FILE       also write the Markdown matrix (matrix.md) to FILE
  --direct | --vm       force a mode (default: direct on arm64 with a usable
                        /dev/kvm, else QEMU)
  --no-build            use the test binaries already built, skip make
  --bench               run the benchmarks (build/bench) instead of the tests:
                        numbers, not verdicts; slow (minutes per kernel)
  -v                    show the nested TAP as it arrives, and build output
  -h, --help            this text
Environment: O=DIR builds into DIR instead of build/ (as make does);
  S2CONFORM_RESULTS=DIR keeps results there instead of results/.
Exit: 0 pass, 1 test failure, 2 usage error, 3 infrastructure failure.
EOF
}

log() { echo "s2conform: $*" >&2; }
usage_error() { log "$*"; usage >&2; exit 2; }
die() { log "error: $*"; exit 3; }

kernels=7.2
kernel_given=0
filter=
list=0
timeout=120
boot_timeout=900
json=
markdown=
verbose=0
mode=
build=1
bench=0
list_kernels=0

need_arg() { [ "$2" -ge 2 ] || usage_error "option $1 needs an argument"; }

positive() {
	if ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -eq 0 ]; then
		usage_error "$1 wants a positive number of seconds, not '$2'"
	fi
}

parse_args() {
	while [ $# -gt 0 ]; do
		# --opt=value is --opt value
		if [[ $1 == --*=* ]]; then
			set -- "${1%%=*}" "${1#*=}" "${@:2}"
		fi
		case $1 in
		--kernel) need_arg "$1" $#; kernels=$2; kernel_given=1; shift ;;
		--filter) need_arg "$1" $#; filter=$2; shift ;;
		--timeout) need_arg "$1" $#; positive "$1" "$2"; timeout=$2; shift ;;
		--boot-timeout) need_arg "$1" $#; positive "$1" "$2"
			boot_timeout=$2; shift ;;
		--json) need_arg "$1" $#; json=$2; shift ;;
		--markdown) need_arg "$1" $#; markdown=$2; shift ;;
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
}

pick_mode() {
	[ -n "$mode" ] && return
	if [ "$(uname -m)" = aarch64 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		mode=direct
	else
		mode=vm
	fi
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
	local aliases k
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
			[ -e "$k" ] || usage_error "no kernel image at '$k'"
		elif [[ $k == *=* ]] && [ -z "${k#*=}" ]; then
			usage_error "'$k': the pin wants a package version (${k%%=*}=VERSION)"
		elif ! grep -qxF -- "${k%%=*}" <<<"$aliases"; then
			usage_error "unknown kernel '$k' (known: ${aliases//$'\n'/ })"
		fi
	done
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

# Case lists come from the <name>.cases files the Makefile writes next to
# the binaries: aarch64 binaries cannot run on an x86 host to be asked.
list_from_cases() {
	local bin c rc=0
	while read -r bin; do
		if [ ! -f "$bin.cases" ]; then
			log "${bin##*/}: no case list (${bin#"$top"/}.cases is missing)"
			rc=3
			continue
		fi
		while IFS= read -r c; do
			# shellcheck disable=SC2053 # $filter is a glob on purpose
			[ -z "$filter" ] || [[ $c == $filter ]] || continue
			echo "${bin##*/}:$c"
		done <"$bin.cases"
	done < <(binaries)
	return $rc
}

list_cases() {
	if [ "$mode" = direct ]; then
		"$runner/run_direct.sh" -l ${filter:+-f "$filter"} "$testdir"
	else
		list_from_cases
	fi
}

# The filter travels on the kernel command line, and a filter that matches
# nothing would cost a boot to find out.
check_filter() {
	local matches
	[ -n "$filter" ] || return 0
	case $filter in
	*[[:space:]\"\'\\]*)
		usage_error "--filter cannot hold blanks, quotes or backslashes in VM mode" ;;
	esac
	matches=$(list_from_cases 2>/dev/null) || return 0
	[ -n "$matches" ] || usage_error "no case matches --filter '$filter'"
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

# records.tsv for one kernel directory, from tap.txt and console.log.
parse_results() {
	local label=$1 kdir=$2
	touch "$kdir/tap.txt" "$kdir/console.log"
	rm -f "$kdir/splats.txt"
	{
		awk -v kernel="$label" -f "$runner/tap_parse.awk" "$kdir/tap.txt"
		awk -v kernel="$label" -v excerpts="$kdir/splats.txt" \
			-v release="$(cat "$kdir/release" 2>/dev/null)" \
			-v defects="$top/configs/known-defects.conf" \
			-f "$runner/splat.awk" "$kdir/console.log"
	} >"$kdir/records.tsv"
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

boot_kernel() {
	local kd=$1 initrd=$2 kdir=$3 label=$4 append rc
	append="s2.timeout=$timeout"
	[ -n "$filter" ] && append+=" s2.filter=$filter"
	"$vm/boot.sh" --kernel-dir "$kd" --initrd "$initrd" --out "$kdir" \
		--timeout "$boot_timeout" --append "$append" &
	boot_pid=$!
	watch_guest "$boot_pid" "$kdir" "$label"
	wait "$boot_pid"
	rc=$?
	boot_pid=
	[ $rc -eq 0 ] && return 0
	if [ -e "$kdir/watchdog" ]; then
		log "[$label] error: boot watchdog fired after ${boot_timeout}s"
	else
		log "[$label] error: boot failed (boot.sh exit $rc; see $kdir/console.log)"
	fi
	return 3
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

# Fetch, pack, boot and judge one kernel.  Returns 3 on an infrastructure
# failure; test verdicts are left in records.tsv.  Wall time counts it all,
# boot time up to the runner's first output.
# The PFNMAP fixture module for this kernel (fixture/build.sh caches it).
# Sets fixture_cause when it cannot be built (exit 4: a bare Image with
# neither build tree nor headers, no CONFIG_MODULES) or the build failed.
fixture_extra() {
	local kd=$1 label=$2 ko rc
	fixture_cause=
	log "[$label] building the fixture module"
	ko=$("$top/fixture/build.sh" "$kd" "$tmp/fixture-$label" 2>"$tmp/fixture.err")
	rc=$?
	cat "$tmp/fixture.err" >&2
	if [ $rc -ne 0 ]; then
		fixture_cause=$(sed -n 's/^s2conform: \(error: \)\{0,1\}//p' "$tmp/fixture.err" | tail -n 1)
		log "[$label] warning: fixture module not built: ${fixture_cause:-fixture/build.sh exit $rc}"
		return 0
	fi
	extra+=(--extra "$ko:/lib/modules-extra/s2fixture.ko"
	       --extra "$ko.params:/lib/modules-extra/s2fixture.ko.params")
}

# config_gate KD LABEL: when the kernel's config is known, stop its column
# before boot if it lacks what the harness needs (sets col_error, returns
# 3), and tell the guest which options the topics lack (config-missing in
# the initramfs: those cases SKIP naming the option).
config_gate() {
	local kd=$1 label=$2 missing f=$tmp/config-missing-$2
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
	extra+=(--extra "$f:/s2conform/config-missing")
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

run_kernel() {
	local k=$1 kd label kdir initrd t0=$SECONDS rc=0 started
	local -a extra=()
	col_error='' fixture_cause='' boot_seconds=''
	started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	log "[$k] fetching kernel"
	kd=$("$vm/fetch_kernel.sh" "$k") || {
		log "[$k] error: fetching the kernel failed (exit $?)"
		return 3
	}
	label=$(kernel_label "$k" "$kd")
	kdir=$resdir/$label
	[ -e "$kdir" ] && label+="-${#kdirs[@]}" && kdir=$resdir/$label
	mkdir -p "$kdir"
	cp "$kd/release" "$kdir/release" 2>/dev/null
	cp "$kd/packages" "$kdir/packages" 2>/dev/null
	initrd=$tmp/$label.cpio.gz
	if ! config_gate "$kd" "$label"; then
		finish_kernel "$label" "$kdir" "$(cat "$kd/release" 2>/dev/null)" \
			"" $((SECONDS - t0)) "$started"
		return 3
	fi
	fixture_extra "$kd" "$label"
	log "[$label] building initramfs"
	"$vm/mkinitramfs.sh" --kernel-dir "$kd" --tests "$testdir" \
		--runner "$runner/run_direct.sh" --out "$initrd" \
		"${extra[@]}" || {
		log "[$label] error: building the initramfs failed"
		return 3
	}
	log "[$label] booting $(cat "$kd/release" 2>/dev/null)" \
	    "(boot timeout ${boot_timeout}s)"
	boot_kernel "$kd" "$initrd" "$kdir" "$label" || rc=3
	boot_hint "$kd" "$kdir" "$label"
	rm -f "$initrd"
	finish_kernel "$label" "$kdir" "$(cat "$kd/release" 2>/dev/null)" \
		"$boot_seconds" $((SECONDS - t0)) "$started"
	return $rc
}

# Parse, record and summarise one kernel's results.
# finish_kernel LABEL KDIR RELEASE BOOT_SECONDS WALL_SECONDS STARTED
finish_kernel() {
	local label=$1 kdir=$2
	parse_results "$label" "$kdir"
	[ -z "${col_error:-}" ] || printf '%s\tboot\tkernel-config\tERROR\t-\t-\t%s\t-\n' \
		"$label" "$col_error" >>"$kdir/records.tsv"
	printf 'alias=%s\nrelease=%s\nstarted=%s\nboot_seconds=%s\nwall_seconds=%s\n' \
		"$label" "$3" "$6" "$4" "$5" >"$kdir/kernel.info"
	[ -z "${col_error:-}" ] || echo "boot_status=error: $col_error" >>"$kdir/kernel.info"
	[ -z "${fixture_cause:-}" ] || echo "fixture=error: $fixture_cause" >>"$kdir/kernel.info"
	# Every package the kernel came from, pkg.NAME=VERSION.
	sed -n 's/^\([^:=]*\)\(:[^=]*\)\{0,1\}=\(.*\)$/pkg.\1=\3/p' \
		"$kdir/packages" 2>/dev/null >>"$kdir/kernel.info"
	log "[$label] done in ${5}s${4:+ (boot ${4}s)}"
	kdirs+=("$kdir")
	"$runner/report.sh" --summary "$kdir"
}

run_vm() {
	local k rc=0
	for k in "${kernel_list[@]}"; do
		run_kernel "$k" || rc=3
	done
	return $rc
}

# Direct mode: the host kernel.  Its log, if readable, stands in for the
# console log so that splats are still found.
run_host() {
	local label kdir n0 t0=$SECONDS rc=0 started
	started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	label=$(uname -r)
	kdir=$resdir/$label
	mkdir -p "$kdir"
	uname -r >"$kdir/release"
	n0=$(dmesg 2>/dev/null | wc -l) ||
		log "kernel log not readable: splats go undetected"
	log "[$label] running tests on the host kernel"
	"$runner/run_direct.sh" -t "$timeout" ${filter:+-f "$filter"} \
		"$testdir" | if [ $verbose -eq 1 ]; then
			tee "$kdir/tap.txt"
		else
			cat >"$kdir/tap.txt"
		fi
	[ "${PIPESTATUS[0]}" -eq 2 ] && { log "error: run_direct.sh refused to run"; rc=3; }
	dmesg 2>/dev/null | tail -n +$((n0 + 1)) >"$kdir/console.log"
	finish_kernel "$label" "$kdir" "$label" "" $((SECONDS - t0)) "$started"
	return $rc
}

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	[ -n "${boot_pid:-}" ] && kill "$boot_pid" 2>/dev/null
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
}

main() {
	local rc=0
	parse_args "$@"
	[ $list_kernels -eq 0 ] || exec "$vm/fetch_kernel.sh" --list-kernels
	pick_mode
	if [ "$mode" = direct ] && [ $kernel_given -eq 1 ]; then
		log "direct mode runs on the host kernel; --kernel ignored"
	fi
	deps
	[ "$mode" = vm ] && [ $list -eq 0 ] && resolve_kernels
	tmp=$(mktemp -d) || die "mktemp failed"
	build_tests
	testdir=${O:-build}/arm64
	[ $bench -eq 1 ] && testdir=${O:-build}/bench
	[[ $testdir == /* ]] || testdir=$top/$testdir
	[ -n "$(binaries)" ] || die "no test binaries in $testdir"
	if [ $list -eq 1 ]; then
		list_cases
		exit
	fi
	[ "$mode" = vm ] && check_filter
	new_resdir
	log "results in ${resdir#"$PWD"/}"
	kdirs=()
	if [ "$mode" = vm ]; then
		run_vm || rc=3
	else
		run_host || rc=3
	fi
	[ ${#kdirs[@]} -gt 0 ] || die "no kernel produced results"
	"$runner/report.sh" --matrix --json "$resdir/results.json" \
		--markdown "$resdir/matrix.md" "${kdirs[@]}" ||
		{ [ $rc -eq 0 ] && rc=1; }
	[ -n "$json" ] && cp "$resdir/results.json" "$json"
	[ -n "$markdown" ] && cp "$resdir/matrix.md" "$markdown"
	log "results in ${resdir#"$PWD"/}"
	exit $rc
}

trap cleanup EXIT
trap 'exit 130' INT TERM
main "$@"
