#!/bin/bash
# test_behaviours.sh - docs/behaviours.md and the code cannot drift apart:
# every "row N" a reason or comment under lib/, include/ or arm64/ cites is
# a "### Row N" section of the table (so is every row configs/, runner/,
# vm/, docs/... mention), and every section is cited by the code or marked
# "Documentation only: <why>" (hosttests/behaviour_rows.py does the
# reading).  A scratch tree with every citation form the code uses shows
# that the extraction finds them and that each check can fail.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

check_rows() { python3 "$top/hosttests/behaviour_rows.py" "$@"; }

# problems KIND: the lines of that kind from the last run, as one line.
problems() { grep "^$1 " <<<"$out" | tr '\n' ';'; }

# --- the project itself ----------------------------------------------------
out=$(check_rows --root "$top")
rc=$?
expect_eq "every row the code, configs, scripts and docs cite is in docs/behaviours.md" "$(problems missing)" ""
expect_eq "every row of docs/behaviours.md is cited by the code" "$(problems uncited)" ""
expect_eq "documentation-only rows say why" "$(problems no-reason)" ""
expect_eq "no row has two sections" "$(problems duplicate)" ""
expect_eq "the code cites rows and invariants, no old topic number" "$(problems topic)" ""
# A documentation-only row the code has started citing is worth a look,
# not a failure: the helper adding the case may not own the table.
stale=$(problems stale)
[ -z "$stale" ] || echo "# note: cited rows still marked documentation-only: $stale"
expect_eq "behaviour_rows.py exits 0 on the project" "$rc" 0
n=$(check_rows --root "$top" --list | grep -c '^cited ')
if [ "$n" -gt 0 ]; then
	ok "the code cites rows ($n citations)"
else
	fail "the code cites rows" "no citation found under lib/ include/ arm64/"
fi
rows=$(grep -cE '^### Row [0-9]+$' "$top/docs/behaviours.md")
links=$(grep -oE '^\| \[[0-9]+\]\(#row-[0-9]+\) ' "$top/docs/behaviours.md" | wc -l)
expect_eq "the summary links every row ($rows rows)" "$links" "$rows"
# The matrix the reasons once pointed at is not in the repository.
left=$(cd "$top" && git grep -n 'spec/kernel-behaviors' -- . \
	':!hosttests/test_behaviours.sh' 2>/dev/null)
expect_eq "nothing points at the old matrix outside the repository" "$left" ""

# --- the extraction, on a scratch tree -------------------------------------
s=$tmp/tree
mkdir -p "$s/lib/sub" "$s/include" "$s/arm64" "$s/docs" "$s/runner"
cat >"$s/lib/sub/a.c" <<'EOF'
/* Rows 21-23 and row 5/8: a comment, */
static const char *r1 = "row 25: one";
static const char *r2 = "rows 2, 3 and 9: " "list";
/*
 * A citation split over lines: row
 * 11, then rows 17/§2.
 */
static const char *r3 = "the reason goes on in the next literal, row "
			"12: split";
// Rows 13/16 in a line comment
static const char q = '"'; /* a quote character opens no string */
EOF
printf '#define X "rows 1/4"\n' >"$s/include/b.h"
printf 'int main(void) { return puts("Row 30"); }\n' >"$s/arm64/c_test.c"
# Outside lib/ include/ arm64/ a row must exist but is not tested by it.
printf '/* row 41, outside the code trees */\n' >"$s/runner/d.c"
mkdir -p "$s/hosttests" "$s/vm"
printf 'echo "ok 1 row 97 of a made-up table"\n' >"$s/hosttests/test_x.sh"
want="1 2 3 4 5 8 9 11 12 13 16 17 21 22 23 25 30"
got=$(check_rows --root "$s" --doc /dev/null --list 2>&1)
expect_eq "no table: exit 2 and say so" "$?:${got##*: }" "2:no table /dev/null"
{
	echo "# t"
	for r in $want 40 41 42; do printf '### Row %s\n\ntext\n' "$r"; done
	printf 'Documentation only: not testable under TCG\n'
	printf '### Row 40\n'
} >"$s/docs/behaviours.md"
out=$(check_rows --root "$s" --list)
rc=$?
expect_eq "every citation form is found, and nothing else" \
	"$(grep '^cited ' <<<"$out" | cut -d' ' -f2 | sort -nu | tr '\n' ' ')" "$want "
expect_match "a citation gives its file and line" "$out" '^cited 12 lib/sub/a\.c:8$'
expect_match "a comment citation gives its own line" "$out" '^cited 11 lib/sub/a\.c:5$'
expect_eq "uncited rows are reported (mentions elsewhere do not count), documentation-only ones are not" \
	"$(problems uncited)" "uncited 40;uncited 41;"
expect_eq "a row with two sections is reported" "$(problems duplicate)" "duplicate 40;"
expect_eq "a topic-number citation in the code is reported" "$(problems topic)" "topic lib/sub/a.c:6;"
expect_eq "problems: exit 1" "$rc" 1

printf 'static const char *r = "rows 41/50: new";\n' >"$s/lib/e.c"
printf '# the VM side of row 98\n' >"$s/vm/x.sh"
out=$(check_rows --root "$s")
expect_eq "a cited row the table lacks is reported with its place" \
	"$(problems missing)" "missing 50 lib/e.c:1;missing 98 vm/x.sh:1;"
rm "$s/vm/x.sh"
printf 'static const char *r = "row 42";\n' >"$s/lib/f.c"
out=$(check_rows --root "$s")
expect_eq "a cited documentation-only row is reported as stale" \
	"$(problems stale)" "stale 42 lib/f.c:1;"
sed -i 's/^Documentation only: .*/Documentation only:/' "$s/docs/behaviours.md"
rm "$s/lib/f.c"
out=$(check_rows --root "$s")
expect_eq "a documentation-only marker without a reason is reported" \
	"$(problems no-reason)" "no-reason 42;"

done_testing
