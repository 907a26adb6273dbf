# lib.awk - helpers shared by summary.awk and matrix.awk (awk -f lib.awk -f ...).

# How a record is named to people: "mem_test<sep>anon_4k/ro_store", a
# binary-level record (case named after the binary) just "mem_test", and a
# splat record "mem_test<sep>kernel-splat".
function display(b, c, sep) {
	if (c == b)
		return b
	if (index(c, b "/") == 1)
		c = substr(c, length(b) + 2)
	return b sep c
}
