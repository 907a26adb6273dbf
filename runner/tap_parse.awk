# tap_parse.awk - flatten run_direct.sh's nested TAP into result records.
#
# Usage: awk -v kernel=COLUMN [-v plan=FILE] [-v binaries=FILE]
#            -f runner/tap_parse.awk tap.txt
#
# One tab-separated record per line (the result contract, docs/results.md):
#   column  binary  case  STATUS  observed  expected  reason  duration_ms
#   column  binary  name  METRIC  value     unit      -       -
# STATUS is PASS, FAIL, XFAIL, SKIP, ERROR (the suite could not test) or
# MISS (a case that was due and never reported).
#
# Case lines are `ok N case # observed=X expected=Y (reason)`,
# `ok N case # SKIP reason` or `not ok N case # ERROR cause`, nested behind
# "# " in the runner's output; the C harness follows each with a nested
# "# duration_ms=N" line, folded into column 8 ("-" without one).  A binary
# that stopped in a way its cases do not show (a crash, a timeout, a short
# plan, an exit code without a failing case) gets one ERROR record named
# after the binary.  `plan` lists the cases due, "binary:case" a line as
# --list prints them: each one not reported is MISS, including every case of
# a binary that never ran.  Runner-level problems (no TAP at all, output cut
# short) are ERROR records of binary "s2conform".  `binaries` receives one
# line per binary: column  binary  STATUS  seconds  planned  reported.
# POSIX awk only: this also runs under busybox awk and mawk.

BEGIN {
	OFS = "\t"
	if (kernel == "")
		kernel = "-"
	bin = ""
	top_plan = -1
	nbins = 0
	seen_tap = 0
	pend = ""
	sig[129] = "SIGHUP"; sig[130] = "SIGINT"; sig[132] = "SIGILL"
	sig[133] = "SIGTRAP"; sig[134] = "SIGABRT"; sig[135] = "SIGBUS"
	sig[136] = "SIGFPE"; sig[137] = "SIGKILL"; sig[139] = "SIGSEGV"
	sig[143] = "SIGTERM"
	nplan_bins = 0
	if (plan != "")
		load_plan()
}

# due[b] = number of due cases of binary b, due_case[b, i] their names.
function load_plan(    line, i, b) {
	while ((getline line < plan) > 0) {
		i = index(line, ":")
		if (i < 2)
			continue
		b = substr(line, 1, i - 1)
		if (!(b in due)) {
			due[b] = 0
			plan_bin[++nplan_bins] = b
		}
		due_case[b, ++due[b]] = substr(line, i + 1)
	}
	close(plan)
}

function clean(s) {
	gsub(/\t/, " ", s)
	return s
}

# The case record waits for its "# duration_ms=N" line.
function flush(ms) {
	if (pend == "")
		return
	print pend, (ms == "" ? "-" : ms)
	pend = ""
}

function emit(b, c, verdict, o, e, reason) {
	flush("")
	print kernel, clean(b), clean(c), verdict, clean(o), clean(e), \
	      clean(reason), "-"
}

function begin_binary(name) {
	if (bin != "")
		end_binary(0, "no result line for this binary")
	bin = name
	ncases = 0
	nbad = 0
	plan_n = -1
	skip_reason = ""
	last_out = ""
	secs = "-"
	split("", reported)
}

# "SKIP reason", "ERROR cause", "observed=X expected=Y (reason)" or free
# text, after an optional kselftest "XFAIL" (a known defect the case
# names).  Sets the globals obs, expd and why; returns SKIP, ERROR, XFAIL
# or "" (ok decides).
function parse_directive(d,    rest, i) {
	obs = expd = why = ""
	if (d ~ /^XFAIL([ \t]|$)/) {
		parse_directive(substr(d, 7))
		return "XFAIL"
	}
	if (d ~ /^[Ss][Kk][Ii][Pp]([ \t]|$)/ || d ~ /^ERROR([ \t]|$)/) {
		why = substr(d, 6)
		sub(/^[ \t:-]+/, "", why)
		return d ~ /^E/ ? "ERROR" : "SKIP"
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
	reported[name] = 1
	v = parse_directive(d)
	if (v == "")
		v = ok ? "PASS" : "FAIL"
	# TAP: "not ok ... # TODO" is an expected failure, not a failure.
	if (!ok && d ~ /^[Tt][Oo][Dd][Oo]/)
		v = "PASS"
	if (v == "FAIL" || v == "ERROR")
		nbad++
	flush("")
	pend = kernel OFS clean(bin) OFS clean(name) OFS v OFS clean(obs) \
	       OFS clean(expd) OFS clean(why)
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
	emit(bin, name, "METRIC", value, unit, "-")
}

# One line of a binary's own output, with the runner's "# " removed.
function inner(l) {
	if (l ~ /^# duration_ms=[0-9]+$/) {
		flush(substr(l, 15))
		return
	}
	flush("")
	if (l ~ /^(not )?ok [0-9]+/)
		case_line(l)
	else if (l ~ /^1\.\.[0-9]+/) {
		plan_n = l
		sub(/^1\.\./, "", plan_n)
		sub(/[^0-9].*/, "", plan_n)
		plan_n += 0
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

# Every due case of binary b that did not report: MISS (or SKIP with the
# binary's own skip reason, when the whole binary skipped).
function miss_cases(b, status, why,    i, c) {
	if (!(b in due))
		return
	for (i = 1; i <= due[b]; i++) {
		c = due_case[b, i]
		if (b == bin && (c in reported))
			continue
		emit(b, c, status, "", "", why)
	}
	done_bin[b] = 1
}

# The runner's own result line for the binary, or `missing` text when the
# output stopped before it.
function end_binary(have_line, missing,    ok, d, i, verdict, reason, rc,
		    planned) {
	flush("")
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
	if (d ~ /^TIMEOUT/)
		reason = "timed out after " substr(d, 9)
	planned = (bin in due) ? due[bin] : plan_n
	if (verdict == "SKIP") {
		miss_cases(bin, "SKIP", reason)
		if (ncases == 0 && !(bin in due))
			emit(bin, bin, "SKIP", "", "", reason)
	} else {
		# The cases tell the story only when the binary ended the way
		# they say: all reported, and exit 0, or exit 1 for a failure.
		if (plan_n >= 0 && ncases < plan_n) {
			reason = (reason == "" ? "" : reason "; ") "reported " \
				 ncases " of " plan_n " planned cases"
			verdict = "ERROR"
		} else if (!have_line || rc > 1 || d ~ /^(TIMEOUT|missing)/ ||
			   (rc == 1 && nbad == 0) || ncases == 0 && !ok)
			verdict = "ERROR"
		if (verdict == "ERROR" && last_out != "")
			reason = reason "; last output: " substr(last_out, 1, 160)
		if (verdict == "ERROR" || ncases == 0)
			emit(bin, bin, verdict, "", "", reason)
		miss_cases(bin, "MISS", bin " " \
			   (verdict == "ERROR" ? "stopped before it (see its ERROR)" : \
			    "did not report it"))
		if (verdict == "PASS" && nbad > 0)
			verdict = "FAIL"
	}
	bin_status[bin] = verdict
	bin_planned[bin] = planned < 0 ? "-" : planned
	bin_reported[bin] = ncases
	bin_order[++nbins] = bin
	cur_end = bin
	bin = ""
}

{ sub(/\r$/, "") }

# run_tests.sh, between two boots of one kernel: the guest stopped while
# the open binary ran; the next boot runs the binaries after it.
/^# s2conform: rebooted: / {
	if (bin != "")
		end_binary(0, substr($0, 24))
	next
}

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

# run_direct.sh: "# s2conform: NAME took Ns" after the result line.
/^# s2conform: [^ ]+ took [0-9]+s$/ {
	split($0, f, " ")
	sub(/s$/, "", f[5])
	bin_secs[f[3]] = f[5]
	next
}

/^TAP version/ { seen_tap = 1 }

/^1\.\.[0-9]+/ && top_plan < 0 {
	top_plan = substr($0, 4) + 0
}

function write_binaries(    i, b) {
	for (i = 1; i <= nbins; i++) {
		b = bin_order[i]
		print kernel, b, bin_status[b], \
		      ((b in bin_secs) ? bin_secs[b] : "-"), bin_planned[b], \
		      bin_reported[b] > binaries
	}
	for (i = 1; i <= nplan_bins; i++) {
		b = plan_bin[i]
		if (!(b in bin_status))
			print kernel, b, "MISS", "-", due[b], 0 > binaries
	}
}

END {
	if (bin != "")
		end_binary(0, "no result: output ended while it ran" \
			   " (guest crash or watchdog?)")
	flush("")
	why = ""
	if (!seen_tap)
		why = "no TAP output from the runner"
	else if (top_plan >= 0 && nbins < top_plan)
		why = "planned " top_plan " binaries, " nbins " reported"
	if (why != "")
		emit("s2conform", "runner", "ERROR", "", "", why)
	for (i = 1; i <= nplan_bins; i++)
		if (!(plan_bin[i] in done_bin) && !(plan_bin[i] in bin_status))
			miss_cases(plan_bin[i], "MISS", \
				   plan_bin[i] " never ran" \
				   (why == "" ? "" : " (" why ")"))
	if (binaries != "")
		write_binaries()
}
