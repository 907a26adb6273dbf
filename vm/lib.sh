# shellcheck shell=bash disable=SC2034 # variables are for the callers
# lib.sh - helpers shared by the host-side vm/ scripts (sourced by bash).
#
# Everything downloaded lives in one cache outside the repo so a fresh clone
# or `git clean` never costs a re-download.

S2_CACHE=${S2CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/s2conform}
S2_VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

log() { printf 's2conform: %s\n' "$*" >&2; }

# Exit codes: 2 = bad usage or argument, 3 = infrastructure failure.
die() { log "error: $*"; exit 3; }
usage_die() { log "$*"; exit 2; }

# Paths removed on exit, however the script ends.
S2_CLEANUP=()
s2_cleanup() {
	local p
	stop_progress
	for p in "${S2_CLEANUP[@]}"; do
		rm -rf -- "$p"
	done
}
trap s2_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# s2_mktemp [DIR]: a fresh directory (in DIR, default $TMPDIR), removed on exit.
# Sets S2_TMP rather than printing it: a $(...) subshell would lose the
# cleanup registration.
s2_mktemp() {
	local base=${1:-${TMPDIR:-/tmp}}

	mkdir -p "$base" || die "cannot create $base"
	S2_TMP=$(mktemp -d "$base/.s2conform.XXXXXX") ||
		die "cannot create a temporary directory in $base"
	S2_CLEANUP+=("$S2_TMP")
}

# apt-cache with a private, persistent binary cache. Docker-style images set
# Dir::Cache::pkgcache "" so every lookup rebuilds it (~2.5 s); ours takes
# ~50 ms and apt rebuilds it by itself whenever the lists change.
apt_cache() {
	mkdir -p "$S2_CACHE/apt"
	apt-cache -o Dir::Cache::pkgcache="$S2_CACHE/apt/pkgcache.bin" \
		-o Dir::Cache::srcpkgcache="$S2_CACHE/apt/srcpkgcache.bin" "$@"
}

# apt_candidate PKG:ARCH: the version apt would download, or nothing.
apt_candidate() {
	apt_cache policy "$1" 2>/dev/null |
		sed -n 's/^ *Candidate: //p' | grep -vx '(none)' || true
}

# apt_update: refresh the lists, at most once per run (they may be stale or
# missing on a new machine). Returns non-zero if apt-get update failed.
S2_APT_UPDATED=
apt_update() {
	if [ "${S2_OFFLINE:-0}" != 0 ]; then
		log "offline (--offline): not refreshing the apt lists"
		return 1
	fi
	[ -z "$S2_APT_UPDATED" ] || return 0
	S2_APT_UPDATED=1
	log "refreshing apt lists (apt-get update)"
	apt-get -o Acquire::Check-Valid-Until=false update -qq >&2
}

# progress DIR WHAT [TOTAL_BYTES]: while a slow step fills DIR, log its size
# every 10 s ("WHAT: 120 of 480 MiB"), so a download or a chroot of
# hundreds of MiB does not look hung; stop_progress ends it.
S2_PROGRESS=
progress() {
	local dir=$1 what=$2 total=${3:-} n
	stop_progress
	(
		while sleep 10; do
			n=$(du -sm "$dir" 2>/dev/null | cut -f1)
			log "$what: ${n:-0}${total:+ of $(((total + 1048575) / 1048576))} MiB"
		done
	) &
	S2_PROGRESS=$!
}
stop_progress() {
	[ -z "$S2_PROGRESS" ] || kill "$S2_PROGRESS" 2>/dev/null
	S2_PROGRESS=
}

# apt_size PKG:ARCH=VERSION...: their download size in bytes, as apt knows it.
apt_size() {
	local p
	for p; do
		apt_cache show "$p" 2>/dev/null | sed -n 's/^Size: //p' | head -n 1
	done | awk '{ n += $1 } END { print n + 0 }'
}

# apt_fetch ROOT PKG:ARCH=VERSION...: download the packages and unpack them
# all into ROOT. Sets S2_FETCHED_BYTES.
apt_fetch() {
	local root=$1 dl deb total
	shift
	[ "${S2_OFFLINE:-0}" = 0 ] ||
		die "offline (--offline): $* is not in the cache ($S2_CACHE)"

	# apt downloads as the _apt user: give it a directory it can reach
	# (the cache may be under a private home directory).
	dl=$(mktemp -d "${TMPDIR:-/tmp}/s2conform-dl.XXXXXX") ||
		die "cannot create a download directory"
	S2_CLEANUP+=("$dl")
	chmod 755 "$dl"
	if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then
		chown _apt "$dl"
	fi
	mkdir -p "$root" || die "cannot create $root"
	total=$(apt_size "$@")
	log "downloading $# packages, $(((total + 1048575) / 1048576)) MiB"
	progress "$dl" "downloaded" "$total"
	(cd "$dl" && apt-get -o Acquire::Check-Valid-Until=false -qq \
		download "$@" >&2) || die "apt-get download $* failed"
	stop_progress
	for deb in "$dl"/*.deb; do
		[ -f "$deb" ] || die "apt-get download $* produced no .deb"
		dpkg-deb -x "$deb" "$root" || die "cannot unpack $deb"
	done
	S2_FETCHED_BYTES=$(du -cb "$dl"/*.deb | tail -n 1 | cut -f 1)
	rm -rf "$dl"
}

# kconfig CONFIG_FILE SYMBOL: prints y, m, or n (unset / no config).
kconfig() {
	local v=

	[ -f "$1" ] && v=$(sed -n "s/^CONFIG_$2=//p" "$1")
	echo "${v:-n}"
}

# nap PID: a second's sleep, cut short when PID ends: a poll loop over a
# child then sees its end within 0.1 s, not up to a second later (twice
# per column: boot.sh over QEMU, the runner over boot.sh).
nap() {
	local i

	for ((i = 0; i < 10; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
}

# now: seconds since the epoch, with fractions. since T0: seconds elapsed.
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# tap_transport CONFIG: the virtio transport for the TAP console, "pci" or
# "mmio". boot.sh and mkinitramfs.sh must agree, hence one function. A
# built-in transport wins (no module to load before /dev/hvc0 exists: 6.12
# and 7.2 have VIRTIO_PCI=y); else virtio-mmio, which sits outside the
# PCI bus and the SMMU (6.1 has both =m). Unknown config: mmio, as upstream
# defconfig builds it in.
tap_transport() {
	local pci mmio

	pci=$(kconfig "$1" VIRTIO_PCI)
	mmio=$(kconfig "$1" VIRTIO_MMIO)
	if [ "$pci" = y ] && [ "$mmio" != y ]; then
		echo pci
	elif [ "$mmio" = n ] && [ "$pci" = m ]; then
		echo pci
	else
		echo mmio
	fi
}
