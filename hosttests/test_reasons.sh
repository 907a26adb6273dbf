#!/bin/bash
# test_reasons.sh - no test in arm64/ hands a verdict call a reason of its
# own: expected outcomes and their reasons come from lib/model/expect_*.c
# (docs/writing-tests.md).  hosttests/verdict_reasons.py does the reading;
# a scratch tree with a bad and a good test file shows that it finds every
# form a literal can take, names its place, and lets the rest through.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

reasons() { python3 "$top/hosttests/verdict_reasons.py" "$@"; }

# --- the project itself ----------------------------------------------------
out=$(reasons --root "$top")
rc=$?
expect_eq "no verdict call in arm64/ passes a literal reason" "$out" ""
expect_eq "verdict_reasons.py exits 0 on the project" "$rc" 0
list=$(reasons --root "$top" --list)
want=$(printf 'param %s\n' "make_attr 2" "make_defect 1" "make_expect 1" "result_check 4" \
	"result_outcome 3")
expect_eq "the checked calls and their reason argument come from the headers" \
	"$(grep '^param ' <<<"$list")" "$want"
n=$(grep -c '^call ' <<<"$list")
if [ "$n" -gt 20 ]; then
	ok "the tests' verdict calls are found ($n calls)"
else
	fail "the tests' verdict calls are found" "only $n under arm64/"
fi

# --- the reading, on a scratch tree ----------------------------------------
s=$tmp/tree
mkdir -p "$s/arm64" "$s/include/model"
cp "$top/include/verdict.h" "$s/include/"
cp "$top/include/model/expect.h" "$s/include/model/"
cat >"$s/arm64/bad_test.c" <<'EOF'
static void check_a(struct ctx *f, struct result *res)
{
	struct outcome obs, exp = out_value(0);

	result_outcome(res, &obs, &exp, "row 4: split "
		       "over two lines");
	result_check(res, obs.value == 1, obs.value ? "one" : "none",
		     "one", "row 31: a literal after literals");
	result_check(res, ok, "a", "b", f->mte ? "row 44: one" : "control");
	result_outcome(res, &obs, &exp, (const char *)"row 2: cast");
	e = make_expect(out_completed(), "rows 21-29: built in the test");
	a = make_attr(S2_ATTR_DEVICE, true, "row 17: %s", why);
	result_outcome(res, &obs,
		       &exp,
		       "row 3: the fourth argument on its own line");
}
EOF
cat >"$s/arm64/good_test.c" <<'EOF'
/* result_outcome(res, &obs, &exp, "a comment is not a call"); */
static const char *s = "result_check(res, ok, o, e, \"not a call\")";

static void check_b(struct ctx *f, struct result *res)
{
	struct expect e = expect_something(f->kf, "a literal fact is fine");

	if (!ready())
		test_skip("the environment lacks %s", "something");
	if (!swap())
		test_skip_env("SWAP", "no swap device");
	if (broken())
		test_fail("harness: %s", "broken");
	result_diag(res, "%s: %s", "diagnostic", "free text");
	result_outcome(res, &obs, &e.out, e.reason);
	result_check(res, seen == e.out.value, seen ? "yes" : "no",
		     e.out.value ? "yes" : "no", e.reason);
	result_expect(res, &obs, &e);
	f->result_check(res, 0, "x", "y", "a member of that name");
	result_outcome(res, &obs, &e.out, reason_of(&e, ","));
}
EOF
out=$(reasons --root "$s")
rc=$?
want=$(printf 'arm64/bad_test.c:%s()\n' "5: result_outcome" \
	"8: result_check" "9: result_check" "10: result_outcome" \
	"11: make_expect" "12: make_attr" "15: result_outcome")
expect_eq "each literal reason is named by file and line, and nothing else" \
	"$(cut -d' ' -f1-2 <<<"$out")" "$want"
expect_match "adjacent literals are shown joined" "$out" \
	'^arm64/bad_test\.c:5: .*"row 4: split over two lines"$'
expect_eq "a literal reason: exit 1" "$rc" 1

rm "$s/arm64/bad_test.c"
out=$(reasons --root "$s" --list)
rc=$?
expect_eq "the good sample passes: exit 0" "$rc" 0
# result_expect() takes a struct expect: no reason to check.
want=$(printf 'call arm64/good_test.c:%s\n' "15 result_outcome" \
	"16 result_check" "20 result_outcome")
expect_eq "its result_outcome()s and result_check() are seen, not the member" \
	"$(grep '^call arm64/good_test.c' <<<"$out")" "$want"

# A header that no longer names the reason must stop the guard, not
# leave it checking nothing.
sed -i 's/\breason)/why)/' "$s/include/verdict.h"
out=$(reasons --root "$s" 2>&1)
expect_eq "a verdict.h without a reason parameter: exit 2" "$?" 2
expect_match "and it says so" "$out" "declares no call with a 'reason'"

done_testing
