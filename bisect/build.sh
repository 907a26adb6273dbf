#!/bin/bash
# build.sh - build an arm64 kernel tree the way the suite boots it.
#
# Usage: bisect/build.sh [--src DIR] --build-dir DIR [--page-size 4k|16k|64k]
#                        [--modules | --builtin] [--base FILE]
#                        [--config FILE]... [-j N] [-v]
#
# Configures DIR (O=) as alldefconfig + configs/bisect-base.config (or
# --base) + configs/s2conform.config (+ a page-size fragment, + every --config, merged
# last) and builds Image, System.map and Module.symvers there, so the build
# directory is what `run_tests.sh --kernel DIR` and fixture/build.sh take.
#   --builtin (default)  CONFIG_MODULES=y but every =m of the fragments is
#                        =y: no module to install, the fixture still loads
#   --modules            the fragments' =m stay modules (make modules too)
# bisect/oracle.sh builds each bisect step with it. ccache keeps objects
# between builds (CCACHE_DIR, default the s2conform cache's ccache/).
# Run heavy builds under the machine's build lock, e.g.
#   flock /tmp/s2-kbuild.lock nice -n 10 bisect/build.sh ...
# Exit: 0 built, 1 configuration or build failed (the tree's fault), 2 bad
# usage, 3 missing tools.
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cache=${S2CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/s2conform}
deps=${S2CONFORM_BISECT_DEPS:-$here/deps.sh}
ARCH=arm64
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
export ARCH CROSS_COMPILE

blog() { echo "build: $*" >&2; }
bdie() { blog "error: $*"; exit "${2:-1}"; }

busage() {
	cat >&2 <<'EOF'
usage: build.sh [--src DIR] --build-dir DIR [--page-size 4k|16k|64k]
                [--modules | --builtin] [--base FILE] [--config FILE]...
                [-j N] [-v]
EOF
	exit 2
}

b_src=$PWD
b_out=
b_page=4k
b_mods=0
b_extra=()
b_base=$top/configs/bisect-base.config
b_jobs=$(nproc 2>/dev/null || echo 2)
b_verbose=0

while [ $# -gt 0 ]; do
	if [[ $1 == --*=* ]]; then
		set -- "${1%%=*}" "${1#*=}" "${@:2}"
	fi
	case $1 in
	--src | --build-dir | --page-size | --config | --base | -j)
		[ $# -ge 2 ] || { blog "option $1 needs an argument"; busage; } ;;
	esac
	case $1 in
	--src) b_src=$2; shift ;;
	--build-dir) b_out=$2; shift ;;
	--page-size) b_page=$2; shift ;;
	--config) b_extra+=("$2"); shift ;;
	--base) b_base=$2; shift ;;
	--modules) b_mods=1 ;;
	--builtin) b_mods=0 ;;
	-j) b_jobs=$2; shift ;;
	-j[0-9]*) b_jobs=${1#-j} ;;
	-v) b_verbose=1 ;;
	-h | --help) busage ;;
	*) blog "unknown option '$1'"; busage ;;
	esac
	shift
done
[ -n "$b_out" ] || { blog "--build-dir is required"; busage; }
case $b_page in
4k | 4K) b_page=4K ;;
16k | 16K) b_page=16K ;;
64k | 64K) b_page=64K ;;
*) blog "--page-size: 4k, 16k or 64k, not '$b_page'"; busage ;;
esac
[[ $b_jobs =~ ^[1-9][0-9]*$ ]] || { blog "-j: '$b_jobs' is not a number"; busage; }
b_src=$(cd "$b_src" 2>/dev/null && pwd) || bdie "no directory $b_src" 2
grep -qs '^PATCHLEVEL = ' "$b_src/Makefile" || bdie "$b_src is not a kernel tree" 2
[ -x "$b_src/scripts/kconfig/merge_config.sh" ] ||
	bdie "$b_src has no scripts/kconfig/merge_config.sh" 2
for f in "$b_base" "${b_extra[@]}"; do
	[ -f "$f" ] || bdie "no config fragment $f" 2
done
"$deps" >&2 || bdie "bisect/deps.sh could not install the build tools" 3
mkdir -p "$b_out" || bdie "cannot create $b_out" 3
b_out=$(cd "$b_out" && pwd)
b_log=$b_out/s2conform-build.log
: >"$b_log"

bq() {
	if [ $b_verbose -eq 1 ]; then
		"$@" 2>&1 | tee -a "$b_log" >&2
	else
		"$@" >>"$b_log" 2>&1
	fi
}

ccache_count() {
	local v
	v=$(ccache --print-stats 2>/dev/null | awk -v k="$1" '$1 == k { print $2 }')
	echo "${v:-0}"
}
ccache_hits() {
	echo $(($(ccache_count direct_cache_hit) + $(ccache_count preprocessed_cache_hit)))
}

# The fragments, as merged: a page-size one, and with --builtin every =m
# turned =y (MODULES stays on so that the fixture module can load).
frag=$b_out/s2conform-fragments
mkdir -p "$frag"
{
	for p in 4K 16K 64K; do
		if [ $p = "$b_page" ]; then
			echo "CONFIG_ARM64_${p}_PAGES=y"
		else
			echo "# CONFIG_ARM64_${p}_PAGES is not set"
		fi
	done
	echo "CONFIG_MODULES=y"
	echo "CONFIG_MODULE_UNLOAD=y"
} >"$frag/zz-build.config"
n=0
for f in "$b_base" "$top/configs/s2conform.config" \
	"$frag/zz-build.config" "${b_extra[@]}"; do
	n=$((n + 1))
	if [ $b_mods -eq 0 ]; then
		sed 's/^\(CONFIG_[A-Za-z0-9_]*\)=m$/\1=y/' "$f"
	else
		cat "$f"
	fi >"$frag/$n-${f##*/}"
done

export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
export KBUILD_BUILD_USER=s2conform KBUILD_BUILD_HOST=s2conform
t0=$SECONDS
what=$(sed -n 's/^\(VERSION\|PATCHLEVEL\|SUBLEVEL\) = //p' "$b_src/Makefile" | paste -sd .)
blog "[$what] configuring: alldefconfig + ${b_base##*/} + s2conform.config${b_extra[*]:+ + ${b_extra[*]##*/}};" \
	"$b_page pages, $([ $b_mods -eq 1 ] && echo modules || echo built-in), in ${b_out/#$HOME/\~}"
# Kconfig options a commit does not know are dropped with a warning (in
# the log); the ones the VM cannot do without are checked below.
mapfile -t frags < <(printf '%s\n' "$frag"/[0-9]*-* | sort -V)
(cd "$b_src" && bq scripts/kconfig/merge_config.sh -O "$b_out" "${frags[@]}") || {
	tail -n 20 "$b_log" >&2
	bdie "[$what] configuration failed"
}
# Built in means no module at all: options that default to m (with
# MODULES on) become y too.
if [ $b_mods -eq 0 ] && grep -q '=m$' "$b_out/.config"; then
	sed -i 's/=m$/=y/' "$b_out/.config"
	(cd "$b_src" && bq make O="$b_out" olddefconfig) ||
		bdie "[$what] make olddefconfig failed (log: $b_log)"
fi
missing=$("$top/configs/check_config.sh" --required "$b_out/.config")
[ -z "$missing" ] || bdie "[$what] $missing not set after the merge (the VM needs them)"
targets=(Image)
[ $b_mods -eq 0 ] || targets+=(modules)
command -v ccache >/dev/null || bdie "no ccache" 3
miss0=$(ccache_count cache_miss)
hit0=$(ccache_hits)
blog "[$what] building ${targets[*]} (-j$b_jobs, ccache)"
bq make -C "$b_src" O="$b_out" -j"$b_jobs" \
	CC="ccache ${CROSS_COMPILE}gcc" HOSTCC="ccache gcc" "${targets[@]}" || {
	grep -E 'error|Error' "$b_log" | tail -n 15 >&2
	bdie "[$what] build failed after $((SECONDS - t0))s (log: $b_log)"
}
# Module.symvers comes from modpost, which `make Image` alone does not run.
[ -f "$b_out/Module.symvers" ] ||
	bq make -C "$b_src" O="$b_out" -j"$b_jobs" \
		CC="ccache ${CROSS_COMPILE}gcc" HOSTCC="ccache gcc" modules ||
	bdie "[$what] make modules (for Module.symvers) failed (log: $b_log)"
[ -f "$b_out/arch/arm64/boot/Image" ] || bdie "[$what] no arch/arm64/boot/Image"
miss=$(ccache_count cache_miss)
hit=$(ccache_hits)
blog "[$what] built $(cat "$b_out/include/config/kernel.release") in" \
	"$((SECONDS - t0))s (ccache: $((hit - hit0)) hits, $((miss - miss0)) misses)"
echo "$b_out"
