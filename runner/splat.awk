# splat.awk - judge every kernel splat in a console log on its own, and
# fold the verdicts into the case records.
#
# Usage: awk -v kernel=COLUMN -v records=FILE [-v excerpts=FILE]
#            [-v release=R -v kvm_mode=M -v defects=F]
#            -f runner/splat.awk console.log
#
# `records` is tap_parse.awk's output for the same run; it is printed
# again, with the splat verdicts folded in, followed by records for the
# splats no case owns.  run_direct.sh writes markers to /dev/kmsg:
# "s2conform: start NAME" before each binary, "s2conform: result CASE"
# after each case line it passes on, "s2conform: end NAME rc=N" after.
# Cases run one after the other and a case's line comes after all of its
# work, so a splat after the k-th result marker of NAME belongs to NAME's
# (k+1)-th case; after its last case, or before any marker, to the binary
# (case "NAME/kernel-splat") or to "s2conform" (case "kernel-splat").
#
# Each Oops/WARN/BUG/KASAN/lockdep report is matched alone against
# `defects` (configs/known-defects.conf): release glob, KVM mode glob
# (kvm_mode: the mode the kernel ran in), binary name, function in the
# report (WARNING line or call trace), reason.  A case
# whose splats are all known defects is XFAIL (unless it failed anyway);
# one unknown splat makes it FAIL, whatever came before.  A kernel panic
# is an ERROR of whatever was running: the suite could not go on.
# Each splat is copied, at most 20 lines, to `excerpts`.

function glob_re(g) {
	gsub(/[.+^$(){}|\[\]\\]/, "\\\\&", g)
	gsub(/\*/, ".*", g)
	gsub(/\?/, ".", g)
	return "^" g "$"
}

function load_defects(    line, f, n) {
	n = 0
	while ((getline line < defects) > 0) {
		n++
		if (line ~ /^#/ || line ~ /^[ \t]*$/)
			continue
		if (split(line, f, "\t") < 5 || f[3] !~ /^[A-Za-z0-9_.-]+$/ ||
		    f[4] !~ /^[A-Za-z_][A-Za-z0-9_.]*$/) {
			printf "%s:%d: ignored: want release glob, mode glob, " \
			       "binary name, function, reason\n", defects, n \
			       > "/dev/stderr"
			continue
		}
		nd++
		d_rel[nd] = glob_re(f[1])
		d_mode[nd] = glob_re(f[2])
		d_bin[nd] = f[3]
		d_fn[nd] = f[4]
		d_why[nd] = f[5]
	}
	close(defects)
}

# The known defect splat s is, or 0: its function must be in the report.
function defect(b, s,    i, re) {
	for (i = 1; i <= nd; i++) {
		if (release !~ d_rel[i] || kvm_mode !~ d_mode[i] ||
		    b != d_bin[i])
			continue
		re = "(^|[^A-Za-z0-9_.])" d_fn[i] "([+]0x|[^A-Za-z0-9_.]|$)"
		if (s_body[s] ~ re)
			return i
	}
	return 0
}

function load_records(    line, f, b) {
	while ((getline line < records) > 0) {
		rec[++nrec] = line
		split(line, f, "\t")
		if (f[4] == "METRIC" || f[3] == f[2])
			continue
		b = f[2]
		case_rec[b, ++ncase[b]] = nrec
		by_name[b, f[3]] = nrec
	}
	close(records)
}

BEGIN {
	OFS = "\t"
	if (kernel == "")
		kernel = "-"
	nd = nrec = ns = 0
	if (defects != "")
		load_defects()
	if (records != "")
		load_records()
	cur = "s2conform"
	k = 0
	in_splat = 0
	max_lines = 20
	headline = "WARNING:|BUG:|Unable to handle|Kernel panic|" \
		   "INFO: task .* blocked|rcu: INFO:|possible circular " \
		   "locking|possible recursive locking|inconsistent lock state"
}

# Splat s is owned by the next case of cur, else by the binary.
function start_splat(line,    r) {
	in_splat = 1
	fresh = 1
	s = ++ns
	s_first[s] = line
	s_body[s] = line
	s_bin[s] = cur
	s_lines[s] = 1
	if (cur in named)
		r = (cur, cur_case) in by_name ? by_name[cur, cur_case] : 0
	else
		r = (cur, k + 1) in case_rec ? case_rec[cur, k + 1] : 0
	s_rec[s] = r
	s_panic[s] = line ~ /Kernel panic/
	if (excerpts != "")
		printf "--- kernel splat in %s [%s]\n", \
		       cur (r ? ":" case_of(r) : ""), kernel > excerpts
}

function case_of(r,    f) {
	split(rec[r], f, "\t")
	return f[3]
}

{
	sub(/\r$/, "")
	# Kernel log prefixes: "<4>" from /dev/kmsg dumps, "[  12.345678] ".
	text = $0
	sub(/^<[0-9]+>/, "", text)
	sub(/^\[ *[0-9]+\.[0-9]+\] */, "", text)
}

# run_tests.sh puts the console of each boot after the one before.
text ~ /^Booting Linux/ {
	cur = "s2conform"
	k = 0
	in_splat = 0
}

text ~ /^s2conform: start / {
	cur = substr(text, 18)
	cur_case = ""
	k = 0
	in_splat = 0
	next
}

# lib/test.c marks each case's start: exact, where the runner's result
# markers (below) only follow the output.
text ~ /^s2conform: case / {
	named[cur] = 1
	cur_case = substr(text, 17)
	in_splat = 0
	next
}

text ~ /^s2conform: result / {
	k++
	in_splat = 0
	next
}

text ~ /^s2conform: end / {
	k = ncase[cur] + 0
	cur_case = ""
	in_splat = 0
	next
}

# A panic always opens its own report: it is what ended the column.
text ~ /Kernel panic/ { in_splat = 0 }

# After a call trace, a new headline is a new report, not more of this one.
in_splat && s_trace[s] && text ~ headline { in_splat = 0 }

text ~ headline || text ~ /Oops|Internal error|Call trace:/ {
	if (!in_splat)
		start_splat(text)
}

text ~ /Call trace:/ { s_trace[s] = 1 }

in_splat && !fresh && s_lines[s] < 80 {
	s_body[s] = s_body[s] "\n" text
	s_lines[s]++
}

in_splat && s_lines[s] <= max_lines && excerpts != "" {
	print $0 > excerpts
}

in_splat && text ~ /---\[ end / {
	in_splat = 0
}

{ fresh = 0 }

function field(r, i,    f) {
	split(rec[r], f, "\t")
	return f[i]
}

# Replace the status (and reason) of record r.
function set_rec(r, status, reason,    f, n, i, out) {
	n = split(rec[r], f, "\t")
	f[4] = status
	f[7] = reason
	out = f[1]
	for (i = 2; i <= n; i++)
		out = out "\t" f[i]
	rec[r] = out
}

function tidy(s) {
	gsub(/\t/, " ", s)
	return s
}

# Fold splat s into its case, or keep it as a record of its own.
function judge(s,    d, r, st, why, b) {
	b = s_bin[s]
	d = s_panic[s] ? 0 : defect(b, s)
	why = tidy(s_first[s])
	r = s_rec[s]
	if (s_panic[s]) {
		extra[++nx] = kernel OFS b OFS \
			(b == "s2conform" ? "" : b "/") "kernel-panic" OFS \
			"ERROR" OFS OFS OFS "kernel panic: " why OFS "-"
		return
	}
	if (!r) {
		st = d ? "XFAIL" : "FAIL"
		why = d ? "known defect: " d_why[d] " [" why "]" : \
		      (b == "s2conform" ? "outside any test: " why : why)
		extra[++nx] = kernel OFS b OFS \
			(b == "s2conform" ? "" : b "/") "kernel-splat" OFS \
			st OFS OFS OFS why OFS "-"
		return
	}
	st = field(r, 4)
	if (st == "MISS" || st == "ERROR") {
		# Not a verdict to turn: the case never finished.
		set_rec(r, st, field(r, 7) "; kernel splat: " why)
	} else if (!d) {
		why = "kernel splat: " why
		if ((st == "FAIL" || st == "XFAIL") && field(r, 7) != "")
			why = field(r, 7) "; " why
		set_rec(r, "FAIL", why)
	} else if (st == "PASS" || st == "SKIP" || st == "XFAIL") {
		why = "known defect: " d_why[d] " [" why "]"
		if (st == "XFAIL")
			why = field(r, 7) "; " why
		set_rec(r, "XFAIL", why)
	} else {
		set_rec(r, st, field(r, 7) "; known defect: " d_why[d])
	}
}

END {
	nx = 0
	for (i = 1; i <= ns; i++)
		judge(i)
	for (i = 1; i <= nrec; i++)
		print rec[i]
	for (i = 1; i <= nx; i++)
		print extra[i]
}
