# shellcheck shell=bash
# kernel_image.sh - sourced by run_tests.sh and bisect/oracle.sh: is this
# an arm64 kernel QEMU can boot?  Checked before anything slow, so that an
# empty or foreign file is a usage error, not a boot that never ends.

# kernel_image_problem PATH: PATH (an Image, a directory holding one, a
# build tree, a modules_install tree, a .deb)
# as vm/fetch_kernel.sh takes it; prints what is wrong with it, or nothing.
# Accepted: the arm64 Image header (magic "ARM\x64" at 0x38), a gzip of
# one, or an EFI zboot image ("MZ" then "zimg"), as Debian ships them.
kernel_image_problem() {
	local img=$1 magic

	# A build tree, a modules_install tree and a .deb: vm/fetch_kernel.sh
	# finds the Image in them (and says what is wrong).
	case $img in
	*.deb) [ -s "$img" ] || echo "'$img' is empty or unreadable"; return 0 ;;
	esac
	if [ -d "$img" ] && [ -f "$img/arch/arm64/boot/Image" ]; then
		img=$img/arch/arm64/boot/Image
	elif [ -d "$img" ] && compgen -G "$img/lib/modules/*/" >/dev/null; then
		return 0
	elif [ -d "$img" ]; then
		img=$img/Image
	fi
	if [ ! -e "$img" ]; then
		echo "no kernel image at '$img'"
	elif [ ! -s "$img" ] || [ ! -r "$img" ]; then
		echo "'$img' is empty or unreadable"
	elif [ "$(od -An -tx1 -N2 "$img" | tr -d ' ')" = 1f8b ]; then
		magic=$(gzip -dc "$img" 2>/dev/null | head -c 64 |
			od -An -tx1 -j 56 -N 4 | tr -d ' ')
		[ "$magic" = 41524d64 ] ||
			echo "'$img' is gzip, but not of an arm64 Image"
	elif [ "$(od -An -c -j 4 -N 4 "$img" 2>/dev/null | tr -d ' ')" = zimg ]; then
		return 0
	elif [ "$(od -An -tx1 -j 56 -N 4 "$img" 2>/dev/null | tr -d ' ')" != 41524d64 ]; then
		echo "'$img' is not an arm64 kernel Image (no ARMd magic at 0x38)"
	fi
}
