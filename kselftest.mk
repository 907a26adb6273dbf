# SPDX-License-Identifier: GPL-2.0
# kselftest.mk - s2conform as a kselftest target.
#
# Copied or linked into a kernel tree as tools/testing/selftests/s2conform,
# the suite builds and installs with kselftest's own make:
#
#   make -C tools/testing/selftests TARGETS=s2conform \
#	ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- install INSTALL_PATH=DIR
#
# kselftest runs this directory's Makefile with OUTPUT=<its build dir>; the
# Makefile then includes this file instead of its own rules.  The build
# itself stays the standalone one: a sub-make of the Makefile (OUTPUT
# cleared, O under OUTPUT) runs its `make install` into a stage, and lib.mk
# installs from there.  What lib.mk then installs into DIR/s2conform/:
#   the test binaries (TEST_GEN_PROGS, so emit_tests lists them in
#   DIR/kselftest-list.txt for DIR/run_kselftest.sh), settings (the
#   per-binary timeout), config (the kernel options the cases need, for
#   merge_config.sh) and fixture/ (the PFNMAP fixture module's source and
#   Kbuild: make -C /lib/modules/$(uname -r)/build M=$PWD).
# Honoured from kselftest: OUTPUT, INSTALL_PATH, ARCH, CROSS_COMPILE and
# KHDR_INCLUDES (the tree's uapi headers from `make headers`, when there).

ifeq ($(CROSS_COMPILE)$(filter aarch64,$(shell uname -m)),)
$(error s2conform tests arm64 KVM: pass ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
endif

KSFT_TESTS := $(notdir $(basename $(wildcard arm64/*_test.c)))
TEST_GEN_PROGS := $(KSFT_TESTS)
TEST_GEN_FILES := settings config
# lib.mk's compile rules are for one-file tests; the build is ours.
OVERRIDE_TARGETS := 1

include $(KSFT_LIB_MK)

KSFT_STAGE := $(OUTPUT)/build/kselftest-stage

# One standalone build and install per kselftest make run; every
# generated file is copied out of its stage.
.PHONY: s2conform-stage
s2conform-stage:
	$(MAKE) -f $(firstword $(MAKEFILE_LIST)) OUTPUT= O=$(OUTPUT)/build \
		CC="$(CC) $(KHDR_INCLUDES)" INSTALL_PATH=$(KSFT_STAGE) install

$(TEST_GEN_PROGS): s2conform-stage
	install -m 755 $(KSFT_STAGE)/s2conform/$(notdir $@) $@

$(OUTPUT)/settings $(OUTPUT)/config: s2conform-stage
	install -m 644 $(KSFT_STAGE)/s2conform/$(notdir $@) $@

# The fixture module's source and Kbuild, without the host-side build.sh.
install: s2conform-fixture
.PHONY: s2conform-fixture
s2conform-fixture: all
	install -D -m 644 -t $(INSTALL_PATH)/fixture $(KSFT_STAGE)/s2conform/fixture/*

clean: s2conform-clean
.PHONY: s2conform-clean
s2conform-clean:
	rm -rf $(OUTPUT)/build
