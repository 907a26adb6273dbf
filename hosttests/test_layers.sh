#!/bin/bash
# test_layers.sh - the layers of the C code, checked against the includes.
#
# Every project file belongs to one layer (the table below, first match
# wins) and may include only files of its own layer or lower ones; the
# model (layer 0) includes nothing but itself and libc, and no include
# runs in a circle. docs/architecture.md draws the same table.
#
# Usage: hosttests/test_layers.sh [--edges]   (--edges: print the graph)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

# layer  pattern (bash glob on the path)
layers() {
	cat <<'TABLE'
0 include/model/*
0 lib/model/*
1 include/verdict.h
1 lib/verdict.c
2 include/kvm_ioctl.h
2 include/uapi_compat.h
2 lib/kvm_ioctl.c
2 include/kernel_facts.h
2 lib/facts.c
2 include/guest.h
2 fixture/s2fixture.h
2 include/kprobe_count.h
2 lib/kprobe_count.c
2 include/stall_trace.h
2 lib/stall_trace.c
3 include/vm.h
3 include/s2_watch.h
3 lib/s2_watch.c
3 include/vcpu_workers.h
3 include/arm64/processor.h
3 include/arm64/vcpu_reinit.h
3 include/arm64/nested.h
3 lib/vm.c
3 lib/vcpu.c
3 lib/stats.c
3 lib/vcpu_workers.c
3 lib/arm64/processor.c
3 lib/arm64/vcpu_reinit.c
3 lib/arm64/nested.c
4 include/backing.h
4 include/host_mem.h
4 include/host_numa.h
4 include/page_view.h
4 lib/backing/*
4 lib/host_mem.c
4 lib/host_numa.c
4 lib/page_view.c
5 include/probe_table.h
5 lib/arm64/guest/*
6 include/probe.h
6 include/arm64/mte.h
6 lib/probe.c
6 lib/arm64/mte_vm.c
7 include/expect_backing.h
7 include/slot.h
7 lib/expect_backing.c
7 lib/slot.c
8 include/test.h
8 include/suite.h
8 lib/test.c
8 lib/suite.c
9 arm64/*
TABLE
}

layer_of() {
	local l p
	while read -r l p; do
		# shellcheck disable=SC2053
		[[ $1 == $p ]] && { echo "$l"; return; }
	done < <(layers)
	echo "?"
}

# Resolve a quoted include as the compiler does: the file's own folder,
# then the Makefile's -I folders (the model's are its own).
resolve() {
	local dir=$1 inc=$2 d path="include include/arm64"
	case $dir in lib/model | include/model) path=include/model ;; esac
	for d in "$dir" $path; do
		if [ -f "$d/$inc" ]; then
			realpath -m --relative-to=. "$d/$inc"
			return
		fi
	done
	echo "?$inc"
}

# from  to  (one line per direct project include)
edges() {
	local f inc
	for f in $(git ls-files 'lib/*.[chS]' 'include/*.h' 'arm64/*.c' \
			'fixture/s2fixture.h'); do
		sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" |
			while read -r inc; do
				echo "$f $(resolve "$(dirname "$f")" "$inc")"
			done
	done
}

if [ "${1:-}" = --edges ]; then
	edges
	exit 0
fi

n=0
fails=0
check() {	# check OK DESCRIPTION [DETAIL...]
	local ok=$1 what=$2
	shift 2
	n=$((n + 1))
	if [ "$ok" = 0 ]; then
		echo "ok $n $what"
	else
		echo "not ok $n $what"
		printf '# %s\n' "$@"
		fails=$((fails + 1))
	fi
}

echo "TAP version 13"
echo "1..7"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
edges >"$tmp/edges"

unknown=()
for f in $(git ls-files 'lib/*.[chS]' 'include/*.h' 'arm64/*.c'); do
	[ "$(layer_of "$f")" = "?" ] && unknown+=("$f has no layer")
done
check "${#unknown[@]}" "every C file has a layer" "${unknown[@]}"

bad=()
while read -r from to; do
	case $to in
	"?"*) bad+=("$from: cannot resolve ${to#?}"); continue ;;
	esac
	lf=$(layer_of "$from") lt=$(layer_of "$to")
	[ "$lf" = "?" ] || [ "$lt" = "?" ] && continue
	if [ "$lf" = 0 ] && [ "$lt" != 0 ]; then
		bad+=("$from (model) includes $to (layer $lt)")
	elif [ "$lt" -gt "$lf" ]; then
		bad+=("$from (layer $lf) includes $to (layer $lt)")
	fi
done <"$tmp/edges"
check "${#bad[@]}" "no include runs up a layer" "${bad[@]}"

# The model is pure: libc only, no kernel, I/O or thread interface.
io='linux/|asm/|sys/|fcntl\.h|unistd\.h|pthread\.h|numa'
impure=$(grep -HnE "^#include <($io)" lib/model/* include/model/* || true)
check "$([ -z "$impure" ]; echo $?)" "the model includes only libc" "$impure"

# tsort fails on a loop; self-edges (none exist) would not count.
loop=$(awk '$1 != $2' "$tmp/edges" | tsort 2>&1 >/dev/null || true)
check "$([ -z "$loop" ]; echo $?)" "no include circle" "$loop"

# The unit list is the model folder: make unit builds with it alone.
mk=$(make -s -n unit O="$tmp/o" 2>/dev/null | grep -- '-Iinclude/model' |
	grep -v -- '-Iinclude ' || true)
check "$([ -n "$mk" ]; echo $?)" "make unit builds with -Iinclude/model only" \
	"no unit build line with -Iinclude/model alone"

# "layer N" in a C comment is a second table that drifts from this one.
named=$(git grep -nE '[Ll]ayer [0-9]' -- 'lib/*.[chS]' 'include/*.h' \
	'arm64/*.c' 'fixture/*.[ch]' || true)
check "$([ -z "$named" ]; echo $?)" "no C file names its layer number" \
	"$named" "(the table in hosttests/test_layers.sh is the one place)"

# doc_layers FILE: "LAYER NAME" for each header a doc places in a layer:
# architecture.md's diagram (a number starts a layer's lines) and
# writing-tests.md's table (| `name.h` | N |).
doc_layers() {
	awk '
	/^```/ { code = !code; next }
	code && match($0, /^ *[0-9]+  /) { l = $1 }
	code && l != "" { emit(l, $0) }
	!code && /^\| .* \| [0-9]+ \|/ {
		split($0, c, "|"); n = c[3]; gsub(/ /, "", n); emit(n, c[2])
	}
	function emit(l, s,   t) {
		while (match(s, /[A-Za-z0-9_*\/]+\.h/)) {
			print l, substr(s, RSTART, RLENGTH)
			s = substr(s, RSTART + RLENGTH)
		}
	}' "$1"
}

drift=()
for doc in docs/architecture.md docs/writing-tests.md; do
	while read -r l h; do
		p=
		for d in include include/arm64 include/model .; do
			# model/*.h is a glob: any match will do
			[ -n "$(compgen -G "$d/$h")" ] || continue
			p=${d#.}/$h p=${p#/}
			break
		done
		[ -z "$p" ] && { drift+=("$doc: no header $h"); continue; }
		lt=$(layer_of "$p")
		[ "$lt" = "$l" ] || drift+=("$doc: $h at layer $l, the table says $lt")
	done < <(doc_layers "$doc")
done
check "${#drift[@]}" "the docs' layers are the table's" "${drift[@]}"

exit $((fails > 0))
