#!/bin/sh
# run_kselftest.sh - run an installed s2conform kselftest collection.
#
# `make install INSTALL_PATH=DIR` puts this at DIR/run_kselftest.sh, beside
# kselftest-list.txt and the collection directory DIR/s2conform/ (test
# binaries and a settings file).  It takes the options of the kernel's
# tools/testing/selftests/run_kselftest.sh and prints the same TAP (one
# "ok N selftests: s2conform: NAME" line per binary, the binary's own TAP
# nested behind "# "), so tuxrun / LKFT jobs that run an installed
# kselftest tree run this one unchanged.  The work is done by
# DIR/kselftest/run_direct.sh, the same runner run_tests.sh uses.
#
# POSIX sh: arm64 targets may only have busybox.

BASE_DIR=$(cd "$(dirname "$0")" && pwd -P)
LIST=$BASE_DIR/kselftest-list.txt
RUNNER=$BASE_DIR/kselftest/run_direct.sh

usage() {
	cat <<EOF
Usage: $0 [OPTIONS]
  -s | --summary		Print summary with detailed log in output.log (conflict with -p)
  -p | --per-test-log [DIR]	Print test log in /tmp or DIR with each test name (conflict with -s)
  -t | --test COLLECTION:TEST	Run TEST from COLLECTION
  -S | --skip COLLECTION:TEST	Skip TEST from COLLECTION
  -c | --collection COLLECTION	Run all tests from COLLECTION
  -l | --list			List the available collection:test entries
  -d | --dry-run		Don't actually run any tests
  -f | --no-error-on-fail	Don't exit with an error just because tests failed
  -n | --netns			Run each test in namespace (not needed here: ignored)
  -h | --help			Show this usage info
  -o | --override-timeout	Number of seconds after which we timeout
EOF
	exit "$1"
}

err() { echo "$0: $*" >&2; }

if [ -r "$LIST" ]; then
	available=$(grep -v '^#' "$LIST" | grep .)
else
	err "Could not find list of tests to run ($LIST)"
	available=
fi

logfile=
per_test_dir=
tests=
skip=
collections=
dryrun=0
error_on_fail=1
override=
while [ $# -gt 0 ]; do
	case $1 in
	-s | --summary) logfile=$BASE_DIR/output.log ;;
	-p | --per-test-log)
		per_test_dir=/tmp
		if [ -n "${2:-}" ] && [ "${2#-}" = "$2" ]; then
			per_test_dir=$2
			shift
		fi ;;
	-t | --test) [ $# -ge 2 ] || usage 1; tests="$tests $2"; shift ;;
	-S | --skip) [ $# -ge 2 ] || usage 1; skip="$skip $2"; shift ;;
	-c | --collection) [ $# -ge 2 ] || usage 1
		collections="$collections $2"; shift ;;
	-l | --list) [ -z "$available" ] || echo "$available"; exit 0 ;;
	-d | --dry-run) dryrun=1 ;;
	-f | --no-error-on-fail) error_on_fail=0 ;;
	-n | --netns) err "--netns: s2conform needs no network namespace; ignored" ;;
	-o | --override-timeout) [ $# -ge 2 ] || usage 1; override=$2; shift ;;
	-h | --help) usage 0 ;;
	*) usage 1 ;;
	esac
	shift
done
if [ -n "$logfile" ] && [ -n "$per_test_dir" ]; then
	err "-s and -p cannot be used together"
	exit 1
fi

for c in $collections; do
	found=$(echo "$available" | grep "^$c:")
	[ -n "$found" ] || { err "No such collection '$c'"; exit 1; }
	tests="$tests $found"
done
if [ -n "$tests" ]; then
	sel=
	for t in $tests; do
		echo "$available" | grep -qx "$t" || { err "No such test '$t'"; exit 1; }
		sel="$sel $t"
	done
	# shellcheck disable=SC2086 # a list of words
	available=$(printf '%s\n' $sel)
fi
for t in $skip; do
	available=$(echo "$available" | grep -vx "$t")
done

# This runner knows one collection; a merged tree has the kernel's own
# run_kselftest.sh for the others.
names=
for t in $available; do
	case $t in
	s2conform:*) names="$names ${t#s2conform:}" ;;
	*) err "collection of '$t' is not s2conform: run it with the kernel's run_kselftest.sh"
	   exit 1 ;;
	esac
done

# The collection's settings (timeout=SECS), unless -o; kselftest's default
# is 45 seconds.
timeout=45
if [ -r "$BASE_DIR/s2conform/settings" ]; then
	t=$(sed -n 's/^timeout=\([0-9]*\).*/\1/p' "$BASE_DIR/s2conform/settings" | tail -n 1)
	[ -z "$t" ] || timeout=$t
fi
[ -z "$override" ] || timeout=$override
case $timeout in
'' | *[!0-9]*) err "bad timeout '$timeout'"; exit 1 ;;
esac

if [ "$dryrun" -eq 1 ]; then
	for n in $names; do
		echo "$RUNNER -t $timeout $BASE_DIR/s2conform $n"
	done
	exit 0
fi
[ -x "$RUNNER" ] || { err "missing $RUNNER"; exit 1; }
[ -w /dev/kmsg ] && echo "kselftest: Running tests in s2conform" >>/dev/kmsg

# run_direct.sh has the binaries run from their own directory, as runner.sh
# does; its exit code comes back through a file, past the pipe.
rcfile=$(mktemp "${TMPDIR:-/tmp}/s2conform-rc.XXXXXX") || exit 1
trap 'rm -f "$rcfile"' EXIT
run() {
	# shellcheck disable=SC2086 # names is a list of words
	{ "$RUNNER" -t "$timeout" "$BASE_DIR/s2conform" $names; echo $? >"$rcfile"; }
}
if [ -n "$logfile" ]; then
	# The summary: headers, results and totals here, all in output.log.
	run | tee "$logfile" | grep -E '^(# selftests: |# Totals: |[^#])'
elif [ -n "$per_test_dir" ]; then
	mkdir -p "$per_test_dir" || exit 1
	# Each binary's nested output also goes to DIR/NAME.
	run | awk -v dir="$per_test_dir" '
		/^# selftests: s2conform: / {
			if (f != "") close(f)
			f = dir "/" substr($0, 25)
			printf "" > f
		}
		/^(not )?ok [0-9]+ selftests: / { print; if (f != "") close(f); f = ""; next }
		{ print; if (f != "") print > f }'
else
	run
fi
rc=$(cat "$rcfile")
[ "$error_on_fail" -eq 0 ] && exit 0
# 1 is KSFT_FAIL; 2 would be run_direct.sh refusing its arguments.
case $rc in
0) exit 0 ;;
*) exit 1 ;;
esac
