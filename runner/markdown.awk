# markdown.awk - the case x kernel matrix as Markdown (matrix.md).
#
# Usage: awk [-v date="2026-01-31 12:00 UTC"] -f markdown.awk \
#            [K1/kernel.info] K1/records.tsv [K2/kernel.info] K2/records.tsv ...
#
# Each kernel.info (alias=, release=, started=, boot_seconds=,
# wall_seconds=) belongs to the records.tsv after it; the date shown is
# -v date, else the first kernel's start.  Output, for a CI artefact or a mail reply:
# a header table (kernel, release, pass/fail/skip counts, times), the rows
# where the kernels differ, then one table per test binary, then metrics.
# A cell is the observed value, "**FAIL** <observed>" for a failed case
# (the notes under its table give expected and reason), "SKIP", or "-"
# (not run); in the per-binary tables a cell equal to the one on its left
# is a ditto mark ("), which keeps lines short and makes changes stand out.
# Cells are cut to cell_max characters and padded, so that the raw text
# lines up too.  POSIX awk.

BEGIN {
	FS = "\t"
	nk = 0
	nb = 0
	nrow = 0
	nmet = 0
	nfail_notes = 0
	if (cell_max == "")
		cell_max = 32
	pending_info = 0
}

function clean(s) {
	gsub(/\|/, "\\|", s)
	return s
}

# "2026-01-31T12:00:59Z" as "2026-01-31 12:00 UTC"; anything else as is.
function utc(s) {
	if (s ~ /^[0-9]+-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z$/)
		return substr(s, 1, length(s) - 10) " " \
		       substr(s, length(s) - 8, 5) " UTC"
	return s
}

function cut(s) {
	if (length(s) > cell_max)
		s = substr(s, 1, cell_max - 2) ".."
	return s
}

FILENAME ~ /kernel\.info$/ {
	if (FNR == 1) {
		pending_info = 1
		split("", pinfo)
	}
	i = index($0, "=")
	if (i > 0)
		pinfo[substr($0, 1, i - 1)] = substr($0, i + 1)
	next
}

FNR == 1 {
	k = ++nk
	label[k] = ""
	release[k] = boot[k] = wall[k] = ""
	pass[k] = fail[k] = skip[k] = 0
	if (pending_info) {
		label[k] = pinfo["column"] != "" ? pinfo["column"] : pinfo["alias"]
		release[k] = pinfo["release"]
		boot[k] = pinfo["boot_seconds"]
		wall[k] = pinfo["wall_seconds"]
		if (date == "" && pinfo["started"] != "")
			date = utc(pinfo["started"])
	}
	pending_info = 0
}

NF < 4 { next }

{
	if (label[k] == "")
		label[k] = $1
	b = $2
	if (!(b in bseen)) {
		bseen[b] = 1
		bins[++nb] = b
		nrows_of[b] = 0
	}
}

$4 == "METRIC" {
	m = b SUBSEP $3
	if (!(m in mseen)) {
		mseen[m] = 1
		mets[++nmet] = m
		mname[m] = b ": " $3
	}
	mcell[k, m] = $5 ($6 == "" ? "" : " " $6)
	next
}

{
	row = b SUBSEP $3
	if (!(row in rseen)) {
		rseen[row] = 1
		rows_of[b, ++nrows_of[b]] = row
		# Splat and binary-level records are named after what they are.
		c = $3
		if (c == b)
			c = "(whole binary)"
		else if (index(c, b "/") == 1)
			c = substr(c, length(b) + 2)
		rname[row] = c
		rbin[row] = b
	}
	if ($4 == "PASS")
		pass[k]++
	else if ($4 == "SKIP")
		skip[k]++
	else if ($4 == "FAIL")
		fail[k]++
	# A case and a splat record may share a row: the failure wins.
	if ((k, row) in verdict && verdict[k, row] == "FAIL")
		next
	verdict[k, row] = $4
	obs[k, row] = $5
	expd[k, row] = $6
	why[k, row] = $7
}

function cell(k, row,    v, o) {
	if (!((k, row) in verdict))
		return "-"
	v = verdict[k, row]
	o = obs[k, row]
	if (v == "SKIP")
		return "SKIP"
	if (v == "FAIL") {
		# No observed value (a crash, a splat): the start of the reason.
		if (o == "" && length(why[k, row]) > 20)
			o = substr(why[k, row], 1, 18) ".."
		else if (o == "")
			o = why[k, row]
		return "**FAIL** " cut(clean(o))
	}
	return o == "" ? v : cut(clean(o))
}

function differs(row,    k, first) {
	first = cell(1, row)
	for (k = 2; k <= nk; k++)
		if (cell(k, row) != first)
			return 1
	return 0
}

function pad(s, w) {
	while (length(s) < w)
		s = s " "
	return s
}

function dashes(w, align,    s) {
	s = ""
	while (length(s) < w)
		s = s "-"
	if (align == "r")
		s = substr(s, 2) ":"
	return s
}

# table(n): print the n rows in trow[1..n] (first column tname[i], one cell
# per kernel in tcell[i, k]) with columns padded to their widest entry.
function table(head, n,    i, k, w0, line) {
	w0 = length(head)
	for (i = 1; i <= n; i++)
		if (length(tname[i]) > w0)
			w0 = length(tname[i])
	for (k = 1; k <= nk; k++) {
		w[k] = length(label[k])
		for (i = 1; i <= n; i++)
			if (length(tcell[i, k]) > w[k])
				w[k] = length(tcell[i, k])
		if (w[k] < 3)
			w[k] = 3
	}
	line = "| " pad(head, w0)
	for (k = 1; k <= nk; k++)
		line = line " | " pad(label[k], w[k])
	print line " |"
	line = "|" dashes(w0 + 2)
	for (k = 1; k <= nk; k++)
		line = line "|" dashes(w[k] + 2)
	print line "|"
	for (i = 1; i <= n; i++) {
		line = "| " pad(tname[i], w0)
		for (k = 1; k <= nk; k++)
			line = line " | " pad(tcell[i, k], w[k])
		print line " |"
	}
}

# fill(i, name, row, ditto): table row i; with ditto, a cell equal to the
# one on its left is shown as ".
function fill(i, name, row, ditto,    k) {
	tname[i] = name
	for (k = 1; k <= nk; k++) {
		tcell[i, k] = cell(k, row)
		if (ditto && k > 1 && tcell[i, k] == cell(k - 1, row) &&
		    tcell[i, k] != "-")
			tcell[i, k] = "\""
	}
}

# wrap(s): print s, broken at blanks into lines of at most 76 characters,
# continuation lines indented two blanks (a Markdown list item).
function wrap(s,    n, i, w, line) {
	n = split(s, w, " ")
	line = w[1]
	for (i = 2; i <= n; i++) {
		if (length(line) + 1 + length(w[i]) > 76) {
			print line
			line = "  " w[i]
		} else
			line = line " " w[i]
	}
	print line
}

function secs(s) {
	return s == "" ? "-" : s " s"
}

END {
	ncases = 0
	tp = tf = ts = 0
	for (bi = 1; bi <= nb; bi++)
		ncases += nrows_of[bins[bi]]
	for (k = 1; k <= nk; k++) {
		tp += pass[k]
		tf += fail[k]
		ts += skip[k]
	}
	printf "# s2conform: %d kernel%s, %d cases\n\n", nk,
	       (nk == 1 ? "" : "s"), ncases
	if (date != "")
		printf "Run %s. ", date
	printf "%d passed, %d failed, %d skipped in all.\n\n", tp, tf, ts

	print "| kernel | release | pass | fail | skip | boot | wall |"
	print "|---|---|--:|--:|--:|--:|--:|"
	for (k = 1; k <= nk; k++)
		printf "| %s | %s | %d | %s | %d | %s | %s |\n", label[k],
		       (release[k] == "" ? "-" : release[k]), pass[k],
		       (fail[k] ? "**" fail[k] "**" : "0"), skip[k],
		       secs(boot[k]), secs(wall[k])
	print ""
	print "Cells hold the observed outcome. **FAIL** marks a failed case"
	print "(expected value and reason below its table), SKIP a skipped"
	if (nk > 1) {
		print "one, - a case that did not run, and \" the same as the cell to"
		print "its left."
	} else
		print "one, - a case that did not run."

	n = 0
	if (nk > 1) {
		for (bi = 1; bi <= nb; bi++) {
			b = bins[bi]
			for (r = 1; r <= nrows_of[b]; r++) {
				row = rows_of[b, r]
				if (differs(row))
					fill(++n, b ": " rname[row], row, 0)
			}
		}
		print ""
		if (n == 0)
			print "## Where the kernels differ: nowhere"
		else {
			printf "## Where the kernels differ (%d case%s)\n\n", n,
			       (n == 1 ? "" : "s")
			table("case", n)
		}
	}

	for (bi = 1; bi <= nb; bi++) {
		b = bins[bi]
		n = 0
		for (r = 1; r <= nrows_of[b]; r++) {
			row = rows_of[b, r]
			fill(++n, rname[row], row, 1)
		}
		printf "\n## %s (%d case%s)\n\n", b, n, (n == 1 ? "" : "s")
		table("case", n)
		notes = 0
		for (r = 1; r <= nrows_of[b]; r++) {
			row = rows_of[b, r]
			for (k = 1; k <= nk; k++) {
				if (!((k, row) in verdict) || verdict[k, row] != "FAIL")
					continue
				if (!notes++)
					print ""
				s = "- " label[k] " " rname[row] ":"
				if (obs[k, row] != "" || expd[k, row] != "")
					s = s " observed `" obs[k, row] "`, expected `" \
					    expd[k, row] "`"
				if (why[k, row] != "")
					s = s ((obs[k, row] != "" || expd[k, row] != "") ? \
					       " (" why[k, row] ")" : " " why[k, row])
				wrap(s)
			}
		}
	}

	if (nmet > 0) {
		for (i = 1; i <= nmet; i++) {
			tname[i] = mname[mets[i]]
			for (k = 1; k <= nk; k++)
				tcell[i, k] = ((k, mets[i]) in mcell) ? \
					clean(mcell[k, mets[i]]) : "-"
		}
		printf "\n## Metrics\n\n"
		table("metric", nmet)
	}
}
