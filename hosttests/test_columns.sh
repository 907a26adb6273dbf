#!/bin/bash
# test_columns.sh - run_tests.sh's columns: --cpu (checked against QEMU
# before anything slow, KERNEL/CPU labels everywhere a column is named)
# and -j (columns at once, same results as one at a time), against the stub
# harness (hosttests/data/vm-stub) on fake test binaries; and
# vm/qemu_cpu.sh against the real QEMU when there is one.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

use_vm_stub

# usage_case DESC MESSAGE_RE ARGS...: exit 2 with the message, nothing run.
usage_case() {
	local d=$1 re=$2
	shift 2
	rm -rf "$tmp/results"
	run "$@"
	if [ $rc -eq 2 ] && grep -qE -- "$re" <<<"$err" &&
	   [ ! -e "$tmp/results" ]; then
		ok "usage: $d"
	else
		fail "usage: $d" "exit $rc, results: $(ls "$tmp/results" 2>&1)" \
			"stderr:" "$err"
	fi
}

usage_case "unknown --cpu model, naming the usable ones" \
	"--cpu: unknown CPU model 'neoverse-x9' \(usable: max neoverse-n1\)" \
	--vm --no-build --cpu max,neoverse-x9
usage_case "32-bit --cpu model" "--cpu: 'cortex-a15' is not an AArch64 CPU" \
	--vm --no-build --cpu cortex-a15
usage_case "empty --cpu" "--cpu wants at least one CPU model" \
	--vm --no-build --cpu ''
usage_case "-j 0" "-j wants a positive number, not '0'" --vm --no-build -j 0
usage_case "-jx" "-j wants a positive number, not 'x'" --vm --no-build -jx

# Kernel x CPU: four columns, each labelled KERNEL/CPU in the summary,
# the matrix, records, kernel.info, results.json and matrix.md.
run --vm --no-build --kernel 6.12,7.2 --cpu max,neoverse-n1 -j 1 \
	--json "$tmp/r.json" --markdown "$tmp/m.md"
expect_eq "kernel x cpu: exit 1 (the fake suite fails on 6.12 and 7.2)" $rc 1
expect_eq "kernel x cpu: one summary per column, in order" \
	"$(sed -n 's/^kernel \([^:]*\):.*/\1/p' <<<"$out" | paste -sd ' ')" \
	"6.12/max 6.12/neoverse-n1 7.2/max 7.2/neoverse-n1"
expect_match "kernel x cpu: matrix header names the four columns" "$out" \
	'^case +6\.12/max +6\.12/neoverse-n1 +7\.2/max +7\.2/neoverse-n1$'
d=$(ls -d "$tmp"/results/2*)
expect_eq "kernel x cpu: records carry the column label" \
	"$(cut -f1 "$d"/7.2_neoverse-n1/records.tsv | sort -u)" "7.2/neoverse-n1"
expect_eq "kernel x cpu: kernel.info alias, cpu, column" \
	"$(grep -E '^(alias|cpu|column)=' "$d"/7.2_neoverse-n1/kernel.info | paste -sd ' ')" \
	"alias=7.2 cpu=neoverse-n1 column=7.2/neoverse-n1"
expect_match "kernel x cpu: kernel.info has boot and test seconds" \
	"$(cat "$d"/6.12_max/kernel.info)" '^test_seconds=[0-9]+$'
expect_eq "kernel x cpu: the stub booted each column on its CPU" \
	"$(sed -n 's/^cpu=//p' "$d"/*/machine | paste -sd ' ')" \
	"max neoverse-n1 max neoverse-n1"
if command -v python3 >/dev/null; then
	got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join("%s:%s:%s:%d" % (k["column"], k["alias"], k["cpu"],
	       k["counts"]["PASS"]) for k in d["columns"]))
print(" ".join(sorted({r["column"] for r in d["results"]})))' "$tmp/r.json")
	expect_eq "kernel x cpu: results.json columns with their counts" "$got" \
		"6.12/max:6.12:max:2 6.12/neoverse-n1:6.12:neoverse-n1:2 7.2/max:7.2:max:2 7.2/neoverse-n1:7.2:neoverse-n1:2
6.12/max 6.12/neoverse-n1 7.2/max 7.2/neoverse-n1"
else
	ok "kernel x cpu: results.json columns # SKIP no python3"
fi
expect_match "kernel x cpu: matrix.md names the columns" "$(cat "$tmp/m.md")" \
	'^\| 7\.2/neoverse-n1 \| 7\.2\.0-stub \| vhe \| 2 \| \*\*1\*\* \| '
serial=$(sed -E 's/\((7|6)[^)]*\)//' <<<"$out")
expect_eq "kernel x cpu: each kernel fetched once for its two columns" \
	"$(grep -c 'stub: fetched' <<<"$err")" 2

# Without --cpu the labels stay the kernel alias, and the profile's CPU is
# still recorded.
rm -rf "$tmp/results"
run --vm --no-build --kernel 7.2
d=$(ls -d "$tmp"/results/2*)
expect_eq "no --cpu: column is the alias, cpu the profile's" \
	"$(grep -E '^(alias|cpu|column)=' "$d"/7.2/kernel.info | paste -sd ' ')" \
	"alias=7.2 cpu=max column=7.2"

# -j: the same results, columns at once.
rm -rf "$tmp/results"
run --vm --no-build --kernel 6.12,7.2 --cpu max,neoverse-n1 -j 3
expect_match "-j 3: says how many at a time" "$err" '4 columns, 3 at a time'
expect_eq "-j 3: same summaries and matrix as -j 1" \
	"$(sed -E 's/\((7|6)[^)]*\)//' <<<"$out")" "$serial"
rm -rf "$tmp/results"
run --vm --no-build --kernel 6.1,6.12,7.2 -j 9
expect_match "-j above the column count runs them all at once" "$err" \
	'3 columns, 3 at a time'

# A kernel that cannot be fetched fails its columns only.
rm -rf "$tmp/results"
S2_STUB_FAIL=fetch run --vm --no-build --kernel 7.2 --cpu max,neoverse-n1 -j 2
expect_eq "failed fetch: exit 3" $rc 3
expect_match "failed fetch: said once per kernel" "$err" \
	'\[7\.2\] error: fetching the kernel failed'

# --mode: names from configs/modes.conf, checked before anything runs.
usage_case "unknown --mode, naming the known ones" \
	"--mode: unknown mode 'pkvm' \(configs/modes.conf: vhe, nvhe, protected, nested" \
	--vm --no-build --mode vhe,pkvm
usage_case "a mode listed twice" "--mode: 'vhe' is listed twice" \
	--vm --no-build --mode vhe,all
usage_case "a CPU listed twice" "--cpu: 'max' is listed twice" \
	--vm --no-build --cpu max,neoverse-n1,max
usage_case "a kernel listed twice" "--kernel: '7.2' is listed twice" \
	--vm --no-build --kernel 7.2,6.12,7.2

# Kernel x mode: each column asks its kernel for the mode and is
# labelled KERNEL/MODE; kernel.info has what was asked and what ran.
rm -rf "$tmp/results"
run --vm --no-build --kernel 7.2 --mode all -j 1
d=$(ls -d "$tmp"/results/2*)
expect_eq "kernel x mode: one summary per column, in configs/modes.conf order" \
	"$(sed -n 's/^kernel \([^:]*\):.*/\1/p' <<<"$out" | paste -sd ' ')" \
	"7.2/vhe 7.2/nvhe 7.2/protected 7.2/nested"
expect_match "kernel x mode: the kernel was asked for the mode" \
	"$(cat "$d"/7.2_protected/boot0/console.log)" \
	'command line: .* s2\.mode=protected( s2\.mode_optional=1)? kvm-arm\.mode=protected'
expect_eq "kernel x mode: kernel.info, asked and run" \
	"$(grep -E '^(mode|kvm_mode|column)=' "$d"/7.2_nested/kernel.info | paste -sd ' ')" \
	"column=7.2/nested mode=nested kvm_mode=nested"
rm -rf "$tmp/results"
run --vm --no-build --kernel 7.2
expect_eq "no --mode: the label has no mode, kernel.info names the kernel's" \
	"$(grep -E '^(mode|kvm_mode|column)=' "$tmp"/results/2*/7.2/kernel.info | paste -sd ' ')" \
	"column=7.2 mode= kvm_mode=vhe"

# A mode line's qemu: words go to QEMU, the rest to the kernel.
rm -rf "$tmp/results"
run --vm --no-build --kernel 7.2 --mode nested-nosve
d=$(ls -d "$tmp"/results/2*/7.2_nested-nosve)
expect_eq "a mode's QEMU parameters reach QEMU" \
	"$(sed -n 's/^qemu=//p' "$d/boot0/machine")" "-cpu max,sve=off"
expect_match "a mode's kernel arguments reach the kernel" \
	"$(cat "$d/boot0/console.log")" 's2\.mode=nested kvm-arm\.mode=nested$'

# A kernel that does not enter the mode asked for runs nothing: one ERROR.
rm -rf "$tmp/results"
S2_STUB_KVM_MODE=nvhe run --vm --no-build --kernel 7.2 --mode vhe
expect_eq "mode not entered: exit 3" $rc 3
expect_eq "mode not entered: one ERROR record, naming both modes" \
	"$(cut -f2-4,7 "$tmp"/results/2*/7.2_vhe/records.tsv)" \
	"boot	kernel-mode	ERROR	asked for vhe, the kernel runs nvhe (it says: stub)"

# Only "--mode all" asked for it: a machine that cannot run it SKIPs it.
rm -rf "$tmp/results"
S2_STUB_KVM_MODE=vhe run --vm --no-build --kernel 7.2 --mode all
expect_eq "mode all: a mode the machine lacks is one SKIP, not an ERROR" \
	"$(cut -f2-4,7 "$tmp"/results/2*/7.2_nested/records.tsv)" \
	"boot	kernel-mode	SKIP	asked for nested, the kernel runs vhe (it says: stub)"

# The real QEMU: what the models are and which have MTE (from QEMU's
# own answers: the guest's ID registers agree, see docs/columns.md).
if command -v qemu-system-aarch64 >/dev/null; then
	expect_eq "qemu_cpu.sh: max has MTE, neoverse-n1 not" \
		"$("$top/vm/qemu_cpu.sh" max neoverse-n1 | paste -sd ' ')" \
		"max mte=on neoverse-n1 mte=off"
	"$top/vm/qemu_cpu.sh" cortex-a15 >/dev/null 2>"$tmp/e"
	expect_eq "qemu_cpu.sh: a 32-bit model is refused" \
		"$?:$(cat "$tmp/e")" "2:qemu_cpu.sh: 'cortex-a15' is not an AArch64 CPU"
	expect_match "qemu_cpu.sh --list: 64-bit models with EL2" \
		"$("$top/vm/qemu_cpu.sh" --list | paste -sd ' ')" \
		'(^| )neoverse-n1( |$)'
else
	ok "qemu_cpu.sh against QEMU # SKIP no qemu-system-aarch64"
fi

done_testing
