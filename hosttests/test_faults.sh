#!/bin/bash
# test_faults.sh - fault injection: each way the suite can fail to test
# (a fixture build that fails, a DAX set-up that fails, a binary that
# crashes mid-case, a guest that hangs mid-binary, a kernel that panics, a
# second unknown splat after a known one) gives its status and exit code;
# each bad input exits 2 before any work and leaves nothing behind.  Runs on
# the stub VM harness (hosttests/data/vm-stub) in seconds.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

export S2CONFORM_VM=$data/vm-stub
export S2CONFORM_RESULTS=$tmp/results
export S2CONFORM_FIXTURE_BUILD=$data/vm-stub/fixture_build.sh
export S2_STUB_DIR=$tmp/stub
export O=$tmp/build
export S2_HANG_GRACE=1
unset S2_FAKE_KERNEL S2_STUB_FAIL S2_FAKE_HANG S2_FAKE_CRASH S2_FAKE_FAIL

# fake BINARY CASE... <<SCRIPT: a stand-in test binary whose cases print
# what SCRIPT (sh, with $c the case and $i its number) says.  Like
# lib/test.c it takes --list and --filter, and marks each case's start in
# the kernel log.
fake() {
	local b=$1 f=$O/arm64/$1
	shift
	printf '%s\n' "$@" >"$f.cases"
	{
		echo '#!/bin/sh'
		echo "cases='$*'"
		echo '[ "$1" = --list ] && { printf "%s\n" $cases; exit 0; }'
		echo 'glob="*"; [ "$1" = --filter ] && glob=$2; sel='
		echo 'for c in $cases; do case $c in $glob) sel="$sel $c" ;; esac; done'
		echo 'echo "TAP version 13"; echo "# kernel 7.2-stub: page=4K fwb=0"'
		echo 'set -- $sel; echo "1..$#"; i=0 rc=0'
		echo 'for c; do i=$((i + 1)); echo "s2conform: case $c" >>"$S2_KMSG"'
		cat
		echo 'done; exit $rc'
	} >"$f"
	chmod +x "$f"
}

mkdir -p "$O/arm64"
fake fixture_test fixture_ttm/map anon_4k/map <<'EOS'
case $c in
fixture_*) if [ -n "${S2_ENV_ERROR_FIXTURE:-}" ]; then
	echo "not ok $i $c # ERROR the harness did not provide FIXTURE ($S2_ENV_ERROR_FIXTURE): no /dev/s2fixture"
	rc=1
else
	echo "ok $i $c # observed=Device expected=Device"
fi ;;
*) if [ -n "${S2_FAKE_FAIL:-}" ]; then
	echo "not ok $i $c # observed=1 expected=0"
	rc=1
else
	echo "ok $i $c # observed=0 expected=0"
fi ;;
esac
echo "# duration_ms=7"
EOS
fake crash_test crash/a crash/b crash/c <<'EOS'
[ -n "${S2_FAKE_CRASH:-}" ] && [ $i -eq 2 ] && kill -SEGV $$
echo "ok $i $c # observed=0 expected=0"
EOS
fake hang_test hang/a hang/b <<'EOS'
if [ -n "${S2_FAKE_HANG:-}" ] && [ $i -eq 2 ]; then
	echo "[ 30.0] INFO: task hang_test:99 blocked for more than 7 seconds." >>"$S2_KMSG"
	# The runner and timeout(1) stop too: nothing in the guest answers.
	kill -STOP $PPID
	sleep 60
fi
echo "ok $i $c # observed=0 expected=0"
EOS
fake device_memory_test fsdax_shared/exec fsdax_shared/delete <<'EOS'
if [ -n "${S2_ENV_ERROR_FSDAX:-}" ]; then
	echo "not ok $i $c # ERROR the harness did not provide FSDAX ($S2_ENV_ERROR_FSDAX)"
	rc=1
	continue
fi
case $c:${S2_FAKE_SPLAT:-} in
*/exec:known* | */exec:two*)
	echo "[ 20.0] WARNING: CPU: 0 PID: 250 at fs/dax.c:390 dax_disassociate_entry+0x6c/0xc0" >>"$S2_KMSG"
	echo "[ 20.1] Call trace:" >>"$S2_KMSG"
	echo "[ 20.2]  dax_disassociate_entry+0x6c/0xc0" >>"$S2_KMSG"
	echo "[ 20.3] ---[ end trace 0000000000000000 ]---" >>"$S2_KMSG" ;;
esac
case $c:${S2_FAKE_SPLAT:-} in
*/exec:two-same | */delete:two)
	echo "[ 21.0] WARNING: CPU: 1 PID: 251 at mm/memory.c:1 zap_pte_range+0x1/0x2" >>"$S2_KMSG" ;;
esac
echo "ok $i $c # observed=0 expected=0"
EOS
echo "ok 1 last/one # observed=0 expected=0" >/dev/null
fake zz_last_test last/one <<'EOS'
echo "ok $i $c # observed=0 expected=0"
EOS

# run ARGS...: sets rc, out, err, and rec (every records.tsv line).
run() {
	rm -rf "$tmp/results"
	"$top/run_tests.sh" --vm --no-build "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	rec=$(cat "$tmp"/results/2*/*/records.tsv 2>/dev/null)
}

# status BINARY CASE: the status of one record.
status() {
	awk -F'\t' -v b="$1" -v c="$2" '$2 == b && $3 == c { print $4 }' \
		<<<"$rec" | tr '\n' ' ' | sed 's/ $//'
}

# statuses: "binary:case=STATUS ..." of every record.
statuses() {
	awk -F'\t' '{ printf "%s:%s=%s ", $2, $3, $4 }' <<<"$rec" | sed 's/ $//'
}

run --kernel 7.2
expect_eq "a clean run exits 0" "$rc" 0
expect_eq "duration_ms lands in column 8" \
	"$(awk -F'\t' '$3 == "fixture_ttm/map" { print NF ":" $8 }' <<<"$rec")" "8:7"

# A fixture module that does not build: its cases are ERROR, exit 3.
S2_STUB_FAIL=fixture run --kernel 7.2
expect_eq "fixture build fails: exit 3" "$rc" 3
expect_eq "fixture build fails: fixture cases ERROR, others PASS" \
	"$(status fixture_test fixture_ttm/map) $(status fixture_test anon_4k/map)" \
	"ERROR PASS"
expect_match "fixture build fails: the cause, in one line" \
	"$(awk -F'\t' '$4 == "ERROR" { print $7 }' <<<"$rec")" \
	'FIXTURE \(fixture module build failed: make: aarch64-linux-gnu-gcc-14: No such file'
expect_match "fixture build fails: in kernel.info's environment report" \
	"$(cat "$tmp"/results/2*/7.2/kernel.info)" \
	'^env.fixture=error: fixture module build failed: make: aarch64'
expect_match "fixture build fails: said on stderr" "$err" \
	'\[7.2\] error: fixture module build failed: make:'

# --without fixture: not built, not an error.
S2_STUB_FAIL=fixture run --kernel 7.2 --without fixture
expect_eq "--without fixture: no build, exit 0" "$rc" 0
expect_eq "kernel.info: the first binary's facts line" \
	"$(grep -c '^facts=' "$tmp"/results/2*/7.2/kernel.info) $(sed -n 's/^facts=//p' "$tmp"/results/2*/7.2/kernel.info)" \
	"1 page=4K fwb=0"
expect_match "--without is recorded in kernel.info" \
	"$(cat "$tmp"/results/2*/7.2/kernel.info)" '^without=fixture$'

# A binary that crashes mid-case: ERROR, and the cases after it MISS.
S2_FAKE_CRASH=1 run --kernel 7.2
expect_eq "crash mid-binary: exit 3" "$rc" 3
expect_eq "crash mid-binary: PASS, then ERROR for the binary, MISS after" \
	"$(status crash_test crash/a) $(status crash_test crash_test) $(status crash_test crash/b) $(status crash_test crash/c)" \
	"PASS ERROR MISS MISS"
expect_match "crash mid-binary: the signal is named" \
	"$(awk -F'\t' '$3 == "crash_test" { print $7 }' <<<"$rec")" 'exit=139 \(SIGSEGV\)'
# A FAIL outranks the ERROR and MISS beside it, as in report.sh.
S2_FAKE_CRASH=1 S2_FAKE_FAIL=1 run --kernel 7.2
expect_eq "a FAIL and a crash: exit 1 (FAIL first)" "$rc" 1
expect_eq "  both are recorded" \
	"$(status fixture_test anon_4k/map) $(status crash_test crash_test)" \
	"FAIL ERROR"
expect_eq "crash mid-binary: the other binaries still report" \
	"$(status zz_last_test last/one)" PASS

# A guest that hangs mid-binary: one idle timeout, a reboot, the rest run.
t0=$SECONDS
S2_FAKE_HANG=1 run --kernel 7.2 --timeout 2
took=$((SECONDS - t0))
expect_eq "hang: exit 3" "$rc" 3
expect_eq "hang: the case before PASS, the binary ERROR, the hung case MISS" \
	"$(status hang_test hang/a) $(status hang_test hang_test) $(status hang_test hang/b)" \
	"PASS ERROR MISS"
expect_match "hang: the reason says the kernel stopped, with the hung-task report" \
	"$(awk -F'\t' '$3 == "hang_test" { print $7 }' <<<"$rec")" \
	'kernel stopped responding \(no output for 13s\): INFO: task hang_test:99 blocked'
expect_eq "hang: the binaries after it still report" \
	"$(status zz_last_test last/one)" PASS
expect_eq "hang: the binaries before it are not run again" \
	"$(grep -c 'fixture_test	fixture_ttm/map' <<<"$rec")" 1
check "hang: costs one idle timeout, not the column (${took}s)" \
	test "$took" -lt 40
expect_match "hang: the reboot is said" "$err" \
	'hang_test stopped the kernel; booting again for 1 more binaries'
check "hang: the console tail is kept" \
	grep -q 'kernel stopped responding' "$tmp"/results/2*/7.2/splats.txt

# A kernel that panics in a binary: its ERROR, a reboot, the rest run.
S2_STUB_FAIL=panic run --kernel 7.2
expect_eq "panic: exit 3" "$rc" 3
expect_match "panic: the running binary is ERROR with the panic" \
	"$(awk -F'\t' '$2 == "crash_test" && $4 == "ERROR" { print $7 }' <<<"$rec")" \
	'kernel died \(crashed\): Kernel panic - not syncing: stub'
expect_eq "panic: the binaries after it still report" \
	"$(status zz_last_test last/one)" PASS

# A DAX set-up that fails: vm/devices.sh on a stand-in sysfs whose pfn
# device will not bind reports fsdax as an environment ERROR, while devdax,
# which this "kernel" cannot make (no dax seed), is a SKIP.
sys=$tmp/sys/bus/nd
mkdir -p "$sys/devices/region0/namespace0.0" "$sys/devices/region1/namespace1.0" \
	"$sys/devices/namespace0.0" "$sys/devices/pfn0.0" \
	"$sys/drivers/nd_pmem/bind" "$sys/drivers/dax_pmem"
echo 0x138000000 >"$sys/devices/region0/resource"
echo 0x13c000000 >"$sys/devices/region1/resource"
echo pfn0.0 >"$sys/devices/region0/pfn_seed"
echo 67108864 >"$sys/devices/namespace0.0/size"
echo "4096 2097152 1073741824 " >"$sys/devices/pfn0.0/supported_alignments"
got=$(cd "$tmp" && S2_SYSFS=$tmp/sys sh -c '
	log() { :; }
	env_skip() { echo "skip $1: $2"; }
	env_error() { echo "error $1: $2"; export S2_ENV_ERROR_$1="$2"; }
	env_ok() { echo "ok $1"; }
	wanted() { :; }
	P_pmem_base=0x138000000 P_pmem_size=0x8000000
	. "$1"
	setup_pmem
	echo "why=$S2_FSDAX_WHY"' sh "$top/vm/devices.sh")
expect_eq "DAX set-up fails: fsdax ERROR with the cause, devdax SKIP" "$got" \
	"error fsdax: setting up pfn0.0 (align 2097152) on namespace0.0 failed (see the console)
skip devdax: the kernel makes no dax devices (no ZONE_DEVICE/NVDIMM_PFN)
why=setting up pfn0.0 (align 2097152) on namespace0.0 failed (see the console)"
# ... and with that report the fsdax cases are ERROR, the run exits 3.
S2_STUB_FAIL=dax S2_FAKE_SPLAT= run --kernel 7.2 --filter 'device_memory_test:*'
expect_eq "DAX set-up fails: its cases ERROR, exit 3" \
	"$rc $(status device_memory_test fsdax_shared/exec)" "3 ERROR"

# Known 6.12 DAX splat: XFAIL; an unknown one after it FAILs its case.
S2_FAKE_SPLAT=known run --kernel 6.12
expect_eq "known splat alone: exit 0, the case XFAIL" \
	"$rc $(status device_memory_test fsdax_shared/exec)" "0 XFAIL"
S2_FAKE_SPLAT=two run --kernel 6.12
expect_eq "unknown splat in the next case: exit 1" "$rc" 1
expect_eq "  the known one stays XFAIL, the unknown one FAILs its case" \
	"$(status device_memory_test fsdax_shared/exec) $(status device_memory_test fsdax_shared/delete)" \
	"XFAIL FAIL"
expect_match "  the FAIL names the splat" \
	"$(awk -F'\t' '$3 == "fsdax_shared/delete" { print $7 }' <<<"$rec")" \
	'kernel splat: WARNING: .* zap_pte_range'
S2_FAKE_SPLAT=two-same run --kernel 6.12
expect_eq "unknown splat after the known one in the same case FAILs it" \
	"$rc $(status device_memory_test fsdax_shared/exec)" "1 FAIL"
S2_FAKE_SPLAT=known run --kernel 7.2
expect_eq "the 6.12 defect on another kernel FAILs" \
	"$rc $(status device_memory_test fsdax_shared/exec)" "1 FAIL"

# Bad input: exit 2, no make, no results directory.
mkdir -p "$tmp/bin"
printf '#!/bin/sh\necho make >>"%s"\n' "$tmp/make.called" >"$tmp/bin/make"
chmod +x "$tmp/bin/make"
mkdir -p "$tmp/noimage" "$tmp/k"
: >"$tmp/k/empty"
head -c 4096 /dev/urandom >"$tmp/k/garbage"
{ head -c 56 /dev/zero; printf ARMd; } >"$tmp/k/Image"
printf 'MZ\0\0zimg' >"$tmp/k/zboot"
gzip -c "$tmp/k/Image" >"$tmp/k/Image.gz"
gzip -c "$tmp/k/garbage" >"$tmp/k/garbage.gz"

# bad DESC MESSAGE_RE ARGS...: exit 2 with the message, before any work.
bad() {
	local d=$1 re=$2
	shift 2
	rm -rf "$tmp/results" "$tmp/make.called"
	PATH=$tmp/bin:$PATH "$top/run_tests.sh" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -qE -- "$re" "$tmp/err" &&
	   [ ! -e "$tmp/make.called" ] && [ ! -e "$tmp/results" ]; then
		ok "bad input: $d"
	else
		fail "bad input: $d" "exit $rc; make called: $(cat "$tmp/make.called" 2>/dev/null)" \
			"results: $(ls "$tmp/results" 2>/dev/null)" "$(cat "$tmp/err")"
	fi
}

bad "--json into a missing directory" "--json $tmp/nodir/r.json: no directory" \
	--vm --json "$tmp/nodir/r.json"
bad "--markdown into a missing directory" "no directory" \
	--vm --markdown "$tmp/nodir/m.md"
bad "--json onto a directory" "is a directory" --vm --json "$tmp"
bad "--direct on $(uname -m)" "--direct runs the tests on this host's kernel" --direct
cp /bin/true "$O/arm64/elf_test"
bad "--direct --no-build with a compiled binary" "elf_test is a compiled" \
	--direct --no-build
rm -f "$O/arm64/elf_test"
bad "--kernel DIR with no Image" "no kernel image at '$tmp/noimage/Image'" \
	--vm --kernel "$tmp/noimage"
bad "--kernel of an empty Image" "is empty" --vm --kernel "$tmp/k/empty"
bad "--kernel of garbage" "not an arm64 kernel Image" --vm --kernel "$tmp/k/garbage"
bad "--kernel of gzipped garbage" "gzip, but not of an arm64 Image" \
	--vm --kernel "$tmp/k/garbage.gz"
bad "--timeout that overflows" "--timeout wants a positive number" \
	--vm --timeout 99999999999999999999
bad "--without an unknown piece" "--without: unknown piece 'gpu'" \
	--vm --without fixture,gpu

for img in Image Image.gz zboot; do
	run --kernel "$tmp/k/$img" --filter 'zz_last_test:*'
	expect_eq "--kernel $img (arm64 header, gzip of one, EFI zboot) is accepted" "$rc:$(statuses)" "0:zz_last_test:last/one=PASS"
done

run --list --filter 'crash_test:crash/[ab]'
expect_eq "--filter binary:case, as --list prints it" "$rc:$(tr '\n' ' ' <<<"$out")" \
	"0:crash_test:crash/a crash_test:crash/b "
run --kernel 7.2 --filter 'fixture_test:anon_4k/map'
expect_eq "--filter binary:case runs exactly that case" "$rc:$(statuses)" \
	"0:fixture_test:anon_4k/map=PASS"

mkdir -p "$O/bench"
cp "$O/arm64/zz_last_test" "$O/arm64/zz_last_test.cases" "$O/bench/"
run --bench --list
expect_eq "--bench --list lists the benchmarks' cases" "$rc:$out" "0:zz_last_test:last/one"

# --bench ends with the benchmark's table and draws bench.svg beside.
rm -f "$O/bench/"*
fake unmap_bench anon_4k.munmap.4M anon_4k.munmap.8M <<'EOS'
echo "# metric unmap.$c.ns_per_page=$((i * 1000)) unit=ns"
echo "# metric unmap.$c.ns_per_gib=$((i * 262144000)) unit=ns"
echo "ok $i $c"
EOS
mv "$O/arm64/unmap_bench" "$O/arm64/unmap_bench.cases" "$O/bench/"
run --kernel 7.2 --bench
expect_eq "--bench: the table ends the output" \
	"$rc:$(tail -n 2 <<<"$out" | sed "s|$tmp/results/2[0-9-]*/|RUN/|; s/  */ /g")" \
	"0: munmap 1000 2000 - -
benchmark curves: RUN/bench.svg"
expect_eq "--bench: bench.svg beside the report" \
	"$(ls "$tmp"/results/2*/bench.svg 2>/dev/null | wc -l)" 1

done_testing
