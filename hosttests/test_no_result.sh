#!/bin/bash
# test_no_result.sh - a case whose child ends without a result: lib/test.c
# says whether it timed out, exited (with its status) or crashed (with its
# signal), and how long it ran; only a real timeout is called one.
# Builds lib/test.c natively with hosttests/data/no_result.c.
# shellcheck source=hosttests/lib.sh
. "$(dirname "$0")/lib.sh"

bin=$tmp/no_result
if ! ${HOSTCC:-gcc} -std=gnu11 -D_GNU_SOURCE -I"$top/include" \
	-I"$top/include/model" -I"$top/include/arm64" -o "$bin" \
	"$data/no_result.c" "$top/lib/test.c" "$top/lib/verdict.c" \
	"$top/lib/model/outcome.c" "$top/lib/model/globs.c" 2>"$tmp/cc.log"; then
	fail "lib/test.c builds natively with the stub cases" "$(cat "$tmp/cc.log")"
	done_testing
fi
# The case marks go to a file, not the host's kernel log.
out=$(cd "$tmp" && S2_KMSG=$tmp/kmsg "$bin" 2>&1)
expect_match "a case that exits: its status, not a timeout" "$out" \
	'^not ok 1 no_result/exit # case exited with status 3 after [0-9]+ ms without a result$'
expect_match "a case that crashes: its signal" "$out" \
	'^not ok 2 no_result/crash # case crashed after [0-9]+ ms: signal 11 \('
expect_match "a case that hangs: the timeout" "$out" \
	'^not ok 3 no_result/hang # case timed out after 1 s$'
done_testing
