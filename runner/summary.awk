# summary.awk - one kernel's verdict counts and what failed.
#
# Usage: awk -v label=6.12 -v info="(release, boot 31s)" \
#            -f lib.awk -f summary.awk records.tsv
# Input is tap_parse.awk / splat.awk records.  Exit 1 if anything failed.

BEGIN { FS = "\t"; pass = fail = skip = 0; nf = 0 }

$4 == "PASS" { pass++ }
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
	printf "kernel %s: %d passed, %d failed, %d skipped%s\n", label, pass,
	       fail, skip, (info == "" ? "" : " " info)
	for (i = 1; i <= nf; i++)
		printf "  FAIL %s\n", failed[i]
	exit (fail > 0)
}
