#!/bin/sh
# report.sh - summaries, the case x column matrix, results.json, matrix.md,
# JUnit XML, baselines and diffs: runner/report.py does it all (Python 3
# standard library); this name stays for the callers and the habit.
# See runner/report.py --help and docs/results.md.
command -v python3 >/dev/null 2>&1 ||
	{ echo "report.sh: python3 is needed for the reports" >&2; exit 2; }
exec python3 "$(dirname "$0")/report.py" "$@"
