#!/bin/bash
# test_kselftest_tree.sh - the suite as a kselftest target: linked into a
# kernel tree as tools/testing/selftests/s2conform, kselftest's own
#   make -C tools/testing/selftests TARGETS=s2conform install
# builds it (kselftest.mk) and installs a collection that the kernel's
# run_kselftest.sh lists and runs.
#
# The kernel's selftests Makefile, lib.mk, run_kselftest.sh and runner come
# from the cached linux-source tree, fetched first when the cache has none
# (bisect/fetch_source.sh 7.2, through lib.sh's kselftest_tree); they are
# copied into a scratch tree, so the cache is never written to, and O=
# keeps every build output there too.  With --vm (or S2_KSFT_VM=1) the
# installed collection also boots in the test VM (under /tmp/s2-vm.lock)
# and its run_kselftest.sh must run every case there.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

vm=${S2_KSFT_VM:-0}
[ "${1:-}" = --vm ] && vm=1

kselftest_tree
sel=$ksft_sel
if [ -z "$sel" ] || [ ! -f "$sel/lib.mk" ]; then
	fail "the kernel's selftests tree (bisect/fetch_source.sh)" \
		"${ksft_why:-no lib.mk in $sel}"
	done_testing
fi
ksrc=${sel%/tools/testing/selftests}

# The kselftest parts of the kernel tree, and the project linked in.
tree=$tmp/linux
mkdir -p "$tree/tools/testing/selftests" "$tree/scripts"
cp "$ksrc/scripts/subarch.include" "$tree/scripts/"
cp -R "$sel/Makefile" "$sel/lib.mk" "$sel/run_kselftest.sh" "$sel/kselftest" \
	"$tree/tools/testing/selftests/"
ln -s "$top" "$tree/tools/testing/selftests/s2conform"

inst=$tmp/ksft
touch "$tmp/stamp"
t0=$SECONDS
if ! out=$(cd "$tmp" && make -j2 -C "$tree/tools/testing/selftests" \
	TARGETS=s2conform ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	O="$tmp/obj" INSTALL_PATH="$inst" install 2>&1); then
	fail "kselftest's make TARGETS=s2conform install (${ksrc##*/})" \
		"$(tail -n 20 <<<"$out")"
	done_testing
fi
ok "kselftest's make TARGETS=s2conform install (${ksrc##*/}, $((SECONDS - t0))s)"

expect_collection "$inst"
expect_match "settings: the per-binary timeout" \
	"$(cat "$inst/s2conform/settings" 2>/dev/null)" '^timeout=[0-9]+$'
expect_eq "the kernel's own runner was installed" \
	"$(cmp -s "$sel/run_kselftest.sh" "$inst/run_kselftest.sh" && echo same)" same
expect_eq "with O=, no build output lands in the project tree" \
	"$(find "$top" -newer "$tmp/stamp" -not -path "$top/.git/*" \( \
		-name '*.o' -o -name '*.d' -o -name settings -o -name config \
		-o -name '*_test' -o -name kselftest-stage \) | head -n 5)" ""
expect_eq "the installed run_kselftest.sh -l lists the collection" \
	"$("$inst/run_kselftest.sh" -l)" "$(cat "$inst/kselftest-list.txt")"
out=$("$inst/run_kselftest.sh" -d -c s2conform)
expect_eq "run_kselftest.sh -d -c s2conform would run every binary" \
	"$(grep '^run_many ' <<<"$out")" "run_many ${bins[*]}"

if [ "$vm" != 1 ]; then
	ok "the collection runs in the VM # SKIP boots a VM: --vm or S2_KSFT_VM=1"
	done_testing
fi

# In the VM: the collection as the initramfs's tests, run by its own
# run_kselftest.sh (hosttests/data/ksft_guest_runner.sh).
kd=$("$top/vm/fetch_kernel.sh" 7.2) || { fail "fetch the 7.2 kernel"; done_testing; }
extra=()
if ko=$("$top/fixture/build.sh" "$kd" "$tmp/fixture" 2>"$tmp/fixture.log"); then
	extra=(--extra "$ko:/lib/modules-extra/s2fixture.ko"
	       --extra "$ko.params:/lib/modules-extra/s2fixture.ko.params")
fi
if ! "$top/vm/mkinitramfs.sh" --kernel-dir "$kd" --tests "$inst" \
	--runner "$data/ksft_guest_runner.sh" --out "$tmp/initrd.cpio.gz" \
	"${extra[@]}" 2>"$tmp/mkinitramfs.log"; then
	fail "initramfs with the collection" "$(cat "$tmp/mkinitramfs.log")"
	done_testing
fi
t0=$SECONDS
flock /tmp/s2-vm.lock "$top/vm/boot.sh" --kernel-dir "$kd" \
	--initrd "$tmp/initrd.cpio.gz" --out "$tmp/vm" --timeout 600 \
	>"$tmp/boot.log" 2>&1
tap=$tmp/vm/tap.txt
passed=$(grep -cE '^ok [0-9]+ selftests: s2conform: ' "$tap" 2>/dev/null)
if [ "${passed:-0}" -eq "${#bins[@]}" ]; then
	ok "in the VM, run_kselftest.sh passes every binary ($((SECONDS - t0))s)"
else
	fail "in the VM, run_kselftest.sh passes every binary" \
		"$passed of ${#bins[@]} passed; $(cat "$tmp/vm/status" 2>/dev/null)" \
		"$(grep -E '^(# )?not ok|^# selftests' "$tap" 2>/dev/null | head -n 40)"
fi
cases=$(grep -cE '^# (not )?ok [0-9]+ ' "$tap" 2>/dev/null)
if [ "${cases:-0}" -gt 0 ]; then
	ok "the cases' own TAP is nested in the output ($cases cases)"
else
	fail "the cases' own TAP is nested in the output" "$(head -c 2000 "$tap" 2>/dev/null)"
fi
done_testing
