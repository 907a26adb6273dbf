# matrix.awk - case x kernel table of verdicts across several kernels.
#
# Usage: awk -f lib.awk -f matrix.awk K1/records.tsv K2/records.tsv ...
# Column headers are the kernel labels in the records, in file order.  A
# cell is PASS, SKIP or *FAIL*, followed by the observed value when it
# fails or when the kernels disagree on it (that is where behaviour moved);
# "-" means the case did not run on that kernel.  Metrics follow as rows.

BEGIN { FS = "\t"; nk = 0; nr = 0; cell_max = 30 }

FNR == 1 { k = ++nk; label[k] = "" }

{
	if (label[k] == "")
		label[k] = $1
	row = $2 SUBSEP $3 SUBSEP ($4 == "METRIC")
	if (!(row in seen)) {
		seen[row] = 1
		rows[++nr] = row
		name[row] = display($2, ($4 == "METRIC") ? "metric " $3 : $3, ": ")
	}
	if ($4 == "METRIC") {
		cell[k, row] = $5 ($6 == "" ? "" : " " $6)
		next
	}
	# A binary can have both a case and a splat record of the same name;
	# the worse verdict wins the cell.
	if ((k, row) in verdict && verdict[k, row] == "FAIL")
		next
	verdict[k, row] = $4
	obs[k, row] = $5
	if ($5 != "" && (row in first_obs) && first_obs[row] != $5)
		differs[row] = 1
	if ($5 != "" && !(row in first_obs))
		first_obs[row] = $5
}

function render(k, row,    c) {
	if ((k, row) in cell)
		return cell[k, row]
	if (!((k, row) in verdict))
		return "-"
	c = verdict[k, row] == "FAIL" ? "*FAIL*" : verdict[k, row]
	if (obs[k, row] != "" && (verdict[k, row] == "FAIL" || (row in differs)))
		c = c " " obs[k, row]
	if (length(c) > cell_max)
		c = substr(c, 1, cell_max - 2) ".."
	return c
}

# Pad every column but the last, so that lines carry no trailing blanks.
function print_row(r,    k, line) {
	line = sprintf("%-" w0 "s", name[rows[r]])
	for (k = 1; k < nk; k++)
		line = line sprintf("  %-" w[k] "s", txt[k, r])
	print line "  " txt[nk, r]
}

END {
	w0 = length("case")
	for (r = 1; r <= nr; r++)
		if (length(name[rows[r]]) > w0)
			w0 = length(name[rows[r]])
	for (k = 1; k <= nk; k++) {
		w[k] = length(label[k])
		for (r = 1; r <= nr; r++) {
			txt[k, r] = render(k, rows[r])
			if (length(txt[k, r]) > w[k])
				w[k] = length(txt[k, r])
		}
	}
	for (k = 1; k <= nk; k++)
		txt[k, 0] = label[k]
	name[0] = "case"
	rows[0] = 0
	for (r = 0; r <= nr; r++)
		print_row(r)
	print "(*FAIL* fails; observed values shown where kernels differ;" \
	      " - not run)"
}
