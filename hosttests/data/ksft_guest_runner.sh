#!/bin/sh
# ksft_guest_runner.sh - stands in for run_direct.sh in the test VM's
# initramfs (vm/mkinitramfs.sh --runner) when --tests is an installed
# kselftest collection: /init runs it, and it runs the collection's own
# run_kselftest.sh instead, whatever /init passes.  The guest is busybox
# only, so first give it what kselftest's runner.sh takes from a full root
# file system: /dev/stdout (its default log, opened by name) and a timeout
# that takes coreutils' --foreground.
[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
if ! /usr/bin/timeout --foreground 1 true 2>/dev/null; then
	rm -f /usr/bin/timeout
	printf '#!/bin/sh\n[ "$1" = --foreground ] && shift\nexec busybox timeout "$@"\n' \
		>/usr/bin/timeout
	chmod 755 /usr/bin/timeout
fi
cd /s2conform/arm64 && exec ./run_kselftest.sh
