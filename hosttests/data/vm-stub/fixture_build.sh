#!/bin/sh
# Stub of fixture/build.sh: a fake module, or with S2_STUB_FAIL=fixture a
# build that fails the way a missing compiler would.
set -eu
if [ "${S2_STUB_FAIL:-}" = fixture ]; then
	echo "  | make: aarch64-linux-gnu-gcc-14: No such file or directory" >&2
	echo "s2conform: error: module build failed: make: aarch64-linux-gnu-gcc-14: No such file or directory (full log: /x/build.log)" >&2
	exit 3
fi
mkdir -p "$2"
: >"$2/s2fixture.ko"
: >"$2/s2fixture.ko.params"
echo "$2/s2fixture.ko"
