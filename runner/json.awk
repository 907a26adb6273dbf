# json.awk - results.json from kernel.info files and result records.
#
# Usage: LC_ALL=C awk -f json.awk K1/kernel.info K1/records.tsv K2/kernel.info ...
# kernel.info holds key=value lines (alias, release, started, boot_seconds,
# wall_seconds); each kernel also gets its verdict counts.  The schema is in
# README.md ("results.json").  Records are tap_parse.awk / splat.awk lines.  Strings are
# escaped per RFC 8259; bytes outside ASCII become "?" so that the output
# is valid UTF-8 whatever a console log held.  One object per line, so the
# file also greps well.

BEGIN {
	FS = "\t"
	for (i = 1; i < 128; i++)
		ord[sprintf("%c", i)] = i
	nres = nmet = nker = 0
}

function jstr(s,    out, i, c, n) {
	out = ""
	n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		if (c == "\"" || c == "\\")
			out = out "\\" c
		else if (!(c in ord))
			out = out "?"
		else if (ord[c] < 32 || ord[c] == 127)
			out = out sprintf("\\u%04x", ord[c])
		else
			out = out c
	}
	return "\"" out "\""
}

function jopt(s) {
	return s == "" ? "null" : jstr(s)
}

function jnum(s) {
	if (s ~ /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/)
		return s
	return s == "" ? "null" : jstr(s)
}

FILENAME ~ /kernel\.info$/ {
	if (FNR == 1)
		nker++
	i = index($0, "=")
	if (i > 0)
		info[nker, substr($0, 1, i - 1)] = substr($0, i + 1)
	next
}

$4 == "METRIC" {
	met[++nmet] = sprintf("{\"kernel\":%s,\"binary\":%s,\"name\":%s," \
		"\"value\":%s,\"unit\":%s}", jstr($1), jstr($2), jstr($3),
		jnum($5), jstr($6))
	next
}

NF >= 4 {
	count[$1, $4]++
	res[++nres] = sprintf("{\"kernel\":%s,\"binary\":%s,\"case\":%s," \
		"\"verdict\":%s,\"observed\":%s,\"expected\":%s," \
		"\"reason\":%s}", jstr($1), jstr($2), jstr($3), jstr($4),
		jstr($5), jstr($6), jstr($7))
}

function list(key, a, n,    i) {
	printf "\"%s\":[", key
	for (i = 1; i <= n; i++)
		printf "%s\n%s", (i > 1 ? "," : ""), a[i]
	printf "\n]"
}

END {
	for (k = 1; k <= nker; k++) {
		# The column label is what the records carry.
		a = info[k, "column"]
		if (a == "")
			a = info[k, "alias"]
		ker[k] = sprintf("{\"alias\":%s,\"column\":%s,\"cpu\":%s," \
			"\"release\":%s," \
			"\"started\":%s,\"boot_seconds\":%s," \
			"\"test_seconds\":%s," \
			"\"wall_seconds\":%s,\"passed\":%d,\"failed\":%d," \
			"\"skipped\":%d}",
			jstr(info[k, "alias"]), jstr(a), jopt(info[k, "cpu"]),
			jstr(info[k, "release"]),
			(info[k, "started"] == "" ? "null" : jstr(info[k, "started"])),
			jnum(info[k, "boot_seconds"]), jnum(info[k, "test_seconds"]),
			jnum(info[k, "wall_seconds"]), count[a, "PASS"],
			count[a, "FAIL"], count[a, "SKIP"])
	}
	printf "{\"suite\":\"s2conform\",\"format\":1,\n"
	list("results", res, nres)
	printf ",\n"
	list("metrics", met, nmet)
	printf ",\n"
	list("kernels", ker, nker)
	printf "}\n"
}
