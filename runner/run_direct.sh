#!/bin/sh
# run_direct.sh - run s2conform test binaries kselftest-style, print TAP 13.
#
# This is both the in-guest runner and the direct mode on arm64 hardware, so
# every CI run in the VM exercises what a user on real hardware runs.  It is
# POSIX sh because the guest only has busybox ash.
#
# Output follows kselftest's runner.sh, so LKFT-style parsers work: a header
# line per binary ("# selftests: s2conform: NAME"), the binary's own TAP
# nested behind "# ", then one "ok N selftests: s2conform: NAME" / "not ok"
# line per binary (exit 0 ok, 4 SKIP, 124 TIMEOUT, else exit=RC), and the
# "# Totals:" line.  The installed collection's run_kselftest.sh runs this.
#
# Start/end markers go to /dev/kmsg (or $S2_KMSG) so that a kernel splat in
# the console log can be attributed to the binary that was running.
#
# Usage: run_direct.sh [-t SECS] [-f GLOB] [-l] [-v] TESTDIR [NAME[:GLOBS]...]

usage() {
	cat >&2 <<'EOF'
usage: run_direct.sh [-t SECS] [-f GLOB] [-l] [-v] TESTDIR [NAME[:GLOBS]...]
  NAME     run only these binaries of TESTDIR, in this order (default: every
           executable in it); NAME:GLOBS only its cases matching one of the
           comma-separated GLOBS (a test group, configs/test-groups.conf)
  -t SECS  per-binary time limit, at least (default 120): a binary gets
           the larger of this and its plan's budget (BINARY --budget: the
           per-case timeouts of its due cases) plus PLAN_SLACK seconds
  -f GLOB  run only cases matching GLOB (shell glob on case names; a comma
           list matches any of its globs), or BINARY_GLOB:CASE_GLOB as -l
           prints them
  -l       list binary:case for every (matching) case, run nothing
  -v       print per-binary exit code and duration on stderr
EOF
	exit 2
}

warn() { printf 's2conform: %s\n' "$*" >&2; }

timeout_secs=120
# Start-up, facts and forks around the cases: on top of the cases' budget.
PLAN_SLACK=60
filter=
list=0
verbose=0
while getopts t:f:lvh opt; do
	case $opt in
	t) timeout_secs=$OPTARG ;;
	f) filter=$OPTARG ;;
	l) list=1 ;;
	v) verbose=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
case $timeout_secs in
'' | *[!0-9]*) warn "bad timeout '$timeout_secs'"; usage ;;
esac
[ "$timeout_secs" -gt 0 ] || usage
# BINARY:CASE (the form -l prints) filters binaries too.
bin_filter='*'
case $filter in
*:*) bin_filter=${filter%%:*} filter=${filter#*:} ;;
esac
# Run from the test directory, as kselftest does: binaries may look for
# their sibling files.
cd "$1" 2>/dev/null || { warn "no such directory: $1"; exit 2; }
testdir=$(pwd)
shift

kmsg=${S2_KMSG:-/dev/kmsg}
[ -w "$kmsg" ] || kmsg=

# coreutils and busybox >= 1.33 both take -k; older busybox does not.
timeout_kind=none
if command -v timeout >/dev/null 2>&1; then
	timeout_kind=plain
	if timeout -k 1 5 true 2>/dev/null; then
		timeout_kind=grace
	fi
else
	warn "no timeout(1): binaries run without a time limit"
fi

run_timed() {
	case $timeout_kind in
	grace) timeout -k 10 "$limit" "$@" ;;
	plain) timeout "$limit" "$@" ;;
	*) "$@" ;;
	esac
}

# bin_limit BINARY [ARGS...]: its time limit, from its plan. Each case
# has its own timeout inside the binary, so a binary slow because the
# kernel is slow still ends every case: its limit is the sum of its due
# cases' timeouts plus slack, and only a hang or a crash outlives it.
# A binary that cannot tell gets -t: only one whose usage names --budget
# is asked, so a stand-in script is never run an extra time.
bin_limit() {
	b=
	if grep -q -e '--budget' "$1" 2>/dev/null; then
		b=$("$@" --budget </dev/null 2>/dev/null) || b=
	fi
	case $b in
	'' | *[!0-9]*) echo "$timeout_secs" ;;
	*) b=$((b + PLAN_SLACK))
	   [ "$b" -gt "$timeout_secs" ] || b=$timeout_secs
	   echo "$b" ;;
	esac
}

# fd 4 is the real stdout; run_one() captures the exit code on fd 3.
exec 4>&1

mark() {
	[ -n "$kmsg" ] && printf 's2conform: %s\n' "$*" >>"$kmsg"
	return 0
}

# Pass the binary's TAP on behind "# "; after each of its case lines, a
# "result CASE" marker tells splat.awk that the next splat is the next
# case's. One awk, line-buffered: a shell read loop takes a syscall per
# byte, which under TCG cost a third of a vCPU while the tests ran. mawk
# (Debian's awk) reads a pipe in blocks unless told otherwise: a line
# held back there is lost when a hung guest is ended.
awk_lines=
case $(awk -W version 2>/dev/null </dev/null) in
*mawk*) awk_lines="-W interactive" ;;
esac
prefix() {
	# shellcheck disable=SC2086 # one option and its value, or nothing
	awk $awk_lines -v kmsg="$kmsg" '{
		print "# " $0
		fflush()
		if (kmsg == "" || $0 !~ /^(not )?ok [0-9]/)
			next
		c = $0
		sub(/^(not )?ok /, "", c)
		sub(/^[^ ]* /, "", c)
		sub(/ # .*/, "", c)
		print "s2conform: result " c >>kmsg
		fflush(kmsg)
	}'
}

# in_globs NAME LIST: NAME matches one of the comma-separated globs in
# LIST; an empty LIST matches everything.
in_globs() {
	[ -n "$2" ] || return 0
	rest=$2
	while :; do
		g=${rest%%,*}
		# shellcheck disable=SC2254 # a glob on purpose
		case $1 in $g) return 0 ;; esac
		[ "$rest" != "$g" ] || return 1
		rest=${rest#*,}
	done
}

# entry PATH[:GLOBS]: sets bin and globs (the binary's own case globs).
entry() {
	bin=$1 globs=
	case $1 in
	*:*) bin=${1%:*} globs=${1##*:} ;;
	esac
}

# case_names: the cases of $bin, from the list the build made beside it
# (BIN.cases: an x86 host cannot run an arm64 binary to ask), else from its
# own --list. The one case lister: run_tests.sh's plan calls -l too.
case_names() {
	if [ -f "$bin.cases" ]; then
		cat "$bin.cases"
	else
		"$bin" --list </dev/null
	fi
}

# Does binary $1 (entry() output in bin, globs) have a selected case?  A
# binary whose --list fails is kept, so that its failure is reported
# rather than hidden.
selected() {
	# shellcheck disable=SC2254 # a glob on purpose
	case ${bin##*/} in $bin_filter) ;; *) return 1 ;; esac
	[ -n "$filter$globs" ] || return 0
	cases=$(case_names 2>/dev/null) || return 0
	printf '%s\n' "$cases" | {
		while IFS= read -r c; do
			in_globs "$c" "$filter" && in_globs "$c" "$globs" && exit 0
		done
		exit 1
	}
}

list_cases() {
	name=${bin##*/}
	cases=$(case_names 2>/dev/null) || {
		warn "$name: no case list (no $name.cases, and $name --list failed)"
		return 1
	}
	printf '%s\n' "$cases" | while IFS= read -r c; do
		if in_globs "$c" "$filter" && in_globs "$c" "$globs"; then
			printf '%s:%s\n' "$name" "$c"
		fi
	done
}

# Busybox timeout execs the program and kills it from a watchdog child, so a
# timeout shows as death by SIGTERM (or SIGKILL after -k), not as 124.  Only
# count those as a timeout if the time really ran out, so that a binary
# killed by something else (the OOM killer) is not mistaken for one.
timed_out() {
	rc=$1 secs=$2
	[ "$rc" -eq 124 ] && return 0
	[ "$rc" -eq 143 ] || [ "$rc" -eq 137 ] || return 1
	[ "$secs" -ge "$limit" ]
}

run_one() {
	n=$1 name=${2##*/}
	shift
	# A binary takes one --filter (a comma list of globs): with both the
	# binary's own globs and -f, the cases matching both, by name.
	if [ -n "$globs" ] && [ -n "$filter" ]; then
		set -- "$@" --filter "$(list_cases | sed 's/^[^:]*://' | tr '\n' , | sed 's/,$//')"
	elif [ -n "$globs$filter" ]; then
		set -- "$@" --filter "$globs$filter"
	fi
	limit=$(bin_limit "$@")
	echo "# selftests: s2conform: $name"
	mark "start $name"
	start=$(date +%s)
	# No pipefail in POSIX sh: the exit code travels out on fd 3.  The
	# shell's own "Terminated"/"Segmentation fault" goes to /dev/null:
	# the result line says it better.
	rc=$( { { run_timed "$@" </dev/null 2>&1 3>&- 4>&-
		echo $? >&3; } 2>/dev/null | prefix >&4; } 3>&1)
	secs=$(($(date +%s) - start))
	timed_out "$rc" "$secs" && rc=124
	mark "end $name rc=$rc"
	[ "$verbose" -eq 1 ] && warn "$name: rc=$rc in ${secs}s (limit ${limit}s)"
	result_line "$n" "$name" "$rc"
	st=$?
	echo "# s2conform: $name took ${secs}s"
	return $st
}

result_line() {
	n=$1 name=$2 rc=$3
	case $rc in
	0) echo "ok $n selftests: s2conform: $name"
	   npass=$((npass + 1)) ;;
	4) echo "ok $n selftests: s2conform: $name # SKIP"
	   nskip=$((nskip + 1)) ;;
	124) echo "not ok $n selftests: s2conform: $name # TIMEOUT $limit seconds"
	     nfail=$((nfail + 1))
	     return 1 ;;
	*) echo "not ok $n selftests: s2conform: $name # exit=$rc"
	   nfail=$((nfail + 1))
	   return 1 ;;
	esac
}

# Select first: the plan line needs the count.  "$@" holds the selection:
# the named binaries, else every executable.  A named binary that is not
# there stays in, to be reported as failed.
if [ $# -eq 0 ]; then
	for bin in "$testdir"/*; do
		set -- "$@" "$bin"
	done
	named=0
else
	named=1
fi
for e; do
	shift
	case $e in /*) ;; *) e=$testdir/$e ;; esac
	entry "$e"
	if [ "$named" -eq 1 ] && [ ! -x "$bin" ]; then
		set -- "$@" "$e"
	elif [ -f "$bin" ] && [ -x "$bin" ] && selected; then
		set -- "$@" "$e"
	fi
done

failed=0
if [ "$list" -eq 1 ]; then
	for e in "$@"; do
		entry "$e"
		list_cases || failed=1
	done
	exit $failed
fi

# FWB and TLBIRANGE are kernel facts only the boot log states; test noise
# can wrap the log buffer before the last binary runs, so keep those lines
# and the boot banner, which tells the binaries the copy is whole.
boot_log=${TMPDIR:-/tmp}/s2conform-boot.$$
if [ -z "${S2_BOOT_LOG:-}" ] &&
   dmesg 2>/dev/null | grep -e 'Booting Linux on physical CPU' \
	-e 'CPU features: detected:' \
	-e 'mode initialized successfully' >"$boot_log"; then
	export S2_BOOT_LOG="$boot_log"
	trap 'rm -f "$boot_log"' EXIT
else
	rm -f "$boot_log"
fi

echo "TAP version 13"
echo "1..$#"
[ $# -gt 0 ] || echo "# no test binaries${filter:+ with cases matching $filter} in $testdir"
n=0 npass=0 nfail=0 nskip=0
for e in "$@"; do
	n=$((n + 1))
	entry "$e"
	if [ ! -x "$bin" ]; then
		echo "# selftests: s2conform: ${bin##*/}"
		echo "# Warning: file ${bin##*/} is missing!"
		echo "not ok $n selftests: s2conform: ${bin##*/} # missing"
		nfail=$((nfail + 1))
		failed=1
		continue
	fi
	run_one "$n" "$bin" || failed=1
done
echo "# Totals: pass:$npass fail:$nfail xfail:0 xpass:0 skip:$nskip error:0"
exit $failed
