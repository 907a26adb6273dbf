#!/bin/sh
# check_names.sh - every backing kind a test names must exist, at build
# time: a misspelt kind in KINDS(), .kind or backing_find() would
# otherwise give a SKIP "not built in" or, worse, silently no cases.
#
# Usage: scripts/check_names.sh STAMP TEST.c...
# The registry is the .name of every struct backing_ops in lib/backing/.
# Exit 1 naming file:line and the unknown kind; touches STAMP when clean.
set -eu

stamp=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
known=$(sed -n 's/^[[:space:]]*\.name = "\([a-z0-9_]*\)",.*/\1/p' \
	"$top"/lib/backing/*.c | sort -u)
[ -n "$known" ] || { echo "check_names.sh: no backing names in lib/backing" >&2; exit 1; }

# Every "kind" string: KINDS("a", "b"), .kind = "a", backing_find("a").
bad=$(awk -v known="$(echo $known)" '
	BEGIN { n = split(known, k, " "); for (i = 1; i <= n; i++) ok[k[i]] = 1 }
	function names(part,    name) {
		while (match(part, /"[^"]*"/)) {
			name = substr(part, RSTART + 1, RLENGTH - 2)
			part = substr(part, RSTART + RLENGTH)
			if (!(name in ok))
				printf "%s:%d: unknown backing kind \"%s\"\n", FILENAME, FNR, name
		}
	}
	FNR == 1 { open = 0 }
	# A KINDS( list may go on over several lines, up to its ")".
	open { names($0); if (index($0, ")")) open = 0; next }
	{
		line = $0
		if (match(line, /KINDS\([^)]*$/)) {
			names(substr(line, RSTART))
			open = 1
			next
		}
		while (match(line, /(KINDS\([^)]*\)|\.kind = "[^"]*"|backing_find\("[^"]*"\))/)) {
			# names() matches too: take the span first.
			part = substr(line, RSTART, RLENGTH)
			line = substr(line, RSTART + RLENGTH)
			names(part)
		}
	}' "$@")
if [ -n "$bad" ]; then
	echo "$bad" >&2
	echo "check_names.sh: known kinds: $(echo $known)" >&2
	exit 1
fi
touch "$stamp"
