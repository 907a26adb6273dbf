#!/bin/bash
# test_bisect.sh - bisect/oracle.sh's exit codes, the contract of
# `git bisect run` (0 good, 1 bad, 125 skip, >= 128 abort), and its
# observation matching.  No kernel is built or booted: a fake kernel tree
# with a stub merge_config.sh, a fake `make` on PATH, the stub VM harness
# (hosttests/data/vm-stub) and fake test binaries (lib.sh).  The fake
# mem_test observes KVM_RUN:EFAULT on anon_4k/ro_store (a FAIL, it expects
# EXIT_MMIO) except on 7.2 kernels, where it observes EXIT_MMIO (a PASS).
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

oracle=$top/bisect/oracle.sh
export S2CONFORM_VM=$data/vm-stub
export S2CONFORM_BISECT_DEPS=$data/vm-stub/deps.sh
export S2CONFORM_CACHE=$tmp/cache
export S2_STUB_DIR=$tmp/stub
export O=$tmp/build
unset S2_FAKE_KERNEL S2_STUB_FAIL CCACHE_DIR
make_fake_suite "$O/arm64"
# A fixture case only a CPU without FWB shows failing, the way a cacheable
# PFNMAP accepted without FWB would (S2_FAKE_CPU: the stub boot's -cpu).
cat >"$O/arm64/pfnmap_test" <<'EOS'
#!/bin/sh
c=fixture_cacheable/create
[ "$1" = --list ] && { echo $c; exit 0; }
echo "TAP version 13"
echo "1..1"
if [ "${S2_FAKE_CPU:-max}" = neoverse-n1 ]; then
	echo "not ok 1 $c # observed=0 expected=-EINVAL (row 22: refused without FWB+DIC)"
	exit 1
fi
echo "ok 1 $c # observed=0 expected=0"
EOS
chmod +x "$O/arm64/pfnmap_test"
echo fixture_cacheable/create >"$O/arm64/pfnmap_test.cases"

# A kernel tree that "builds" with the fake make below.
src=$tmp/linux
mkdir -p "$src/scripts/kconfig"
printf 'VERSION = 7\nPATCHLEVEL = 2\nSUBLEVEL = 0\n' >"$src/Makefile"
cat >"$src/scripts/kconfig/merge_config.sh" <<'EOF'
#!/bin/sh
# stub: -O DIR FRAGMENT...: the union of the fragments is the config.
[ "$1" = -O ] || { echo "stub merge_config: bad args $*" >&2; exit 2; }
out=$2
shift 2
mkdir -p "$out"
cat "$@" | grep '^CONFIG_' | sed 's/=m$/=y/' >"$out/.config"
[ -z "${FAKE_DROP:-}" ] || sed -i "/^CONFIG_$FAKE_DROP=/d" "$out/.config"
echo "merged $*" >&2
EOF
chmod +x "$src/scripts/kconfig/merge_config.sh"
mkdir -p "$tmp/bin"
cat >"$tmp/bin/make" <<'EOF'
#!/bin/sh
# fake kernel make: O=DIR ... Image.  FAKE_BUILD=fail fails the build.
echo "make $*" >>"$FAKE_MAKE_LOG"
for a; do case $a in O=*) out=${a#O=} ;; esac; done
for a; do case $a in -C) next=1 ;; *) [ -n "${next:-}" ] && src=$a; next= ;; esac; done
[ "${FAKE_BUILD:-}" = fail ] || [ -f "$src/BROKEN" ] &&
	{ echo "drivers/foo.c:1: error: boom" >&2; exit 2; }
mkdir -p "$out/arch/arm64/boot" "$out/include/config"
{ head -c 56 /dev/zero; printf ARMd; } >"$out/arch/arm64/boot/Image"
# The tree's RELEASE file (the bisect test's commits change it), else
# FAKE_RELEASE.
rel=${FAKE_RELEASE:-6.19.0-bisect}
[ -f "$src/RELEASE" ] && rel=$(cat "$src/RELEASE")
echo "$rel" >"$out/include/config/kernel.release"
EOF
chmod +x "$tmp/bin/make"
export PATH=$tmp/bin:$PATH FAKE_MAKE_LOG=$tmp/make.log

# run ARGS...: the oracle, from inside the fake tree; sets rc, out, err.
run() {
	out=$(cd "$src" && "$oracle" --no-build-tests "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}

# code DESC WANT ARGS...: the oracle exits WANT.
code() {
	local d=$1 want=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$want" ]; then
		ok "$d: exit $want"
	else
		fail "$d: exit $want" "got $rc" "stdout: $out" "stderr:" "$err"
	fi
}

ro=mem_test:anon_4k/ro_store

# Verdicts on Debian series (nothing built).
code "pass is good" 0 --kernel 7.2 --case "$ro"
expect_match "the step's line names the kernel, case and result" "$out" \
	'^GOOD 7\.2 mem_test:anon_4k/ro_store: verdict=PASS observed=EXIT_MMIO expected=EXIT_MMIO$'
code "fail is bad" 1 --kernel 6.12 --case "$ro"
expect_match "a bad step says why" "$out" \
	'^BAD 6\.12 mem_test:anon_4k/ro_store: verdict=FAIL observed=KVM_RUN:EFAULT expected=EXIT_MMIO \(row 34'
code "a skipped case is skip" 125 --kernel 6.12 --case mem_test:hugetlb_2m/create
code "a skipped binary is skip" 125 --kernel 6.12 --case mte_test:mte/tagged
code "--whole-binary runs the binary's other cases too" 0 --kernel 7.2 --case "$ro" --whole-binary
expect_eq "  (all three cases ran)" \
	"$(grep -c '^# ok' "$S2CONFORM_CACHE"/bisect/runs/latest/7.2/tap.txt)" 3
code "a splat in the case's binary makes a pass bad" 1 --kernel 7.2 --case splat_test:splat/warn
expect_match "the splat is named" "$out" 'kernel splat: WARNING: CPU: 1 PID: 77'
code "without the splat the same case is good" 0 --kernel 6.12 --case splat_test:splat/warn
grep -c . "$S2CONFORM_CACHE/bisect/oracle.log" >"$tmp/n"
expect_eq "every step is logged in the cache" "$(cat "$tmp/n")" 7

# The column: --cpu (checked before anything is built or booted), --mode.
fx=pfnmap_test:fixture_cacheable/create
code "the default CPU does not show the fixture regression" 0 --kernel 7.2 --case "$fx"
code "--cpu neoverse-n1 runs the step on that CPU, where it shows" 1 \
	--cpu neoverse-n1 --kernel 7.2 --case "$fx"
expect_match "  the step's line names the column" "$out" \
	'^BAD 7\.2/neoverse-n1 pfnmap_test:fixture_cacheable/create: verdict=FAIL'
qcmd=$(cat "$S2CONFORM_CACHE"/bisect/runs/latest/*/qemu.cmdline 2>/dev/null)
expect_match "  the QEMU command line has -cpu neoverse-n1" "$qcmd" \
	'^qemu-system-aarch64 .*-cpu neoverse-n1( |$)'
: >"$tmp/make.log"
code "an unknown --cpu aborts" 128 --cpu neoverse-x9 --case "$fx"
expect_match "  naming the usable models" "$err" \
	"--cpu: unknown CPU model 'neoverse-x9' \(usable: max neoverse-n1\)"
expect_eq "  before anything is built" "$(grep -c . "$tmp/make.log")" 0
code "a --cpu QEMU cannot boot the VM on aborts" 128 --cpu cortex-a15 --kernel 7.2 --case "$fx"
code "--cpu takes one model" 128 --cpu max,neoverse-n1 --kernel 7.2 --case "$fx"
code "a bad --mode aborts" 128 --mode vhe2 --kernel 7.2 --case "$fx"
expect_match "  naming the modes" "$err" "--mode: one of configs/modes\.conf \(vhe nvhe protected nested .*\), not 'vhe2'"

# Observations.
code "--observe: matching observation is bad" 1 --kernel 6.12 --case "$ro" --observe EFAULT
code "--observe: no match is good" 0 --kernel 7.2 --case "$ro" --observe EFAULT
expect_match "--observe says what it matched" "$out" 'observed does not match /EFAULT/$'
code "--bad-if is --observe" 1 --kernel 6.12 --case "$ro" --bad-if 'observed=^KVM_RUN:'
code "--good-if: match is good" 0 --kernel 6.12 --case "$ro" --good-if 'EFAULT'
code "--good-if: no match is bad" 1 --kernel 7.2 --case "$ro" --good-if 'EFAULT'
code "a FAIL verdict can still be a good observation" 0 --kernel 6.12 --case "$ro" --bad-if 'EXIT_MMIO$'
code "expected= matches the expected value" 1 --kernel 7.2 --case "$ro" --bad-if expected=EXIT_MMIO
code "reason= matches the reason" 1 --kernel 6.12 --case "$ro" --bad-if 'reason=row 34'
code "verdict= matches the verdict" 1 --kernel 6.12 --case "$ro" --bad-if verdict=FAIL
code "an observation on a skipped case is skip" 125 --kernel 6.12 --case mem_test:hugetlb_2m/create --observe .
code "a case with no value in the field is skip" 125 --kernel 6.12 \
	--case mem_test:anon_4k/create --observe 'reason=.'

# Build, boot and judge the tree in the current directory.
: >"$tmp/make.log"
code "built kernel: fail is bad" 1 --case "$ro"
expect_match "the build merges base + s2conform.config onto alldefconfig" "$err" \
	'configuring: alldefconfig \+ bisect-base\.config \+ s2conform\.config;'
expect_match "make builds Image out of tree with ccache, niced" "$(cat "$tmp/make.log")" \
	"^make -C $src O=$S2CONFORM_CACHE/bisect/build/linux-[0-9a-f]{8} -j[0-9]+ CC=ccache aarch64-linux-gnu-gcc HOSTCC=ccache gcc Image$"
expect_match "a tree that is not a git checkout is named by its version" "$out" \
	'^BAD 7\.2\.0 mem_test:anon_4k/ro_store: verdict=FAIL'
expect_match "the build reports the release it made" "$err" 'built 6\.19\.0-bisect in [0-9]+s'
expect_match "the VM boots the built kernel" "$(cat "$S2CONFORM_CACHE"/bisect/runs/latest/*/console.log)" \
	'stub 6\.19\.0-bisect'

bdir=$(echo "$S2CONFORM_CACHE"/bisect/build/linux-*)
expect_eq "the step's kernel points at its tree (the fixture builds against it)" \
	"$(readlink "$bdir/s2conform-kernel/build")" "$bdir"
expect_eq "a built-in build keeps MODULES (the fixture loads) and makes no =m" \
	"$(cat "$bdir"/s2conform-fragments/[12]-* | grep -c '=m$'):$(grep -c '^CONFIG_MODULES=y' "$bdir"/s2conform-fragments/3-*)" \
	"0:1"
code "--page-size 64k builds a 64K kernel" 1 --case "$ro" --page-size 64k
expect_eq "  64K pages merged after the base's 4K, 4K and 16K off" \
	"$(grep -E 'ARM64_[0-9]+K_PAGES' "$bdir"/s2conform-fragments/3-* | paste -sd ' ')" \
	"# CONFIG_ARM64_4K_PAGES is not set # CONFIG_ARM64_16K_PAGES is not set CONFIG_ARM64_64K_PAGES=y"
code "a bad --page-size aborts" 128 --case "$ro" --page-size 8k

echo CONFIG_EXTRA=y >"$tmp/extra.config"
FAKE_RELEASE=7.2.0-good code "built kernel: pass is good" 0 --case "$ro" --config "$tmp/extra.config"
expect_match "--config fragments are merged last" "$err" 's2conform\.config \+ extra\.config;'

FAKE_BUILD=fail code "a build failure is skip" 125 --case "$ro"
expect_match "a build failure shows the error" "$err" 'error: boom'
FAKE_DROP=KVM code "a config without KVM is skip" 125 --case "$ro"
expect_match "  and says which option went missing" "$err" 'error: CONFIG_KVM not set after the merge'
{ head -c 56 /dev/zero; printf ARMd; } >"$tmp/Image"	# arm64 header magic
code "--kernel-image boots that image" 1 --kernel-image "$tmp/Image" --case "$ro"
mkdir -p "$tmp/noimage"
code "--kernel-image DIR without an Image aborts" 128 --kernel-image "$tmp/noimage" --case "$ro"
code "--kernel-image of garbage aborts" 128 --kernel-image "$tmp/linux/Makefile" --case "$ro"
code "--observe with a bad regex aborts" 128 --kernel 7.2 --case "$ro" --observe '('
expect_match "  saying why, not with grep's raw error" "$err" "^oracle: bad regular expression '\\(' \\("
expect_eq "--kernel-image builds nothing" "$(grep -c Image "$tmp/make.log")" 4

# Infrastructure: no boot is a skip, a bad command line an abort.
S2_STUB_FAIL=fetch code "a kernel that cannot be had is skip" 125 --kernel 7.2 --case "$ro"
S2_STUB_FAIL=watchdog code "a hang in the case's binary is bad" 1 --kernel 7.2 --case "$ro"
code "a case the binary does not have aborts" 128 --kernel 7.2 --case mem_test:nosuch
code "a binary the suite does not have aborts" 128 --kernel 7.2 --case nosuch_test:a
code "no --case aborts" 128 --kernel 7.2
code "a bad regex aborts" 128 --kernel 7.2 --case "$ro" --observe '('
code "not a kernel tree aborts" 128 --case "$ro" --src "$tmp"
code "two judges abort" 128 --kernel 7.2 --case "$ro" --observe x --good-if y
code "an unknown option aborts" 128 --bogus
run --help
expect_match "--help" "$rc:$out" '^0:usage: oracle\.sh --case'

# The real thing: `git bisect run` over a fake history in which commit 3
# of 5 turns the case from PASS (7.2 behaviour) to FAIL, and commit 4
# cannot be built.
if command -v git >/dev/null; then
	g() { git -C "$src" -c user.name=t -c user.email=t@t "$@" >/dev/null 2>&1; }
	g init -q
	for i in 1 2 3 4 5; do
		if [ $i -le 2 ]; then echo 7.2.0 >"$src/RELEASE"; else echo 7.3.0-rc1 >"$src/RELEASE"; fi
		echo "$i" >"$src/COMMIT"
		if [ $i -eq 4 ]; then echo >"$src/BROKEN"; else rm -f "$src/BROKEN"; fi
		g add -A
		g commit -q -m "commit $i"
		g tag "c$i"
	done
	# S2_FAKE_KERNEL decides: 7.2* passes; the release 7.3.0-rc1 fails.
	(cd "$src" && git bisect start c5 c1 >/dev/null 2>&1 &&
		git bisect run "$oracle" --no-build-tests --case "$ro" >"$tmp/bisect.out" 2>&1)
	first=$(sed -n 's/^\([0-9a-f]\{40\}\) is the first bad commit$/\1/p' "$tmp/bisect.out")
	expect_eq "git bisect run finds the commit that broke the case" \
		"$(git -C "$src" rev-parse c3)" "$first"
	expect_eq "steps: c3 bad, c2 good (c4, which does not build, was not needed)" \
		"$(grep -oE '^(GOOD|BAD|SKIP) c[1-5]' "$tmp/bisect.out" | tr '\n' ' ')" "BAD c3 GOOD c2 "
	(cd "$src" && git bisect start c5 c3 >/dev/null 2>&1 &&
		git bisect run "$oracle" --no-build-tests --case "$ro" >"$tmp/bisect.out" 2>&1)
	expect_match "a commit that does not build is skipped (125)" \
		"$(cat "$tmp/bisect.out")" '^SKIP c4 .*build failed|build failed after'
	git -C "$src" bisect reset >/dev/null 2>&1
	git -C "$src" bisect reset >/dev/null 2>&1
else
	ok "git bisect run finds the commit # SKIP no git"
fi

done_testing
