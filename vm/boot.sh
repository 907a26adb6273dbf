#!/bin/bash
# boot.sh - boot the test VM once under QEMU TCG and collect its output.
#
# Usage: vm/boot.sh --kernel-dir DIR --initrd FILE --out DIR
#                   [--timeout SECS] [--append "kernel args"] [--mem MB]
#
# Writes to DIR: console.log (serial console: kernel log and markers),
# tap.txt (the runner's stdout, over a virtio console = guest /dev/hvc0),
# qemu.log (QEMU's own stderr), status ("done rc=N", "crashed", "watchdog",
# "no-runner" or "qemu-error"), and watchdog when the timeout fired.
# Guest parameters go in --append: s2.filter=GLOB s2.timeout=SECS s2.args=...
# Exit: 0 the guest powered off (whatever the tests said, or it died while
# the runner ran: see status and console.log), 2 bad usage, 3 infrastructure
# failure (no QEMU, QEMU error, watchdog, guest died before the runner).
set -eu
. "$(dirname "$0")/lib.sh"

# -smp 2: QEMU 10 raises Device alignment faults only with MTTCG and more
# than one vCPU; more vCPUs than host cores only slows TCG down.
MACHINE=virt,virtualization=on,mte=on,gic-version=3,iommu=smmuv3

usage() {
	usage_die "usage: $0 --kernel-dir DIR --initrd FILE --out DIR [--timeout SECS] [--append ARGS] [--mem MB]"
}

parse_args() {
	KERNEL='' INITRD='' OUT='' TIMEOUT=600 APPEND='' MEM=4096
	while [ $# -gt 0 ]; do
		[ $# -ge 2 ] || usage
		case $1 in
		--kernel-dir) KERNEL=$2 ;;
		--initrd) INITRD=$2 ;;
		--out) OUT=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--append) APPEND=$2 ;;
		--mem) MEM=$2 ;;
		*) usage ;;
		esac
		shift 2
	done
	[ -n "$KERNEL" ] && [ -n "$INITRD" ] && [ -n "$OUT" ] || usage
	[[ $TIMEOUT =~ ^[0-9]+$ ]] || usage_die "--timeout wants seconds, not $TIMEOUT"
	[[ $MEM =~ ^[0-9]+$ ]] || usage_die "--mem wants MiB, not $MEM"
	[ -f "$KERNEL/Image" ] || usage_die "no Image in $KERNEL"
	[ -f "$INITRD" ] || usage_die "no initrd $INITRD"
	RELEASE=$(cat "$KERNEL/release" 2>/dev/null || echo custom)
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

	dev=$(serial_device)
	# timeout runs QEMU in its own process group, out of reach of ^C:
	# run it as a job and stop it ourselves if we are stopped.
	timeout -k 5 "$TIMEOUT" qemu-system-aarch64 \
		-M "$MACHINE" -cpu max -smp 2 -accel tcg -m "$MEM" \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$KERNEL/Image" -initrd "$INITRD" \
		-append "console=ttyAMA0 panic=-1 printk.devkmsg=on hugepages=64 s2.tcg=1 $APPEND" \
		-serial "file:$OUT/console.log" \
		-device "$dev,id=vser0" \
		-chardev "file,id=tap,path=$OUT/tap.txt" \
		-device virtconsole,chardev=tap,bus=vser0.0 \
		</dev/null >"$OUT/qemu.log" 2>&1 &
	QEMU_JOB=$!
	wait "$QEMU_JOB"
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

	parse_args "$@"
	command -v qemu-system-aarch64 >/dev/null ||
		die "qemu-system-aarch64 not found (run vm/deps.sh)"
	mkdir -p "$OUT" || die "cannot create $OUT"
	rm -f "$OUT/console.log" "$OUT/tap.txt" "$OUT/qemu.log" \
		"$OUT/status" "$OUT/watchdog"
	trap 'stop_qemu; s2_cleanup' EXIT

	log "booting $RELEASE (timeout ${TIMEOUT} s)"
	t0=$(now)
	run_qemu || rc=$?
	QEMU_JOB=
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
