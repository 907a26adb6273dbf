#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wall_bench.sh - how long the whole suite takes here: one run of
# run_tests.sh per -j value, printed as "# metric" lines (numbers, not a
# verdict). Kernels must be in the cache or fetchable; tests already built
# (make) unless --build is given.
#
#   runner/wall_bench.sh [--kernel 6.1,6.12,7.2] [-j 1,2] [--build]
#                        [--runs N]
#
# Per run: the command's wall time, the host CPU time its processes used,
# and each column's boot, test and wall seconds from results.json. The
# host's load before each run is printed too: a busy host is slower, and
# the numbers say so rather than hide it.
set -u -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernels=6.1,6.12,7.2 jobs_list='' build=--no-build runs=1

usage() {
	sed -n 's/^#   //p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || usage; kernels=$2; shift ;;
	-j) [ $# -ge 2 ] || usage; jobs_list=$2; shift ;;
	--runs) [ $# -ge 2 ] || usage; runs=$2; shift ;;
	--build) build= ;;
	-h | --help) usage ;;
	*) echo "wall_bench.sh: bad argument '$1'" >&2; usage ;;
	esac
	shift
done
cores=$(nproc 2>/dev/null || echo 1)
jobs_list=${jobs_list:-1,$cores}
[[ $jobs_list =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] ||
	{ echo "wall_bench.sh: -j wants a comma list of counts" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] ||
	{ echo "wall_bench.sh: --runs wants a count" >&2; exit 2; }

tmp=$(mktemp -d) || exit 3
trap 'rm -rf "$tmp"' EXIT

# columns JSON: one metric line per column.
columns() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["columns"]:
    print("# metric suite.column_seconds jobs=%s column=%s boot=%s "
          "tests=%s wall=%s status=%s unit=s" %
          (sys.argv[2], c["column"], c.get("boot_seconds"),
           c.get("test_seconds"), c.get("wall_seconds"),
           c.get("boot_status")))
EOF
}

echo "# s2conform wall benchmark: --kernel $kernels, -j $jobs_list," \
     "$cores host cores, $runs run(s) each"
rc=0
for ((run = 1; run <= runs; run++)); do
	for j in ${jobs_list//,/ }; do
		load=$(cut -d' ' -f1 /proc/loadavg)
		TIMEFORMAT='%R %U %S'
		{ time "$top/run_tests.sh" $build --kernel "$kernels" \
			-j "$j" --json "$tmp/r.json" >"$tmp/out" 2>&1; } \
			2>"$tmp/time"
		st=$?
		read -r wall user sys <"$tmp/time" 2>/dev/null ||
			{ wall='?' user='?' sys='?'; }
		echo "# metric suite.wall_seconds=$wall jobs=$j run=$run" \
		     "host_load=$load cpu_user=$user cpu_sys=$sys" \
		     "exit=$st unit=s"
		[ -f "$tmp/r.json" ] && columns "$tmp/r.json" "$j"
		if [ "$st" -ne 0 ]; then
			tail -n 5 "$tmp/out" | sed 's/^/#   | /'
			rc=3
		fi
		rm -f "$tmp/r.json"
	done
done
exit $rc
