#!/bin/bash
# e2e.sh - one real run end to end: build, fetch a Debian kernel, boot it
# under QEMU and run a few cases in it.  Slow (minutes), so hosttests/run.sh
# runs it last and --quick leaves it out.
#
# S2_E2E_KERNEL (default 6.12) and S2_E2E_FILTER (default 'anon_4k/*')
# choose what runs.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

kernel=${S2_E2E_KERNEL:-6.12}
filter=${S2_E2E_FILTER:-anon_4k/*}
unset S2CONFORM_VM S2_STUB_DIR S2_STUB_FAIL S2_FAKE_KERNEL
export S2CONFORM_RESULTS=$tmp/results

missing=
for f in deps.sh fetch_kernel.sh mkinitramfs.sh boot.sh; do
	[ -x "$top/vm/$f" ] || missing+=" vm/$f"
done
if [ -n "$missing" ]; then
	fail "e2e: --kernel $kernel --filter '$filter'" \
		"the VM harness is incomplete, missing:$missing"
	md=$(cat "$tmp"/results/2*/matrix.md 2>/dev/null)
if grep -qE "^\| $kernel \| [^|]+ \| [1-9][0-9]* \| " <<<"$md"; then
	ok "e2e: matrix.md has $kernel with its passes"
else
	fail "e2e: matrix.md has $kernel with its passes" "matrix.md: ${md:0:2000}"
fi

done_testing
fi

# Progress goes straight to stderr: this takes minutes.
"$top/run_tests.sh" --kernel "$kernel" --filter "$filter" \
	--json "$tmp/results.json" >"$tmp/out"
rc=$?
sed 's/^/# /' "$tmp/out"
if [ $rc -eq 0 ]; then
	ok "e2e: run_tests.sh --kernel $kernel --filter '$filter' exits 0"
else
	fail "e2e: run_tests.sh --kernel $kernel --filter '$filter' exits 0" \
		"exit $rc (its stdout is above, stderr before it)"
fi

passes=0
if [ -s "$tmp/results.json" ] && command -v python3 >/dev/null; then
	passes=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(r["status"] == "PASS" and r["column"] == sys.argv[2]
	  for r in d["results"]))' "$tmp/results.json" "$kernel") || passes=0
elif [ -s "$tmp/results.json" ]; then
	passes=$(grep -c "\"column\":\"$kernel\".*\"status\":\"PASS\"" "$tmp/results.json")
fi
if [ "$passes" -gt 0 ]; then
	ok "e2e: results.json has $passes PASS on $kernel"
else
	fail "e2e: results.json has a PASS on $kernel" \
		"results.json: $(head -c 2000 "$tmp/results.json" 2>/dev/null || echo missing)"
fi

md=$(cat "$tmp"/results/2*/matrix.md 2>/dev/null)
if grep -qE "^\| $kernel \| [^|]+ \| [1-9][0-9]* \| " <<<"$md"; then
	ok "e2e: matrix.md has $kernel with its passes"
else
	fail "e2e: matrix.md has $kernel with its passes" "matrix.md: ${md:0:2000}"
fi

done_testing
