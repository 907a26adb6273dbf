# SPDX-License-Identifier: GPL-2.0
# s2conform - arm64 KVM stage-2 conformance suite.
#
#   make [O=dir] [CROSS_COMPILE=aarch64-linux-gnu-]   static arm64 tests
#   make unit                                         host unit tests (TAP)
#   make layers                                       includes vs. layers
#   make check                                        all project tests
#   make install [INSTALL_PATH=dir]                   a kselftest collection
#
# On x86 hosts CROSS_COMPILE defaults to aarch64-linux-gnu-; on arm64 the
# native compiler is used. Kernel-style O= puts every output under dir.

# In a kernel tree as tools/testing/selftests/s2conform (copied or linked),
# kselftest's make passes OUTPUT; kselftest.mk then has the rules.
KSFT_LIB_MK := $(if $(OUTPUT),$(firstword $(realpath $(CURDIR)/../lib.mk \
		$(SRC_PATH)/lib.mk $(PWD)/lib.mk)))
ifneq ($(KSFT_LIB_MK),)
include kselftest.mk
else

ARCH ?= arm64
ifneq ($(ARCH),arm64)
$(error s2conform tests arm64 KVM only; ARCH=$(ARCH) is not supported)
endif

HOST_ARCH := $(shell uname -m)
ifeq ($(HOST_ARCH),aarch64)
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= aarch64-linux-gnu-
endif

CC := $(CROSS_COMPILE)gcc
HOSTCC ?= gcc
O ?= build
QEMU_USER ?= $(shell command -v qemu-aarch64 2>/dev/null)

WARN := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
BASE_CFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE \
	  -fno-stack-protector -fno-PIE -fno-strict-aliasing \
	  -fno-tree-loop-distribute-patterns -MMD -MP
CFLAGS := $(BASE_CFLAGS) -Iinclude -Iinclude/arm64
# The model sees its own headers and libc, nothing else.
MODEL_CFLAGS := $(BASE_CFLAGS) -Iinclude/model
# The guest runtime runs without libc or FP context assumptions.
GUEST_CFLAGS := -ffreestanding -fno-builtin -mgeneral-regs-only -DS2_GUEST
LDFLAGS := -static -no-pie
# libnuma: NUMA node discovery and migration (vm/deps.sh installs it).
LDLIBS := -lnuma -lpthread -lrt

LIB_SRCS := $(wildcard lib/*.c lib/model/*.c lib/arm64/*.c lib/backing/*.c)
# lib/arm64/guest/ runs inside the VM: freestanding, built with the guest
# flags; lib/arm64/ beside it is the host side of the arch.
GUEST_SRCS := $(wildcard lib/arm64/guest/*.c)
ASM_SRCS := $(wildcard lib/arm64/guest/*.S)
TEST_SRCS := $(wildcard arm64/*_test.c)
# Benchmarks print numbers, never verdicts: kept apart from the tests.
BENCH_SRCS := $(wildcard arm64/*_bench.c)

LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o) $(GUEST_SRCS:%.c=$(O)/%.o) \
	    $(ASM_SRCS:%.S=$(O)/%.o)
TESTS := $(TEST_SRCS:arm64/%.c=$(O)/arm64/%)
BENCHES := $(BENCH_SRCS:arm64/%.c=$(O)/bench/%)
CASE_LISTS := $(TESTS:%=%.cases)
BENCH_LISTS := $(BENCHES:%=%.cases)
PROFILES := $(patsubst configs/%,$(O)/configs/%,$(wildcard configs/profiles/*.conf))

# Host unit tests: the pure model, built natively with its own include
# path only, so an I/O or KVM include in lib/model/ breaks `make unit`.
UNIT_LIB := $(wildcard lib/model/*.c)
UNIT_SRCS := $(wildcard hosttests/unit_*.c)
UNIT_BIN := $(O)/host/unit_tests

.PHONY: all unit layers check clean install
all: $(TESTS) $(CASE_LISTS) $(PROFILES) $(BENCHES) $(BENCH_LISTS)

$(O)/lib/arm64/guest/%.o: lib/arm64/guest/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(GUEST_CFLAGS) -c -o $@ $<

$(O)/lib/model/%.o: lib/model/%.c
	@mkdir -p $(@D)
	$(CC) $(MODEL_CFLAGS) -c -o $@ $<

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

# Every backing kind a test names must be registered: a misspelt one fails
# the build, not the run (scripts/check_names.sh).
KIND_STAMP := $(O)/.kinds-checked
$(KIND_STAMP): $(TEST_SRCS) $(BENCH_SRCS) $(wildcard lib/backing/*.c) \
	       scripts/check_names.sh
	@mkdir -p $(@D)
	@scripts/check_names.sh $@ $(TEST_SRCS) $(BENCH_SRCS)

$(TEST_SRCS:%.c=$(O)/%.o) $(BENCH_SRCS:%.c=$(O)/%.o): $(KIND_STAMP)

$(O)/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(O)/arm64/%: $(O)/arm64/%.o $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/bench/%: $(O)/arm64/%.o $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Case lists let x86 hosts answer --list without booting a VM.
$(CASE_LISTS) $(BENCH_LISTS): %.cases: %
	@if [ "$(HOST_ARCH)" = aarch64 ]; then $< --list > $@; \
	elif [ -n "$(QEMU_USER)" ]; then $(QEMU_USER) $< --list > $@; \
	else echo "note: no qemu-aarch64, $@ not made" >&2; fi

$(O)/configs/%: configs/%
	@mkdir -p $(@D)
	cp $< $@

$(UNIT_BIN): $(UNIT_SRCS) $(UNIT_LIB) \
	     $(wildcard include/model/*.h hosttests/*.h)
	@mkdir -p $(@D)
	$(HOSTCC) -std=gnu11 -O1 -g $(WARN) -D_GNU_SOURCE -Iinclude/model \
		-Ihosttests -o $@ $(UNIT_SRCS) $(UNIT_LIB)

unit: $(UNIT_BIN)
	@$(UNIT_BIN)

# Every include against the layer table (also part of make check).
layers:
	@./hosttests/test_layers.sh

check:
	@./hosttests/run.sh

clean:
	rm -rf $(O)

# A kselftest-style install (README: "Packaging as a kselftest collection"):
#   INSTALL_PATH/run_kselftest.sh     the kernel's options and TAP
#   INSTALL_PATH/kselftest-list.txt   s2conform:<binary> lines
#   INSTALL_PATH/kselftest/run_direct.sh
#   INSTALL_PATH/s2conform/           the test binaries, settings, config
#                                     (configs/s2conform.config), fixture/
#   INSTALL_PATH/configs/profiles/    where the binaries look for profiles
#                                     (<binary dir>/../configs/profiles)
# KSFT_TIMEOUT is the per-binary timeout in settings, sized for QEMU TCG:
# the slowest binary took 5-15 s there (idle or busy host); kselftest's kvm
# collection uses 120.
INSTALL_PATH ?= $(O)/kselftest_install
KSFT_TIMEOUT ?= 120
# kselftest's "config": the kernel options the cases need.
KSFT_CONFIG ?= configs/s2conform.config
FIXTURE_SRCS := fixture/Kbuild fixture/s2fixture.c fixture/s2fixture.h

install: $(TESTS) $(PROFILES)
	@mkdir -p $(INSTALL_PATH)/s2conform $(INSTALL_PATH)/kselftest \
		$(INSTALL_PATH)/configs/profiles
	install -m 755 $(TESTS) $(INSTALL_PATH)/s2conform/
	install -m 755 runner/run_kselftest.sh $(INSTALL_PATH)/run_kselftest.sh
	install -m 755 runner/run_direct.sh $(INSTALL_PATH)/kselftest/run_direct.sh
	printf 'timeout=%s\n' $(KSFT_TIMEOUT) >$(INSTALL_PATH)/s2conform/settings
	printf 's2conform:%s\n' $(notdir $(TESTS)) >$(INSTALL_PATH)/kselftest-list.txt
	$(if $(PROFILES),install -m 644 $(PROFILES) $(INSTALL_PATH)/configs/profiles/)
	install -m 644 $(KSFT_CONFIG) $(INSTALL_PATH)/s2conform/config
	install -D -m 644 -t $(INSTALL_PATH)/s2conform/fixture $(FIXTURE_SRCS)

# Only the current objects' dependencies: a .d left by a file that moved
# would name a source that is gone.
-include $(LIB_OBJS:.o=.d) $(TEST_SRCS:%.c=$(O)/%.d) $(BENCH_SRCS:%.c=$(O)/%.d)
endif
