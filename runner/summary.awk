# summary.awk - one kernel's verdict counts and what failed.
#
# Usage: awk -v label=6.12 -v info="(release, boot 31s)" \
#            -f lib.awk -f summary.awk records.tsv
# Input is tap_parse.awk / splat.awk records.  Exit 1 if anything failed.

BEGIN { FS = "\t"; pass = fail = skip = xfail = 0; nf = nx = 0 }

$4 == "PASS" { pass++ }
# A known kernel defect, shown on every run but not failing it.
$4 == "XFAIL" {
	xfail++
	known[++nx] = display($2, $3, " ") ": " $7
}
$4 == "SKIP" { skip++ }
$4 == "FAIL" {
	fail++
	what = display($2, $3, " ")
	if ($5 != "" || $6 != "")
		what = what ": observed=" $5 " expected=" $6
	if ($7 != "")
		what = what (($5 != "" || $6 != "") ? " (" $7 ")" : ": " $7)
	failed[++nf] = what
}

END {
	printf "kernel %s: %d passed, %d failed, %d skipped%s%s\n", label,
	       pass, fail, skip, (xfail ? ", " xfail " known defects" : ""),
	       (info == "" ? "" : " " info)
	for (i = 1; i <= nf; i++)
		printf "  FAIL %s\n", failed[i]
	for (i = 1; i <= nx; i++)
		printf "  XFAIL %s\n", known[i]
	exit (fail > 0)
}
