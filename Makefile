# clusterproc-uml: one entry for everything. `make help` lists the targets.
TOP        := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD      ?= $(TOP)/build
DEBUG      ?= 0
FLAVOR     ?= $(if $(filter 1,$(DEBUG)),debug,default)
NODES      ?= 3
JOBS       ?= $(shell echo $$(( $$(nproc) + 1 )))
BIN        := $(BUILD)/bin
MODULE_KO  := $(BUILD)/module/$(FLAVOR)/clusterproc.ko
HOST_CC    ?= gcc
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
# $(wildcard) caches directory listings: a file a sub-make or script made
# after the first look stays invisible. Build outputs are tested live.
exists = $(shell for f in $(1); do [ -e "$$f" ] && echo "$$f"; done)
CLUSTERSIM  = $(BIN)/clustersim --kernel $(UML_LINUX) $(if $(call exists,$(MODULE_KO)),--module $(MODULE_KO))

export TOP BUILD FLAVOR

.DEFAULT_GOAL := all

# Fragments add their own test targets to these lists.
CHECK_HOST_TARGETS :=
CHECK_GUEST_TARGETS :=
BENCH_TARGETS :=

include $(TOP)/uml/uml.mk
-include $(TOP)/hooks/clusterproc/module.mk
-include $(TOP)/sim/sim.mk
-include $(TOP)/tests/tests.mk
-include $(TOP)/tests/demo/demo.mk
-include $(TOP)/hooks/hooks.mk
include $(TOP)/tests/kselftest.mk
-include $(TOP)/tests/mutants/mutants.mk
# after the UML fragments: its check targets run last
include $(TOP)/qemu/qemu.mk

help:
	@echo "clusterproc-uml targets (variables: DEBUG=1 lockdep/KASAN kernel, NODES=$(NODES), BUILD=$(BUILD)):"
	@echo "  make run      set up, build, boot $(NODES) UML nodes on a vde switch, show clusterwide processes at work (narrated demo)"
	@echo "  make showcase boot $(NODES) nodes and run the showcase test scenario (identity, TIPC, remote exec, signals)"
	@echo "  make check    set up, build, run host unit tests and the in-guest test scenarios"
	@echo "  make bench    join time, memory per node, incremental rebuild time, hook overhead, race rates, crash detection time"
	@echo "  make setup    install the Debian packages (apt-get; idempotent)"
	@echo "  make all      build kernel, module, launcher and tests (no run)"
	@echo "  make kernel   unpack linux-source-6.1, apply hooks/patches/series, build the UML kernel"
	@echo "  make module   build hooks/clusterproc against the kernel"
	@echo "  make qemu     build the x86_64 kernel and module of QEMU nodes (QFLAVOR=qemu-debug|qemu)"
	@echo "  make check-qemu   module and race scenarios on 3 QEMU SMP nodes (qemu-debug)"
	@echo "  make check-mixed  module suites on 2 UML nodes + 1 QEMU node on one switch"
	@echo "  make bench-qemu-boot [BOOTS=30]  boot 3 qemu-debug nodes BOOTS times: boots that did not form, out of BOOTS"
	@echo "  make race SEED=N [ITERS=M] [SCN=races] [FLAVOR=debug] [BACKEND=qemu]  replay a seeded race run (a failure prints the line); make race-soak: fresh seeds for RACE_SOAK_S s"
	@echo "  make soak-nodefail  node 3 crashed inside each cross-node operation SOAK_ROUNDS (4) times, rebooted each time, then SOAK_PARTITIONS (5) partitions (debug kernel: FLAVOR=debug)"
	@echo "  make fuzz-wire [FUZZ_SEED=S] [FUZZ_COUNT=N]  N (100000) mutated messages node 1 -> node 2, then module suites"
	@echo "  make mutants mutation testing: apply each tests/mutants/ patch, rebuild, run its scenarios (MUTANTS=a,b for a subset)"
	@echo "  make check-paths  last step of make check: hits of every hook, release point and record->flush window per node over its runs (runs/latest-paths); 0 hits fails unless tests/paths-exceptions.txt says why"
	@echo "  make docs     message sequence charts of the module's paths (build/docs/*.svg), from a recorded trace"
	@echo "  make docs-record  record that trace again (2 nodes, clustersim --trace run module-trace.scn)"
	@echo "  make shell    boot $(NODES) nodes and open a shell on node 1"
	@echo "  make clean    remove $(BUILD) (keeps runs/ and ccache)"
	@echo "Logs of every cluster run: runs/<id>/node<N>.console, runs/<id>/node<N>/*.tap; runs/latest"

setup:
	@$(TOP)/scripts/setup.sh

all: kernel module sim tests module-tools module-tests

# Everything patched that `make check` boots is a debug kernel (lockdep,
# KASAN, hung-task detector): any splat in any console fails the run. The
# kernel's own selftests compare UML's with the vanilla kernel. Three kernel
# builds: UML debug and vanilla, and x86_64 qemu-debug for QEMU nodes (two
# CPUs, preemption, the sleep-in-atomic checker); the default flavors are
# for `make run` and `make bench`.
CHECK_FLAVOR ?= debug
CHECK_QFLAVOR ?= qemu-debug

check: setup
	@$(MAKE) --no-print-directory FLAVOR=$(CHECK_FLAVOR) all
	@$(MAKE) --no-print-directory QFLAVOR=$(CHECK_QFLAVOR) qemu
	@$(MAKE) --no-print-directory check-paths-mark
	@$(MAKE) --no-print-directory FLAVOR=$(CHECK_FLAVOR) check-unit $(CHECK_HOST_TARGETS) check-kselftest
	@$(MAKE) --no-print-directory FLAVOR=$(CHECK_FLAVOR) QFLAVOR=$(CHECK_QFLAVOR) check-guest $(CHECK_GUEST_TARGETS)
	@$(MAKE) --no-print-directory FLAVOR=$(CHECK_FLAVOR) check-paths
	@echo "check: all passed"

# The demo's transcript is node 1's log; it fails if a command printed
# anything else than tests/scenarios/demo.steps says.
run: setup
	@$(MAKE) --no-print-directory all
	@$(TOP)/tests/demo/run-demo.sh $(TOP)/runs $(CLUSTERSIM) --nodes $(NODES)

showcase: all
	$(CLUSTERSIM) --nodes $(NODES) run $(TOP)/tests/scenarios/showcase.scn

shell: all
	$(CLUSTERSIM) --nodes $(NODES) shell 1

bench: setup
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory bench-rebuild $(BENCH_TARGETS)
	@$(MAKE) --no-print-directory QFLAVOR=qemu bench-qemu

bench-rebuild:
	@$(TOP)/uml/bench-rebuild.sh $(TOP)

clean:
	rm -rf $(BUILD)

.PHONY: help setup all check run showcase shell bench bench-rebuild clean
