#!/bin/sh
# report.sh - summaries, the case x kernel matrix, results.json, matrix.md.
#
# Usage: runner/report.sh [--summary] [--matrix] [--json FILE]
#                         [--markdown FILE] KDIR...
#
# Each KDIR is one kernel's results directory as run_tests.sh leaves it:
#   records.tsv  tap_parse.awk + splat.awk records (see tap_parse.awk)
#   splats.txt   kernel splat excerpts from splat.awk (optional)
#   kernel.info  alias=, release=, started=, boot_seconds=, wall_seconds=
#                (optional)
# With neither --summary nor --matrix both are printed; the matrix only
# when there is more than one kernel.  --markdown writes the matrix as
# Markdown (markdown.awk), for any number of kernels.  Exit 1 if any record is a FAIL,
# 2 on bad usage, so this can re-judge an old results directory too.

here=$(dirname "$0")

usage() {
	echo "usage: $0 [--summary] [--matrix] [--json FILE] [--markdown FILE] KDIR..." >&2
	exit 2
}

info_get() {
	sed -n "s/^$2=//p" "$1/kernel.info" 2>/dev/null | head -n 1
}

# "(6.12.57+deb13-arm64, boot 31s, wall 250s)", or nothing if unknown.
# The release is left out where it is the label already (direct mode).
info_line() {
	rel=$(info_get "$1" release)
	[ "$rel" != "$(info_get "$1" alias)" ] || rel=
	boot=$(info_get "$1" boot_seconds)
	wall=$(info_get "$1" wall_seconds)
	s=$rel
	[ -n "$boot" ] && s="${s:+$s, }boot ${boot}s"
	[ -n "$wall" ] && s="${s:+$s, }wall ${wall}s"
	[ -n "$s" ] && echo "($s)"
}

summary() {
	label=$(info_get "$1" column)
	[ -n "$label" ] || label=$(info_get "$1" alias)
	[ -n "$label" ] || label=$(basename "$1")
	awk -v label="$label" -v info="$(info_line "$1")" \
		-f "$here/lib.awk" -f "$here/summary.awk" "$1/records.tsv"
	rc=$?
	if [ -s "$1/splats.txt" ]; then
		sed 's/^/    /' "$1/splats.txt"
	fi
	return $rc
}

# Functions have their own "$@": rewrite it into the file arguments.
matrix() {
	for d in "$@"; do set -- "$@" "$d/records.tsv"; shift; done
	awk -f "$here/lib.awk" -f "$here/matrix.awk" "$@"
}

# info_and_records AWK_SCRIPT OUT KDIR...: AWK_SCRIPT over each KDIR's
# kernel.info (when there is one) and records.tsv, in order, into OUT.
info_and_records() {
	script=$1 out=$2
	shift 2
	for d in "$@"; do
		[ -f "$d/kernel.info" ] && set -- "$@" "$d/kernel.info"
		set -- "$@" "$d/records.tsv"
		shift
	done
	LC_ALL=C awk -f "$here/$script" "$@" >"$out"
}

do_summary=0
do_matrix=0
json=
markdown=
while [ $# -gt 0 ]; do
	case $1 in
	--summary) do_summary=1 ;;
	--matrix) do_matrix=1 ;;
	--json) [ $# -ge 2 ] || usage; json=$2; shift ;;
	--markdown) [ $# -ge 2 ] || usage; markdown=$2; shift ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || usage
if [ $do_summary -eq 0 ] && [ $do_matrix -eq 0 ]; then
	do_summary=1
	do_matrix=1
fi
for d in "$@"; do
	[ -f "$d/records.tsv" ] || { echo "report.sh: no $d/records.tsv" >&2; exit 2; }
done

failed=0
for d in "$@"; do
	if [ $do_summary -eq 1 ]; then
		summary "$d" || failed=1
	elif cut -f4 "$d/records.tsv" | grep -qx FAIL; then
		failed=1
	fi
done

if [ $do_matrix -eq 1 ] && [ $# -gt 1 ]; then
	echo
	matrix "$@"
fi

if [ -n "$json" ]; then
	info_and_records json.awk "$json" "$@" ||
		{ echo "report.sh: cannot write $json" >&2; exit 2; }
fi
if [ -n "$markdown" ]; then
	info_and_records markdown.awk "$markdown" "$@" ||
		{ echo "report.sh: cannot write $markdown" >&2; exit 2; }
fi
exit $failed
