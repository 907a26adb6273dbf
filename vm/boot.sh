#!/bin/bash
# boot.sh - boot the test VM once under QEMU TCG and collect its output.
#
# Usage: vm/boot.sh --kernel-dir DIR --initrd FILE --out DIR
#                   [--timeout SECS] [--idle-timeout SECS]
#                   [--append "kernel args"] [--mem MB] [--cpu MODEL]
#                   [--qemu-arg ARG]...
#
# The machine comes from configs/qemu-tcg.conf ($S2_QEMU_CONF overrides the
# path): CPU, memory, NUMA nodes, the RAM hidden from Linux with mem= (the
# fixture carve-out and the pmem-region nodes added to QEMU's own DTB) and
# an ivshmem-plain PCI device for VFIO. --mem overrides QEMU_MEM_MB (the
# carve-outs must still fit); --cpu overrides QEMU_CPU, and the machine
# gets virtualization=on and, where vm/qemu_cpu.sh says the model has MTE,
# mte=on; each --qemu-arg is one more QEMU argument.
#
# Writes to DIR: console.log (serial console: kernel log and markers),
# tap.txt (the runner's stdout, over a virtio console = guest /dev/hvc0),
# qemu.log (QEMU's own stderr), machine (cpu= and machine=, what QEMU
# was given), qemu.cmdline (the whole QEMU command, shell-quoted), status
# ("done rc=N", "crashed", "watchdog", "hung", "no-runner" or
# "qemu-error"), and watchdog when the timeout fired.
# --idle-timeout: a guest whose TAP output stays unchanged that long (the
# runner speaks at least once per binary timeout) has stopped: QEMU is
# ended and the status is "hung".
# Guest parameters go in --append: s2.filter=GLOB s2.timeout=SECS s2.args=...
# Exit: 0 the guest powered off (whatever the tests said, or it died while
# the runner ran: see status and console.log), 2 bad usage, 3 infrastructure
# failure (no QEMU, QEMU error, watchdog, guest died before the runner).
set -eu
. "$(dirname "$0")/lib.sh"

CONF=${S2_QEMU_CONF:-$S2_VM_DIR/../configs/qemu-tcg.conf}
RAM_BASE=$((0x40000000))	# -M virt

usage() {
	usage_die "usage: $0 --kernel-dir DIR --initrd FILE --out DIR [--timeout SECS] [--append ARGS] [--mem MB] [--cpu MODEL] [--qemu-arg ARG]..."
}

# Defaults, then the profile (see configs/qemu-tcg.conf for each variable).
load_conf() {
	QEMU_MACHINE=virt,gic-version=3,iommu=smmuv3
	QEMU_CPU=max QEMU_SMP=2 QEMU_MEM_MB=4096 KERNEL_APPEND=
	QEMU_NUMA_NODES=1 IVSHMEM_SIZE_MB=0
	FIXTURE_CARVEOUT_BASE='' FIXTURE_CARVEOUT_SIZE=''
	PMEM_BASE='' PMEM_SIZE=''
	[ -f "$CONF" ] || die "no QEMU profile $CONF"
	# shellcheck disable=SC1090
	. "$CONF" || die "cannot read $CONF"
}

parse_args() {
	KERNEL='' INITRD='' OUT='' TIMEOUT=600 APPEND='' MEM=$QEMU_MEM_MB IDLE=0
	QEMU_EXTRA=()
	while [ $# -gt 0 ]; do
		[ $# -ge 2 ] || usage
		case $1 in
		--kernel-dir) KERNEL=$2 ;;
		--initrd) INITRD=$2 ;;
		--out) OUT=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--idle-timeout) IDLE=$2 ;;
		--append) APPEND=$2 ;;
		--mem) MEM=$2 ;;
		--cpu) QEMU_CPU=$2 ;;
		--qemu-arg) QEMU_EXTRA+=("$2") ;;
		*) usage ;;
		esac
		shift 2
	done
	[ -n "$KERNEL" ] && [ -n "$INITRD" ] && [ -n "$OUT" ] || usage
	[[ $TIMEOUT =~ ^[0-9]+$ ]] || usage_die "--timeout wants seconds, not $TIMEOUT"
	[[ $IDLE =~ ^[0-9]+$ ]] || usage_die "--idle-timeout wants seconds, not $IDLE"
	[[ $MEM =~ ^[0-9]+$ ]] || usage_die "--mem wants MiB, not $MEM"
	[ -f "$KERNEL/Image" ] || usage_die "no Image in $KERNEL"
	[ -f "$INITRD" ] || usage_die "no initrd $INITRD"
	RELEASE=$(cat "$KERNEL/release" 2>/dev/null || echo custom)
}

# hex N: N as 0x%x.
hex() { printf '0x%x' "$1"; }

# check_range NAME BASE SIZE: the range lies in RAM and is 2 MiB aligned
# (memremap_pages and the fixture's huge mappings want that).
check_range() {
	local name=$1 base=$(($2)) size=$(($3)) end=$((RAM_BASE + MEM * 1048576))

	[ $((base % 2097152)) -eq 0 ] && [ $((size % 2097152)) -eq 0 ] &&
		[ "$size" -gt 0 ] ||
		usage_die "$name $2+$3 in $CONF is not 2 MiB aligned"
	[ "$base" -ge "$RAM_BASE" ] && [ $((base + size)) -le "$end" ] ||
		usage_die "$name $2+$3 in $CONF is outside RAM" \
			"[$(hex $RAM_BASE), $(hex "$end")) of --mem $MEM"
}

# Sets MEM_LIMIT (MiB for mem=, empty: all RAM) and GUEST_PARAMS from the
# carve-outs: Linux gets the RAM below the lowest of them.
plan_memory() {
	local low=$((RAM_BASE + MEM * 1048576))

	GUEST_PARAMS=
	if [ -n "$FIXTURE_CARVEOUT_SIZE" ]; then
		check_range FIXTURE_CARVEOUT "$FIXTURE_CARVEOUT_BASE" \
			"$FIXTURE_CARVEOUT_SIZE"
		low=$((FIXTURE_CARVEOUT_BASE < low ? FIXTURE_CARVEOUT_BASE : low))
		GUEST_PARAMS+=" s2.fixture_base=$(hex "$FIXTURE_CARVEOUT_BASE")"
		GUEST_PARAMS+=" s2.fixture_size=$(hex "$FIXTURE_CARVEOUT_SIZE")"
	fi
	if [ -n "$PMEM_SIZE" ]; then
		check_range PMEM "$PMEM_BASE" "$PMEM_SIZE"
		low=$((PMEM_BASE < low ? PMEM_BASE : low))
		GUEST_PARAMS+=" s2.pmem_base=$(hex "$PMEM_BASE")"
		GUEST_PARAMS+=" s2.pmem_size=$(hex "$PMEM_SIZE")"
	fi
	GUEST_PARAMS+=" s2.numa_nodes=$QEMU_NUMA_NODES"
	MEM_LIMIT=
	[ "$low" -ge $((RAM_BASE + MEM * 1048576)) ] ||
		MEM_LIMIT=$(((low - RAM_BASE) / 1048576))
}

# QEMU_MACHINE for QEMU_CPU: EL2 always (the guest runs KVM), MTE where
# the model has it; whatever the profile said about either is replaced.
machine_for_cpu() {
	local mte

	mte=$("$S2_VM_DIR/qemu_cpu.sh" "$QEMU_CPU") ||
		usage_die "cannot boot CPU model '$QEMU_CPU'"
	QEMU_MACHINE=$(sed -E 's/,(virtualization|mte)=[a-z]*//g' \
		<<<"$QEMU_MACHINE"),virtualization=on
	[ "${mte#* }" != mte=on ] || QEMU_MACHINE+=,mte=on
}

# QEMU's machine arguments, shared by the DTB dump and the boot: QARGS.
machine_args() {
	local n node size left cpus

	QARGS=(-M "$QEMU_MACHINE" -cpu "$QEMU_CPU" -smp "$QEMU_SMP"
		-accel tcg -m "$MEM")
	if [ "$QEMU_NUMA_NODES" -gt 1 ]; then
		# Node 0: all CPUs, half the RAM; the rest split evenly.
		left=$MEM
		for ((n = 0; n < QEMU_NUMA_NODES; n++)); do
			if [ "$n" -eq 0 ]; then
				size=$((MEM / 2))
			elif [ "$n" -eq $((QEMU_NUMA_NODES - 1)) ]; then
				size=$left
			else
				size=$((MEM / 2 / (QEMU_NUMA_NODES - 1)))
			fi
			left=$((left - size))
			node=nodeid=$n,memdev=ram$n
			cpus=
			[ "$n" -ne 0 ] || cpus=,cpus=0-$((QEMU_SMP - 1))
			QARGS+=(-object "memory-backend-ram,id=ram$n,size=${size}M"
				-numa "node,$node$cpus")
		done
	fi
	if [ "$IVSHMEM_SIZE_MB" -gt 0 ]; then
		# shellcheck disable=SC2054 # commas are QEMU's
		QARGS+=(-object "memory-backend-ram,id=ivshmem0,size=${IVSHMEM_SIZE_MB}M"
			-device ivshmem-plain,memdev=ivshmem0)
	fi
	QARGS+=("${QEMU_EXTRA[@]}")
}

# QEMU's own DTB plus one pmem-region node per half of the pmem range
# (of_pmem makes each a region with one namespace: fsdax and devdax need
# one each). Sets DTB_ARGS.
make_dtb() {
	local dtb=$OUT/virt.dtb half base i node

	DTB_ARGS=()
	[ -n "$PMEM_SIZE" ] || return 0
	rm -f "$dtb"
	qemu-system-aarch64 "${QARGS[@]}" -M "$QEMU_MACHINE,dumpdtb=$dtb" \
		-nodefaults -no-user-config -display none \
		>"$OUT/qemu.log" 2>&1 && [ -s "$dtb" ] || {
		sed 's/^/  | /' "$OUT/qemu.log" >&2
		fail qemu-error "QEMU could not dump its DTB"
	}
	half=$((PMEM_SIZE / 2))
	for i in 0 1; do
		base=$((PMEM_BASE + i * half))
		node=/pmem@$(printf %x "$base")
		# shellcheck disable=SC2046 # four cells, split on purpose
		fdtput -c "$dtb" "$node" &&
			fdtput -t s "$dtb" "$node" compatible pmem-region &&
			fdtput -t x "$dtb" "$node" reg $(printf '%x %x %x %x' \
				$((base >> 32)) $((base & 0xffffffff)) \
				$((half >> 32)) $((half & 0xffffffff))) ||
			fail qemu-error "fdtput on $dtb failed"
		if [ "$QEMU_NUMA_NODES" -gt 1 ]; then
			fdtput -t u "$dtb" "$node" numa-node-id \
				$((QEMU_NUMA_NODES - 1)) ||
				fail qemu-error "fdtput on $dtb failed"
		fi
	done
	DTB_ARGS=(-dtb "$dtb")
}

# The TAP console's virtio transport, matching mkinitramfs.sh's modules.
serial_device() {
	case $(tap_transport "$KERNEL/config") in
	pci) echo virtio-serial-pci ;;
	mmio) echo virtio-serial-device ;;
	esac
}

# status WORD: record the outcome for the caller.
status() { echo "$*" >"$OUT/status"; }

# Give up with exit 3, showing the end of the console for context.
fail() {
	status "$1"
	shift
	log "error: $*"
	tail -n 15 "$OUT/console.log" 2>/dev/null | sed 's/^/  | /' >&2 || true
	exit 3
}

run_qemu() {
	local dev

	local -a cmd

	dev=$(serial_device)
	# secretmem.enable=1: memfd_secret() is off by default in 6.1 (row 32).
	cmd=(qemu-system-aarch64 "${QARGS[@]}" "${DTB_ARGS[@]}"
		-nodefaults -no-user-config -display none -no-reboot
		-kernel "$KERNEL/Image" -initrd "$INITRD"
		-append "console=ttyAMA0 panic=-1 printk.devkmsg=on secretmem.enable=1 $KERNEL_APPEND${MEM_LIMIT:+ mem=${MEM_LIMIT}M} s2.tcg=1$GUEST_PARAMS $APPEND"
		-serial "file:$OUT/console.log"
		-device "$dev,id=vser0"
		-chardev "file,id=tap,path=$OUT/tap.txt"
		-device virtconsole,chardev=tap,bus=vser0.0)
	# The exact command, so a column's CPU and machine can be checked.
	printf '%q ' "${cmd[@]}" | sed 's/ $//' >"$OUT/qemu.cmdline"
	echo >>"$OUT/qemu.cmdline"
	# timeout runs QEMU in its own process group, out of reach of ^C:
	# run it as a job and stop it ourselves if we are stopped.
	timeout -k 5 "$TIMEOUT" "${cmd[@]}" </dev/null >"$OUT/qemu.log" 2>&1 &
	QEMU_JOB=$!
	[ "$IDLE" -eq 0 ] || watch_idle
	wait "$QEMU_JOB"
}

# Poll the TAP file while QEMU runs; end QEMU when it stops growing for
# IDLE seconds.  Leaves IDLE_FIRED=1 then.
watch_idle() {
	local size last=-1 quiet=0

	IDLE_FIRED=0
	while kill -0 "$QEMU_JOB" 2>/dev/null; do
		nap "$QEMU_JOB"
		size=$(stat -c %s "$OUT/tap.txt" 2>/dev/null || echo 0)
		if [ "$size" != "$last" ]; then
			last=$size quiet=0
			continue
		fi
		quiet=$((quiet + 1))
		[ "$quiet" -ge "$IDLE" ] || continue
		IDLE_FIRED=1
		stop_qemu
		return
	done
}

stop_qemu() {
	[ -z "${QEMU_JOB:-}" ] || kill "$QEMU_JOB" 2>/dev/null || true
}

# Guest uptime at a console marker, e.g. "[    1.923456] s2conform: runner start".
marker_time() {
	tr -d "\r" <"$OUT/console.log" | sed -n "s/^\[ *\([0-9.]*\)\] $1\$/\1/p" | head -n 1
}

main() {
	local rc=0 t0 start done_rc panic

	load_conf
	parse_args "$@"
	command -v qemu-system-aarch64 >/dev/null ||
		die "qemu-system-aarch64 not found (run vm/deps.sh)"
	machine_for_cpu
	plan_memory
	mkdir -p "$OUT" || die "cannot create $OUT"
	rm -f "$OUT/console.log" "$OUT/tap.txt" "$OUT/qemu.log" \
		"$OUT/status" "$OUT/watchdog" "$OUT/qemu.cmdline"
	printf 'cpu=%s\nmachine=%s\n' "$QEMU_CPU" "$QEMU_MACHINE" >"$OUT/machine"
	trap 'stop_qemu; s2_cleanup' EXIT

	log "booting $RELEASE on $QEMU_CPU, -M $QEMU_MACHINE (timeout ${TIMEOUT} s)"
	t0=$(now)
	machine_args
	make_dtb
	IDLE_FIRED=0
	run_qemu || rc=$?
	QEMU_JOB=
	[ "$IDLE_FIRED" -eq 0 ] ||
		fail hung "$RELEASE stopped responding: no output for $IDLE s; QEMU ended"
	case $rc in
	0) ;;
	124 | 137)
		touch "$OUT/watchdog"
		fail watchdog "watchdog: $RELEASE still running after $TIMEOUT s; QEMU killed" ;;
	*)
		sed 's/^/  | /' "$OUT/qemu.log" >&2
		fail qemu-error "QEMU failed (exit $rc)" ;;
	esac

	start=$(marker_time 's2conform: runner start')
	if [ -z "$start" ]; then
		panic=$(tr -d '\r' <"$OUT/console.log" | grep -m 1 'Kernel panic' || true)
		[ -z "$panic" ] || fail no-runner \
			"$RELEASE panicked before the runner started: ${panic#*] }"
		fail no-runner "$RELEASE stopped before the runner started"
	fi
	done_rc=$(sed -n 's/.*s2conform: runner done rc=\([0-9]*\).*/\1/p' \
		"$OUT/console.log" | tail -n 1)
	[ -s "$OUT/tap.txt" ] ||
		log "warning: no TAP output in $OUT/tap.txt (no /dev/hvc0 in the guest?)"
	if [ -n "$done_rc" ]; then
		status "done rc=$done_rc"
	else
		status crashed
		log "warning: $RELEASE died while the runner ran (see $OUT/console.log)"
	fi
	log "$RELEASE: runner started at ${start} s guest time;" \
		"powered off after $(since "$t0") s (runner rc=${done_rc:-none})"
}

main "$@"
