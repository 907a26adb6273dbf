#!/bin/bash
# test_kernels.sh - the kernels a user can pass and what the suite checks
# before it boots them: vm/fetch_kernel.sh's forms (bare Image in its three
# formats, build tree, modules_install tree, .deb, Debian aliases with
# flavours and pins, --offline, --list-kernels) on fake images and a fake
# apt; configs/check_config.sh on configs that lack required and topic
# options; run_tests.sh's pre-boot ERROR and its config-missing list; the
# README's generated option list.  No VM, no network.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

fetch=$top/vm/fetch_kernel.sh

# rc_match DESC RC WANT_RC TEXT RE: exit status RC is WANT_RC and a line of
# TEXT matches RE.
rc_match() {
	if [ "$2" = "$3" ] && grep -qE -- "$5" <<<"$4"; then
		ok "$1"
	else
		fail "$1" "wanted exit $3 and a line matching: $5" "got exit $2:" "$4"
	fi
}
check=$top/configs/check_config.sh
export S2CONFORM_CACHE=$tmp/cache
unset S2_OFFLINE

# --- configs/check_config.sh ---------------------------------------------
full=$top/configs/s2conform.config
expect_eq "the suite's own fragment lacks nothing required" \
	"$("$check" --required "$full")" ""
expect_eq "  nor any topic option" "$("$check" --topics "$full")" ""
grep -v '^CONFIG_VIRTIO_CONSOLE=' "$full" >"$tmp/novc.config"
expect_eq "no VIRTIO_CONSOLE is named" "$("$check" --required "$tmp/novc.config")" \
	CONFIG_VIRTIO_CONSOLE
sed 's/^CONFIG_RD_GZIP=y/# CONFIG_RD_GZIP is not set/' "$full" >"$tmp/nogz.config"
expect_eq "RD_GZIP \"is not set\" is missing" "$("$check" --required "$tmp/nogz.config")" \
	CONFIG_RD_GZIP
grep -v '^CONFIG_VIRTIO_MMIO=' "$full" >"$tmp/pci.config"
expect_eq "either virtio transport will do" "$("$check" --required "$tmp/pci.config")" ""
grep -v '^CONFIG_VIRTIO_MMIO=\|^CONFIG_VIRTIO_PCI=\|^CONFIG_KVM=' "$full" >"$tmp/none.config"
expect_eq "neither transport, no KVM: both named" \
	"$("$check" --required "$tmp/none.config" | tr ' ' '\n' | sort | paste -sd ' ')" \
	"CONFIG_KVM CONFIG_VIRTIO_MMIO|CONFIG_VIRTIO_PCI"
sed 's/^CONFIG_KVM=y/CONFIG_KVM=n/; s/^CONFIG_ZRAM=m/CONFIG_ZRAM=m/' "$full" >"$tmp/kvmn.config"
expect_eq "=n is missing, =m is present" "$("$check" --required "$tmp/kvmn.config")" CONFIG_KVM
sed 's/^CONFIG_KSM=y/# CONFIG_KSM is not set/; /^CONFIG_ARM64_MTE=/d' "$full" >"$tmp/topics.config"
expect_eq "missing topic options come with their cases" \
	"$("$check" --topics "$tmp/topics.config")" \
	"$(printf 'CONFIG_ARM64_MTE\tmte_slot_test:* mte_tags_test:* mte_lifetime_test:* *:*/create_mte *:*/mte_after_slot\nCONFIG_KSM\tmte_lifetime_test:*/ksm_*')"
grep -v '^CONFIG_NUMA_MIGRATION=' "$full" >"$tmp/old.config"
expect_eq "an option the kernel does not know (6.x: NUMA_MIGRATION) is not asked for" \
	"$("$check" --topics "$tmp/old.config")" ""
sed 's/^CONFIG_NUMA_MIGRATION=y/# CONFIG_NUMA_MIGRATION is not set/' "$full" >"$tmp/nomig.config"
expect_eq "  but where it is known and off, its cases skip" \
	"$("$check" --topics "$tmp/nomig.config" | cut -f1)" CONFIG_NUMA_MIGRATION
"$check" --required /nonexistent >/dev/null 2>&1
expect_eq "an unreadable config is a usage error" "$?" 2
expect_match "every required option is listed once" \
	"$("$check" --list-required | sort | uniq -d | wc -l)" '^0$'

# --- fake kernel images ----------------------------------------------------
# mkimage FILE RELEASE [CONFIG]: an "uncompressed arm64 Image": the ARMd
# magic at 56, the banner, and CONFIG as IKCONFIG (gzip between markers).
mkimage() {
	{
		head -c 56 /dev/zero
		printf 'ARMd'
		head -c 100 /dev/zero
		printf 'Linux version %s (s2@test) (gcc 12) #1 SMP\n' "$2"
		if [ -n "${3:-}" ]; then
			printf 'IKCFG_ST'
			gzip -c "$3"
			printf 'IKCFG_ED'
		fi
		head -c 64 /dev/zero
	} >"$1"
}
# mkzboot FILE RAW: an EFI zboot image of RAW (gzip payload).
mkzboot() {
	python3 - "$1" "$2" <<'EOF'
import gzip, struct, sys
raw = open(sys.argv[2], 'rb').read()
pay = gzip.compress(raw)
off = 128
hdr = bytearray(off)
hdr[0:2] = b'MZ'
hdr[4:8] = b'zimg'
hdr[8:12] = struct.pack('<I', off)
hdr[12:16] = struct.pack('<I', len(pay))
hdr[24:28] = b'gzip'
open(sys.argv[1], 'wb').write(bytes(hdr) + pay + b'\0' * 32)
EOF
}
fields() { cat "$1/release"; [ -f "$1/config" ] && echo config; cat "$1/source"; }

printf 'CONFIG_KVM=y\nCONFIG_IKCONFIG=y\n' >"$tmp/ik.config"
mkimage "$tmp/Image" 7.2.13-s2test "$tmp/ik.config"
kd=$("$fetch" "$tmp/Image" 2>"$tmp/err")
expect_eq "bare Image: release from its banner, config from IKCONFIG" \
	"$(fields "$kd" | paste -sd ' '):$(cat "$kd/config" | paste -sd ' ')" \
	"7.2.13-s2test config bare Image:CONFIG_KVM=y CONFIG_IKCONFIG=y"
gzip -c "$tmp/Image" >"$tmp/Image.gz"
kd=$("$fetch" "$tmp/Image.gz" 2>>"$tmp/err")
expect_eq "gzip Image: the same, unpacked first" "$(fields "$kd" | paste -sd ' ')" \
	"7.2.13-s2test config bare Image"
if command -v python3 >/dev/null; then
	mkzboot "$tmp/vmlinuz.efi" "$tmp/Image"
	kd=$("$fetch" "$tmp/vmlinuz.efi" 2>>"$tmp/err")
	expect_eq "EFI zboot Image: the payload unpacked" "$(fields "$kd" | paste -sd ' ')" \
		"7.2.13-s2test config bare Image"
else
	ok "EFI zboot Image # SKIP no python3"
fi
mkimage "$tmp/noik" 6.19.0-x
kd=$("$fetch" "$tmp/noik" 2>>"$tmp/err")
expect_eq "an Image without IKCONFIG: release, no config" "$(fields "$kd" | paste -sd ' ')" \
	"6.19.0-x bare Image"
printf 'not a kernel' >"$tmp/junk"
"$fetch" "$tmp/junk" >/dev/null 2>&1
expect_eq "a file that is not an Image is a usage error" "$?" 2
"$fetch" "$tmp/nothere/Image" >/dev/null 2>&1
expect_eq "a path that does not exist is a usage error" "$?" 2

# A build tree (O= layout) with everything built in.
bt=$tmp/kbuild
mkdir -p "$bt/arch/arm64/boot" "$bt/include/config"
mkimage "$bt/arch/arm64/boot/Image" 7.2.13
cp "$full" "$bt/.config"
echo 7.2.13 >"$bt/include/config/kernel.release"
printf '0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n' >"$bt/Module.symvers"
: >"$bt/System.map"
: >"$bt/modules.order"
kd=$("$fetch" "$bt" 2>"$tmp/err")
expect_eq "build tree: release, its .config, a link to the tree, no modules" \
	"$(fields "$kd" | paste -sd ' '):$(readlink "$kd/build"):$([ -e "$kd/modules" ] && echo mods)" \
	"7.2.13 config build tree:$bt:"
echo 7.2.14 >"$bt/include/config/kernel.release"
kd=$("$fetch" "$bt" 2>"$tmp/err")
expect_match "a tree whose Image is older than its release says so, the Image wins" \
	"$(cat "$kd/release"):$(cat "$tmp/err")" '^7\.2\.13:.*the Image is 7\.2\.13, the tree says 7\.2\.14'
echo 7.2.13 >"$bt/include/config/kernel.release"
echo drivers/block/zram/zram.o >"$bt/modules.order"
"$fetch" "$bt" >/dev/null 2>"$tmp/err"
rc_match "a tree with modules not built is a usage error naming the module" "$?" 2 "$(cat "$tmp/err")" 'zram\.ko is in modules\.order but not built'
: >"$bt/modules.order"

# A modules_install tree whose build link leads to the tree.
mi=$tmp/modroot
mkdir -p "$mi/lib/modules/7.2.13"
ln -s "$bt" "$mi/lib/modules/7.2.13/build"
kd=$("$fetch" "$mi" 2>"$tmp/err")
expect_eq "modules_install tree: the Image and config behind its build link, its modules" \
	"$(fields "$kd" | paste -sd ' '):$(readlink "$kd/modules")" \
	"7.2.13 config modules_install tree:$mi/lib/modules/7.2.13"

# A kernel .deb (what make bindeb-pkg makes).
if command -v dpkg-deb >/dev/null; then
	dr=$tmp/debroot
	mkdir -p "$dr/DEBIAN" "$dr/boot" "$dr/lib/modules/7.2.13-deb"
	mkimage "$dr/boot/vmlinuz-7.2.13-deb" 7.2.13-deb
	cp "$full" "$dr/boot/config-7.2.13-deb"
	printf 'Package: linux-image-7.2.13-deb\nVersion: 7.2.13-1\nArchitecture: arm64\nMaintainer: t <t@t>\nDescription: test\n' \
		>"$dr/DEBIAN/control"
	dpkg-deb -b -Znone "$dr" "$tmp/k.deb" >/dev/null 2>&1
	kd=$("$fetch" "$tmp/k.deb" 2>"$tmp/err")
	expect_eq ".deb: release, config, the package it came from" \
		"$(fields "$kd" | paste -sd ' '):$(cat "$kd/packages")" \
		"7.2.13-deb config .deb:linux-image-7.2.13-deb:arm64=7.2.13-1"
else
	ok ".deb # SKIP no dpkg-deb"
fi

# --- fixture/build.sh's causes --------------------------------------------
mkimage "$tmp/bare/Image" 7.2.13-bare 2>/dev/null || { mkdir -p "$tmp/bare"; mkimage "$tmp/bare/Image" 7.2.13-bare; }
kd=$("$fetch" "$tmp/bare/Image" 2>/dev/null)
"$top/fixture/build.sh" "$kd" "$tmp/fx" >/dev/null 2>"$tmp/err"
rc_match "fixture: a bare Image cannot have it (exit 4), and it says why" "$?" 4 "$(cat "$tmp/err")" 'bare Image with no build tree \(Module\.symvers\), no Debian headers'
grep -v '^CONFIG_MODULES=' "$full" >"$bt/.config"
kd=$("$fetch" "$bt" 2>/dev/null)
"$top/fixture/build.sh" "$kd" "$tmp/fx" >/dev/null 2>"$tmp/err"
rc_match "fixture: a kernel without CONFIG_MODULES cannot load it" "$?" 4 "$(cat "$tmp/err")" 'no CONFIG_MODULES'
cp "$full" "$bt/.config"

# --- Debian aliases on a fake apt -------------------------------------------
mkdir -p "$tmp/bin"
cat >"$tmp/bin/apt-cache" <<'EOF'
#!/bin/sh
# fake apt-cache: a mirror with 6.1 (two ABIs), 7.2 in four flavours.
while [ $# -gt 0 ]; do case $1 in -o) shift 2 ;; *) break ;; esac; done
names='linux-image-6.1.0-56-arm64-unsigned
linux-image-6.1.0-57-arm64-unsigned
linux-image-6.1.0-57-rt-arm64-unsigned
linux-image-6.1.0-57-arm64-dbg
linux-binary-unsigned-7.2.13+deb14-arm64
linux-binary-unsigned-7.2.13+deb14-arm64-16k
linux-binary-unsigned-7.2.13+deb14-rt-arm64
linux-binary-unsigned-7.2.13+deb14-cloud-arm64
linux-binary-unsigned-7.2.13+deb14-amd64'
case $1 in
pkgnames) printf '%s\n' "$names" | grep "^$2" ;;
policy)
	case ${2%:arm64} in
	linux-image-6.1.0-56-*) v=6.1.190-1 ;;
	linux-image-6.1.0-57-*) v=6.1.192-3 ;;
	linux-binary-unsigned-7.2.13*|linux-modules-7.2.13*|linux-base-7.2.13*) v=7.2.13-2 ;;
	*) v='(none)' ;;
	esac
	printf '%s:\n  Installed: (none)\n  Candidate: %s\n' "$2" "$v" ;;
madison)
	case ${2%:arm64} in
	linux-binary-unsigned-7.2.13+deb14-arm64)
		printf '%s | 7.2.13-2 | mirror arm64 Packages\n%s | 7.2.13-1 | mirror arm64 Packages\n' "$2" "$2" ;;
	esac ;;
esac
EOF
chmod +x "$tmp/bin/apt-cache"
cat >"$tmp/bin/apt-get" <<'EOF'
#!/bin/sh
echo "fake apt-get $*" >>"$APT_LOG"
case "$*" in *download*) exit 1 ;; esac
EOF
chmod +x "$tmp/bin/apt-get"
export APT_LOG=$tmp/apt.log
: >"$APT_LOG"
fk() { PATH=$tmp/bin:$PATH "$fetch" "$@"; }
expect_eq "aliases: every series and flavour the mirror has for arm64" \
	"$(fk --list-aliases | paste -sd ' ')" "6.1 6.1-rt 7.2 7.2-16k 7.2-cloud 7.2-rt"
expect_eq "\"all\" is the generic flavour of every series" \
	"$(fk --list-series | paste -sd ' ')" "6.1 7.2"
fk --list-kernels >"$tmp/lk"
expect_match "--list-kernels: alias, release, exact version" "$(cat "$tmp/lk")" \
	'^7\.2-16k +7\.2\.13\+deb14-arm64-16k +7\.2\.13-2 +not cached$'
expect_match "  the newest ABI of a series" "$(cat "$tmp/lk")" \
	'^6\.1 +6\.1\.0-57-arm64 +6\.1\.192-3 '
# A download that fails shows what it resolved to.
fk 7.2-rt >/dev/null 2>"$tmp/err"
expect_match "7.2-rt resolves to the rt flavour's packages" "$(cat "$tmp/err")" \
	'downloading linux-binary-unsigned-7\.2\.13\+deb14-rt-arm64 linux-modules-7\.2\.13\+deb14-rt-arm64 linux-base'
expect_match "  by apt-get download, at the candidate version" "$(cat "$APT_LOG")" \
	'download linux-binary-unsigned-7\.2\.13\+deb14-rt-arm64:arm64=7\.2\.13-2 '
: >"$APT_LOG"
fk 7.2=7.2.13-1 >/dev/null 2>"$tmp/err"
expect_match "a pin downloads exactly that version, modules and base too" "$(cat "$APT_LOG")" \
	'arm64:arm64=7\.2\.13-1 linux-modules-7\.2\.13\+deb14-arm64:arm64=7\.2\.13-1 linux-base-7\.2\.13\+deb14-arm64:arm64=7\.2\.13-1$'
fk 7.2=7.2.9-9 >/dev/null 2>"$tmp/err"
rc_match "a version apt does not know is a usage error naming it" "$?" 2 "$(cat "$tmp/err")" 'no arm64 kernel 7\.2=7\.2\.9-9'
fk 7.2-bogus >/dev/null 2>"$tmp/err"
expect_eq "an unknown flavour is a usage error" "$?" 2

# --offline: the cache only.
mkdir -p "$S2CONFORM_CACHE/kernels/7.2.13+deb14-arm64_7.2.13-1" \
	"$S2CONFORM_CACHE/kernels/7.2.13+deb14-arm64_7.2.13-2"
for v in 1 2; do
	d=$S2CONFORM_CACHE/kernels/7.2.13+deb14-arm64_7.2.13-$v
	echo 7.2.13+deb14-arm64 >"$d/release"
	touch "$d/.done"
done
: >"$APT_LOG"
expect_eq "offline: the newest cached version of the alias" \
	"$(S2_OFFLINE=1 fk 7.2 2>/dev/null)" "$S2CONFORM_CACHE/kernels/7.2.13+deb14-arm64_7.2.13-2"
expect_eq "offline: a pin picks that cached version" \
	"$(S2_OFFLINE=1 fk 7.2=7.2.13-1 2>/dev/null)" "$S2CONFORM_CACHE/kernels/7.2.13+deb14-arm64_7.2.13-1"
S2_OFFLINE=1 fk 7.2-rt >/dev/null 2>"$tmp/err"
rc_match "offline: a kernel the cache lacks fails (exit 3) and says what it has" "$?" 3 "$(cat "$tmp/err")" 'offline: no cached kernel for 7\.2-rt \(cached: 7\.2=7\.2\.13-1 7\.2=7\.2\.13-2'
expect_eq "offline: aliases from the cache" "$(S2_OFFLINE=1 fk --list-aliases)" 7.2
expect_eq "offline: apt-get was never called" "$(cat "$APT_LOG")" ""
S2_OFFLINE=1 bash -c ". '$top/vm/lib.sh'; apt_fetch '$tmp/x' busybox-static:arm64=1" 2>"$tmp/err"
rc_match "offline: any download (busybox, headers) fails naming what is missing" \
	"$?" 3 "$(cat "$tmp/err")" 'offline \(--offline\): busybox-static:arm64=1 is not in the cache'


# --- run_tests.sh: the config check before boot ----------------------------
use_vm_stub
rt() {
	"$top/run_tests.sh" --vm --no-build "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
S2_STUB_CONFIG=$tmp/novc.config rt --kernel 7.2
rc_match "no VIRTIO_CONSOLE: exit 3 before boot, naming it" "$rc" 3 "$(cat "$tmp/err")" '\[7\.2\] error: the kernel.s config lacks CONFIG_VIRTIO_CONSOLE'
expect_eq "  the kernel was never booted" "$(ls "$tmp/results/latest/7.2/boot0" 2>/dev/null)" ""
expect_match "  its column has an ERROR record naming the option" \
	"$(cat "$tmp/results/latest/7.2/records.tsv")" $'^7\\.2\tboot\tkernel-config\tERROR\t.*CONFIG_VIRTIO_CONSOLE'
expect_match "  and kernel.info a boot_status" "$(cat "$tmp/results/latest/7.2/kernel.info")" \
	'^boot_status=error: the kernel.s config lacks CONFIG_VIRTIO_CONSOLE'
S2_STUB_CONFIG=$tmp/nogz.config rt --kernel 7.2
rc_match "no RD_GZIP: the same" "$rc" 3 "$(cat "$tmp/err")" 'lacks CONFIG_RD_GZIP'
S2_STUB_CONFIG=$tmp/topics.config rt --kernel 7.2
rc_match "topic options missing: the run goes on (no exit 3), saying which" \
	"$((rc <= 1))" 1 "$(cat "$tmp/err")" 'lacks CONFIG_ARM64_MTE CONFIG_KSM: the cases needing them skip'
expect_match "  and the guest gets the list as /s2conform/config-missing" \
	"$(cat "$tmp/results/latest/7.2/boot0/initramfs.txt")" '^extra=.*config-missing-7\.2:/s2conform/config-missing( |$)'
rt --kernel 7.2=7.2.0-9
expect_match "a pinned kernel's column is its alias, kernel.info has its packages" \
	"$(cat "$tmp/results/latest/7.2/kernel.info")" \
	'^pkg\.linux-binary-unsigned-7\.2\.0\+stub-arm64=7\.2\.0-9$'

# --- README: the required options are generated -----------------------------
"$top/configs/readme_options.sh" --check >"$tmp/out" 2>&1
expect_eq "README's required-option list is configs/s2conform.config's" \
	"$?:$(cat "$tmp/out")" "0:"

done_testing
