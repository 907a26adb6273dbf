# tap_parse.awk - flatten run_direct.sh's nested TAP into result records.
#
# Usage: awk -v kernel=LABEL -f runner/tap_parse.awk tap.txt
#
# One tab-separated record per line, for runner/report.sh:
#   kernel  binary  case  PASS|FAIL|SKIP  observed  expected  reason
#   kernel  binary  name  METRIC          value     unit      -
#
# Case lines are `ok N case # observed=X expected=Y (reason)` or
# `ok N case # SKIP reason`, nested behind "# " in the runner's output.  A
# binary that failed without saying which case (a crash, a timeout, a plan
# it did not finish) gets one more FAIL record named after the binary, so
# that no failure is lost on the way to the summary.  Runner-level problems
# (no TAP at all, output cut short) are FAIL records of binary "s2conform".
# POSIX awk only: this also runs under busybox awk and mawk.

BEGIN {
	OFS = "\t"
	if (kernel == "")
		kernel = "-"
	bin = ""
	top_plan = -1
	nbins = 0
	seen_tap = 0
	sig[129] = "SIGHUP"; sig[130] = "SIGINT"; sig[132] = "SIGILL"
	sig[133] = "SIGTRAP"; sig[134] = "SIGABRT"; sig[135] = "SIGBUS"
	sig[136] = "SIGFPE"; sig[137] = "SIGKILL"; sig[139] = "SIGSEGV"
	sig[143] = "SIGTERM"
}

function clean(s) {
	gsub(/\t/, " ", s)
	return s
}

function emit(b, c, verdict, o, e, reason) {
	print kernel, clean(b), clean(c), verdict, clean(o), clean(e), \
	      clean(reason)
}

function begin_binary(name) {
	if (bin != "")
		end_binary(0, "no result line for this binary")
	bin = name
	ncases = 0
	nfail = 0
	plan = -1
	skip_reason = ""
	last_out = ""
}

# "SKIP reason", "observed=X expected=Y (reason)" or free text, after an
# optional kselftest "XFAIL" (a known defect the case names).  Sets the
# globals obs, expd and why; returns SKIP, XFAIL or "" (ok decides).
function parse_directive(d,    rest, i) {
	obs = expd = why = ""
	if (d ~ /^XFAIL([ \t]|$)/) {
		parse_directive(substr(d, 7))
		return "XFAIL"
	}
	if (d ~ /^[Ss][Kk][Ii][Pp]([ \t]|$)/) {
		why = substr(d, 5)
		sub(/^[ \t:-]+/, "", why)
		return "SKIP"
	}
	if (d !~ /^observed=/) {
		why = d
		return ""
	}
	rest = substr(d, 10)
	i = index(rest, " expected=")
	if (i == 0) {
		obs = rest
		return ""
	}
	obs = substr(rest, 1, i - 1)
	expd = substr(rest, i + 10)
	i = index(expd, " (")
	if (i > 0 && expd ~ /\)$/) {
		why = substr(expd, i + 2, length(expd) - i - 2)
		expd = substr(expd, 1, i - 1)
	}
	return ""
}

function case_line(l,    ok, rest, name, d, i, v) {
	ok = (l !~ /^not /)
	rest = l
	sub(/^(not )?ok [0-9]+ ?/, "", rest)
	name = rest
	d = ""
	i = index(rest, " # ")
	if (i > 0) {
		name = substr(rest, 1, i - 1)
		d = substr(rest, i + 3)
	} else if (rest ~ /^# /) {
		name = ""
		d = substr(rest, 3)
	}
	ncases++
	if (name == "")
		name = "#" ncases
	v = parse_directive(d)
	if (v == "")
		v = ok ? "PASS" : "FAIL"
	# TAP: "not ok ... # TODO" is an expected failure, not a failure.
	if (!ok && d ~ /^[Tt][Oo][Dd][Oo]/)
		v = "PASS"
	if (v == "FAIL")
		nfail++
	emit(bin, name, v, obs, expd, why)
}

# "# metric NAME=VALUE unit=U"
function metric_line(l,    n, f, i, name, value, unit) {
	n = split(substr(l, 10), f, " ")
	i = index(f[1], "=")
	if (i == 0)
		return
	name = substr(f[1], 1, i - 1)
	value = substr(f[1], i + 1)
	unit = ""
	for (i = 2; i <= n; i++)
		if (f[i] ~ /^unit=/)
			unit = substr(f[i], 6)
	print kernel, clean(bin), clean(name), "METRIC", clean(value), \
	      clean(unit), "-"
}

# One line of a binary's own output, with the runner's "# " removed.
function inner(l) {
	if (l ~ /^(not )?ok [0-9]+/)
		case_line(l)
	else if (l ~ /^1\.\.[0-9]+/) {
		plan = l
		sub(/^1\.\./, "", plan)
		sub(/[^0-9].*/, "", plan)
		plan += 0
		if (l ~ /# *[Ss][Kk][Ii][Pp]/) {
			skip_reason = l
			sub(/^[^#]*# *[Ss][Kk][Ii][Pp][ :-]*/, "", skip_reason)
		}
	} else if (l ~ /^# metric /)
		metric_line(l)
	else if (l !~ /^TAP version/ && l !~ /^# Totals:/ && l !~ /^#? *$/) {
		last_out = l
		sub(/^# /, "", last_out)
	}
}

function exit_reason(d,    rc) {
	if (d !~ /^exit=/)
		return d
	rc = substr(d, 6) + 0
	return (rc in sig) ? d " (" sig[rc] ")" : d
}

# The runner's own result line for the binary, or `missing` text when the
# output stopped before it.
function end_binary(have_line, missing,    ok, d, i, verdict, reason, rc) {
	ok = 0
	d = ""
	if (have_line) {
		ok = ($0 !~ /^not /)
		i = index($0, " # ")
		if (i > 0)
			d = substr($0, i + 3)
	}
	verdict = ok ? "PASS" : "FAIL"
	reason = have_line ? exit_reason(d) : missing
	rc = (d ~ /^exit=/) ? substr(d, 6) + 0 : -1
	if (d ~ /^[Ss][Kk][Ii][Pp]/) {
		verdict = "SKIP"
		reason = skip_reason
	}
	if (plan >= 0 && ncases != plan && verdict != "SKIP") {
		if (reason == "")
			reason = "reported " ncases " of " plan " planned cases"
		else
			reason = reason " after " ncases " of " plan " cases"
		verdict = "FAIL"
	}
	if (verdict == "FAIL" && last_out != "")
		reason = reason "; last output: " substr(last_out, 1, 160)
	# Case lines already tell the story unless the binary failed in a
	# way they do not show: a crash, a timeout, a short plan, exit 1 with
	# no failing case.
	if (ncases == 0 || (verdict == "FAIL" && (nfail == 0 || rc != 1)))
		emit(bin, bin, verdict, "", "", reason)
	bin = ""
	nbins++
}

{ sub(/\r$/, "") }

bin != "" && /^#( |$)/ {
	inner(substr($0, 3))
	next
}

/^# selftests: s2conform: / {
	begin_binary(substr($0, 25))
	next
}

/^(not )?ok [0-9]+ (selftests: )?s2conform: / {
	if (bin != "")
		end_binary(1, "")
	next
}

/^TAP version/ { seen_tap = 1 }

/^1\.\.[0-9]+/ && top_plan < 0 {
	top_plan = substr($0, 4) + 0
}

END {
	if (bin != "")
		end_binary(0, "no result: output ended while it ran" \
			   " (guest crash or watchdog?)")
	if (!seen_tap)
		emit("s2conform", "runner", "FAIL", "", "", \
		     "no TAP output from the runner")
	else if (top_plan >= 0 && nbins < top_plan)
		emit("s2conform", "runner", "FAIL", "", "", \
		     "planned " top_plan " binaries, " nbins " reported")
}
