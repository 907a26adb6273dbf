# shellcheck shell=bash
# shellcheck disable=SC2154 # settings from runner/cli.sh, sourced first
# columns.sh - run the columns: boot each kernel x CPU (booting again past
# a binary that hung or crashed the guest), or run on the host kernel in
# direct mode; parse and record each column's results. Sourced by
# run_tests.sh.

# records.tsv and binaries.tsv for one column directory, from tap.txt and
# console.log; plan.txt lists the cases that were due (binary:case).
parse_results() {
	local label=$1 kdir=$2 kmode=$3
	touch "$kdir/tap.txt" "$kdir/console.log" "$kdir/plan.txt"
	rm -f "$kdir/splats.txt"
	awk -v kernel="$label" -v plan="$kdir/plan.txt" \
		-v binaries="$kdir/binaries.tsv" \
		-f "$runner/tap_parse.awk" "$kdir/tap.txt" >"$kdir/tap.tsv"
	awk -v kernel="$label" -v records="$kdir/tap.tsv" \
		-v excerpts="$kdir/splats.txt" \
		-v release="$(cat "$kdir/release" 2>/dev/null)" -v kvm_mode="$kmode" \
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

# last_binary TAP [open]: the last binary a boot's TAP began (the
# "# selftests: s2conform: NAME" header of run_direct.sh); with "open",
# only if its result line has not come yet. This file's one reader of it.
last_binary() {
	awk -v open="${2:-}" '/^# selftests: s2conform: / { b = substr($0, 25); next }
	     open && /^(not )?ok [0-9]+ (selftests: )?s2conform: / { b = "" }
	     END { print b }' "$1"
}

# Wait for boot.sh (pid $1) while the guest writes $2/tap.txt: report the
# boot time once the runner speaks, then each binary as it starts; with -v
# stream the TAP.  Sets boot_seconds.
watch_guest() {
	local pid=$1 tap=$2/tap.txt label=$3 t0=$SECONDS shown=0 n cur prev=
	boot_seconds=
	while kill -0 "$pid" 2>/dev/null; do
		nap "$pid"
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
		cur=$(last_binary "$tap")
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
	# The benchmark's hugetlb rows map up to 128M of 2M pages.
	if [ $bench -eq 1 ]; then
		append+=" s2.hugetlb_pages=64"
	fi
	[ -n "$filter" ] && append+=" s2.filter=$filter"
	[ -n "$without" ] && append+=" s2.without=$without"
	[ -z "$mode_append" ] || append+=" $mode_append"
	[ -n "$fixture_error" ] && append+=" s2.fixture_error=\"$fixture_error\""
	bins=$(IFS=,; echo "$*")
	# With --test the guest needs each binary's case globs: s2.bins entries
	# are NAME[:GLOBS], ;-separated.
	[ "$bins" = "$all_bins" ] && [ ${#selection[@]} -eq 0 ] ||
		append+=" s2.bins=$(for b; do bin_entry "$b"; done | paste -sd ';')"
	"$vm/boot.sh" --kernel-dir "$kd" --initrd "$initrd" --out "$out" \
		--timeout "$limit" --idle-timeout "$idle" --append "$append" \
		${cpu:+--cpu "$cpu"} "${mode_qemu[@]}" &
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
		cur=$(last_binary "$out/tap.txt" open)
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
	for f in status qemu.log machine qemu.cmdline; do
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

# mode_args MODE: the guest's mode to insist on and the words that ask for
# it (configs/modes.conf), in mode_append (kernel) and mode_qemu (QEMU:
# the words qemu:ARG). Nothing for an empty MODE.
mode_args() {
	local want margs w
	mode_append= mode_qemu=()
	[ -n "$1" ] || return 0
	read -r want margs <<<"$(mode_line "$1")"
	mode_append="s2.mode=$want"
	# Named only by "all": the machine may lack it (a SKIP).
	[[ $modes_all != *" $1 "* ]] || mode_append+=" s2.mode_optional=1"
	for w in $margs; do
		case $w in
		qemu:*) mode_qemu+=(--qemu-arg "${w#qemu:}") ;;
		*) mode_append+=" $w" ;;
		esac
	done
}

# Column number CI: kernel col_kernel[CI] on CPU col_cpu[CI] (empty: the
# profile's).  Fetch, pack, boot and judge; the results directory goes to
# $tmp/col-CI.dir for the summary.  Returns 3 on an infrastructure failure;
# test verdicts are left in records.tsv.  Wall time counts it all, boot
# time up to the runner's first output, test time the rest of the boot.
run_column() {
	local ci=$1 cpu=${col_cpu[$1]} kvm_mode=${col_mode[$1]} kd klabel initrd
	local t0=$SECONDS rc=0 started t_boot col_error col_skip= kpkgs label
	local kdir
	mode_args "$kvm_mode"
	started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	boot_seconds='' test_seconds='' reboots=0
	boot_status="error: fetching or packing the kernel failed"
	if ! prepare_kernel "${col_kernel[$ci]}"; then
		klabel=${klabel:-${kernel_list[${col_kernel[$ci]}]}}
		[ -z "${col_error:-}" ] || boot_status="error: $col_error"
		rc=3
	fi
	label=$klabel${cpu:+/$cpu}${kvm_mode:+/$kvm_mode}
	kdir=$resdir/${label//\//_}
	mkdir "$kdir" 2>/dev/null || { kdir+=-$ci; label+=-$ci; mkdir -p "$kdir"; }
	echo "$kdir" >"$tmp/col-$ci.dir"
	if [ $rc -eq 0 ]; then
		cp "$kd/release" "$kdir/release" 2>/dev/null
		list_from_cases >"$kdir/plan.txt" 2>/dev/null
		log "[$label] booting $(cat "$kd/release" 2>/dev/null)" \
		    "${cpu:+on $cpu }${kvm_mode:+in $kvm_mode mode }(${timeout}s per binary${without:+, without $without})"
		t_boot=$SECONDS
		boot_kernel "$kd" "$initrd" "$kdir" "$label" "$cpu" || rc=3
		col_error=$(mode_said "$kdir/console.log" error)
		col_skip=$(mode_said "$kdir/console.log" skip)
		[ -z "$col_error" ] || { log "[$label] error: $col_error"; rc=3; }
		[ -z "$col_skip" ] || log "[$label] skipped: $col_skip"
		boot_hint "$kd" "$kdir" "$label"
		[ -z "$boot_seconds" ] ||
			test_seconds=$((SECONDS - t_boot - boot_seconds))
	fi
	finish_column "$label" "$kdir" "${kernel_list[${col_kernel[$ci]}]}" \
		"$klabel" "$cpu" $((SECONDS - t0)) "$started"
	return $rc
}

# kernel_mode KDIR: "MODE THE KERNEL'S WORDS" from vm/init's "kvm mode"
# line; in direct mode (no vm/init) the facts line's mode= alone.
kernel_mode() {
	local said
	said=$(tr -d '\r' <"$1/console.log" 2>/dev/null | sed -n \
		's/^.*s2conform: kvm mode \([a-z]*\): \(.*\)$/\1 \2/p' |
		head -n 1)
	[ -n "$said" ] || said=$(sed -n \
		's/^\(# \)*# kernel .* mode=\([a-z]*\) .*/\2/p' \
		"$1/tap.txt" 2>/dev/null | head -n 1)
	echo "$said"
}

# mode_said CONSOLE error|skip: vm/init's refusal to run in a mode other
# than the one asked for (skip: one only "--mode all" asked for).
mode_said() {
	tr -d '\r' <"$1" 2>/dev/null |
		sed -n "s/^.*s2conform: mode $2: //p" | head -n 1
}

# Parse and record one column's results.
# finish_column LABEL KDIR KERNEL ALIAS CPU WALL_SECONDS STARTED
finish_column() {
	local label=$1 kdir=$2 cpu=$5 said
	said=$(kernel_mode "$kdir")
	if [ -n "${col_skip:-}" ]; then
		# The machine cannot run the mode: one SKIP says why.
		printf '%s\tboot\tkernel-mode\tSKIP\t-\t-\t%s\t-\n' "$label" \
			"$col_skip" >"$kdir/records.tsv"
	elif [ -n "${col_error:-}" ]; then
		# Stopped before boot: the one ERROR says why, nothing ran.
		touch "$kdir/tap.txt" "$kdir/console.log"
		printf '%s\tboot\t%s\tERROR\t-\t-\t%s\t-\n' "$label" \
			"$([ -s "$kdir/console.log" ] && echo kernel-mode || echo kernel-config)" \
			"$col_error" >"$kdir/records.tsv"
	else
		parse_results "$label" "$kdir" "${said%% *}"
	fi
	[ -n "$cpu" ] || cpu=$(sed -n 's/^cpu=//p' "$kdir/machine" 2>/dev/null)
	{
		printf 'alias=%s\nrelease=%s\ncpu=%s\ncolumn=%s\n' \
			"$4" "$(cat "$kdir/release" 2>/dev/null)" "$cpu" "$label"
		# Asked for (empty: the kernel's choice) and what the kernel
		# runs, in its own words (vm/init's "kvm mode" line).
		printf 'mode=%s\n' "${kvm_mode:-}"
		printf 'kvm_mode=%s\n' "${said%% *}"
		[ "$said" = "${said#* }" ] || printf 'kvm_mode_said=%s\n' "${said#* }"
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

# Every kernel x CPU x mode column, $njobs at a time; kdirs in column
# order.
run_vm() {
	local ki c m ci rc=0 n
	local -a mode_list=("")
	[ -z "$modes" ] || IFS=, read -ra mode_list <<<"$modes"
	col_kernel=() col_cpu=() col_mode=()
	for ki in "${!kernel_list[@]}"; do
		for c in "${cpu_list[@]}"; do
			for m in "${mode_list[@]}"; do
				col_kernel+=("$ki") col_cpu+=("$c")
				col_mode+=("$m")
			done
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
