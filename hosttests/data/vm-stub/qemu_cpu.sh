#!/bin/sh
# Stub of vm/qemu_cpu.sh: a fixed QEMU with two usable models, one of them
# without MTE, and a 32-bit one.
case $1 in
--list) printf '%s\n' max neoverse-n1; exit 0 ;;
esac
for m; do
	case $m in
	max | neoverse-n1) ;;
	cortex-a15) echo "qemu_cpu.sh: '$m' is not an AArch64 CPU" >&2; exit 2 ;;
	*) echo "qemu_cpu.sh: unknown CPU model '$m' (usable: max neoverse-n1)" >&2
		exit 2 ;;
	esac
done
for m; do
	case $m in
	max) echo "$m mte=on" ;;
	*) echo "$m mte=off" ;;
	esac
done
