# splat.awk - find kernel splats in a console log and blame a test binary.
#
# Usage: awk -v kernel=LABEL [-v excerpts=FILE] [-v release=R -v defects=F]
#            -f runner/splat.awk console.log
#
# run_direct.sh writes "s2conform: start NAME" to /dev/kmsg before each
# binary; a splat belongs to the binary of the last such marker before it
# (a late splat after "end NAME" still belongs to NAME: it is the last code
# that ran).  Each blamed binary gets one FAIL record in tap_parse.awk's
# format, case "NAME/kernel-splat", with the splat's first line as reason;
# splats before any marker go to binary "s2conform", case "kernel-splat".
# The first splat of each binary is copied, at most 20 lines, to `excerpts`.
# A splat listed in `defects` (configs/known-defects.conf: release glob,
# binary glob, ERE on the splat line, reason) is a known kernel defect:
# its record is XFAIL with that reason instead of FAIL.

function glob_re(g) {
	gsub(/[.+^$(){}|\[\]\\]/, "\\\\&", g)
	gsub(/\*/, ".*", g)
	gsub(/\?/, ".", g)
	return "^" g "$"
}

function load_defects(    line, f) {
	while ((getline line < defects) > 0) {
		if (line ~ /^#/ || split(line, f, "\t") < 4)
			continue
		nd++
		d_rel[nd] = glob_re(f[1])
		d_bin[nd] = glob_re(f[2])
		d_re[nd] = f[3]
		d_why[nd] = f[4]
	}
	close(defects)
}

# The known defect this splat is, or 0.
function defect(b, line,    i) {
	for (i = 1; i <= nd; i++)
		if (release ~ d_rel[i] && b ~ d_bin[i] && line ~ d_re[i])
			return i
	return 0
}

BEGIN {
	OFS = "\t"
	if (kernel == "")
		kernel = "-"
	nd = 0
	if (defects != "")
		load_defects()
	cur = "s2conform"
	in_splat = 0
	n = 0
	max_lines = 20
}

function start_splat(line) {
	in_splat = 1
	if (cur in first) {
		more[cur]++
		copying = 0
		return
	}
	first[cur] = line
	more[cur] = 0
	order[++n] = cur
	copying = 1
	copied = 0
	if (excerpts != "")
		printf "--- kernel splat in %s [%s]\n", cur, kernel > excerpts
}

{
	sub(/\r$/, "")
	# Kernel log prefixes: "<4>" from /dev/kmsg dumps, "[  12.345678] ".
	text = $0
	sub(/^<[0-9]+>/, "", text)
	sub(/^\[ *[0-9]+\.[0-9]+\] */, "", text)
}

text ~ /^s2conform: start / {
	cur = substr(text, 18)
	in_splat = 0
	next
}

text ~ /^s2conform: end / {
	in_splat = 0
	next
}

text ~ /Oops|WARNING:|BUG:|Kernel panic|Unable to handle|Internal error|Call trace:/ {
	if (!in_splat)
		start_splat(text)
}

in_splat && copying && copied < max_lines {
	copied++
	if (excerpts != "")
		print $0 > excerpts
}

in_splat && text ~ /---\[ end / {
	in_splat = 0
}

END {
	for (i = 1; i <= n; i++) {
		b = order[i]
		why = first[b]
		gsub(/\t/, " ", why)
		if (more[b] > 0)
			why = why " (+" more[b] " more)"
		k = defect(b, first[b])
		if (k)
			print kernel, b, b "/kernel-splat", "XFAIL", "", "", \
			      "known defect: " d_why[k] " [" why "]"
		else if (b == "s2conform")
			print kernel, b, "kernel-splat", "FAIL", "", "", \
			      "outside any test: " why
		else
			print kernel, b, b "/kernel-splat", "FAIL", "", "", why
	}
}
