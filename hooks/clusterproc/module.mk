# hooks/clusterproc/module.mk: the clusterproc module, its user-space
# tools and its guest tests. Included by the
# top Makefile (which sets TOP, BUILD, FLAVOR, KDIR, MODULE_KO, BIN,
# HOST_CC, HOST_CFLAGS, CHECK_LIBS). Usable alone for development:
#   make -f hooks/clusterproc/module.mk module KDIR=/path/to/uml/O-dir

CP_HERE := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
TOP ?= $(abspath $(CP_HERE)/../..)
BUILD ?= $(TOP)/build
FLAVOR ?= default
KDIR ?= $(BUILD)/uml/$(FLAVOR)
MODULE_KO ?= $(BUILD)/module/$(FLAVOR)/clusterproc.ko
BIN ?= $(BUILD)/bin
HOST_CC ?= gcc
HOST_CFLAGS ?= -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g
CHECK_LIBS ?= $(shell pkg-config --libs check)
KSRC ?= $(BUILD)/src/linux
# um, or x86_64 for a QEMU flavor (qemu/qemu.mk)
CP_ARCH ?= um

CP_MOD_SRCS := $(wildcard $(CP_HERE)/*.c $(CP_HERE)/*.h) $(CP_HERE)/Kbuild
# kbuild writes next to the sources: build a copy, never the source tree
CP_MOD_COPY := $(BUILD)/module/$(FLAVOR)/src
# `make linux modules_prepare` leaves vmlinux.symvers but no Module.symvers.
# Not $(wildcard): make caches the directory, and the kernel is built by a
# script after the first look (a clean clone then saw no symvers at all).
CP_SYMVERS = $(firstword $(shell for f in $(KDIR)/Module.symvers \
	$(KDIR)/vmlinux.symvers; do [ -f "$$f" ] && echo "$$f"; done))
CP_KMAKE = $(MAKE) -C $(KDIR) M=$(CP_MOD_COPY) ARCH=$(CP_ARCH) CC="ccache gcc" \
	$(if $(filter %/vmlinux.symvers,$(CP_SYMVERS)),KBUILD_EXTRA_SYMBOLS=$(CP_SYMVERS))

# scenario PROGs without a slash are looked up in $(BUILD)/tests/guest
CP_GUEST_DIR := $(BUILD)/tests/guest
CP_GUEST_SRCS := $(wildcard $(TOP)/tests/guest/module/*.c)
CP_GUEST_LIB := $(TOP)/tests/guest/module/cp_test_util.c \
	$(TOP)/tests/guest/module/cp_proc_util.c
CP_GUEST_TESTS := $(patsubst $(TOP)/tests/guest/module/%.c,$(CP_GUEST_DIR)/%,\
	$(filter-out $(CP_GUEST_LIB),$(CP_GUEST_SRCS)))
# the security suite: the same helpers, its own folder
CP_SEC_SRCS := $(wildcard $(TOP)/tests/guest/security/*.c)
CP_SEC_TESTS := $(patsubst $(TOP)/tests/guest/security/%.c,$(CP_GUEST_DIR)/%,\
	$(CP_SEC_SRCS))

CP_USER_DIR := $(CP_HERE)/user
CP_USER_LIB := $(CP_USER_DIR)/cp_ps_read.c
CP_USER_TOOLS := $(BIN)/cps
# process model tools: libclusterproc
CP_LIBCP := $(CP_USER_DIR)/libclusterproc.c
CP_LIBCP_TOOLS := $(BIN)/where $(BIN)/onnode

# onnode, where, cps on PATH in every node, guest tests in place
all: module-tools module-tests

.PHONY: module module-tests module-tools module-checkpatch module-clean \
	cp-module-force

module: $(MODULE_KO)

# Kbuild decides what to rebuild (sources, kernel headers, config); the
# top Makefile's kernel target, when there is one, runs first.
$(MODULE_KO): cp-module-force | $(if $(UML_LINUX),kernel)
	@test -n "$(CP_SYMVERS)" || \
		{ echo "module: no kernel build in $(KDIR) (no Module.symvers or vmlinux.symvers; it has: $$(ls -A $(KDIR) 2>/dev/null | head -20 | tr '\n' ' '))" >&2; exit 1; }
	@# kbuild does not rebuild an external module when only the kernel
	@# changed (new release string, new exports): start over then
	@k="$$(cat $(KDIR)/include/config/kernel.release) $$(md5sum <$(CP_SYMVERS))"; \
	if [ "$$k" != "$$(cat $(CP_MOD_COPY)/.kernel-stamp 2>/dev/null)" ]; then \
		rm -rf $(CP_MOD_COPY); mkdir -p $(CP_MOD_COPY); \
		echo "$$k" >$(CP_MOD_COPY)/.kernel-stamp; \
	fi
	@mkdir -p $(CP_MOD_COPY) $(dir $@)
	@# --delete drops removed sources; excluded build outputs stay.
	@# By content, with the copy's time now: a source that went back to
	@# an older time (a restored file) must still be newer than its object
	@rsync -r --checksum --delete --include='*.c' --include='*.h' --include=Kbuild \
		--exclude='*' $(CP_HERE)/ $(CP_MOD_COPY)/
	@$(CP_KMAKE) modules
	@cmp -s $(CP_MOD_COPY)/clusterproc.ko $@ || \
		cp $(CP_MOD_COPY)/clusterproc.ko $@

module-tools: $(CP_USER_TOOLS) $(CP_LIBCP_TOOLS)

$(CP_LIBCP_TOOLS): $(BIN)/%: $(CP_USER_DIR)/%.c $(CP_LIBCP) $(CP_USER_DIR)/libclusterproc.h
	mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -I$(CP_USER_DIR) -o $@ $< $(CP_LIBCP)

$(CP_USER_TOOLS): $(BIN)/%: $(CP_USER_DIR)/%.c $(CP_USER_LIB) $(CP_USER_DIR)/cp_ps_read.h
	mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -I$(CP_USER_DIR) -o $@ $< $(CP_USER_LIB)

module-tests: $(CP_GUEST_TESTS) $(CP_SEC_TESTS) $(CP_GUEST_DIR)/cp_true

# static: an exec that costs little and always the same (bench_module)
$(CP_GUEST_DIR)/cp_true: $(TOP)/tests/guest/module/static/cp_true.c
	mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $<

# the guest tests use the sim's TIPC barrier helpers (sim/cs_tipc.c)
CP_GUEST_DEPS := $(CP_GUEST_LIB) $(TOP)/sim/cs_tipc.c $(CP_USER_DIR)/libclusterproc.c
$(CP_GUEST_TESTS): $(CP_GUEST_DIR)/%: $(TOP)/tests/guest/module/%.c $(CP_GUEST_DEPS) \
		$(TOP)/tests/guest/module/cp_test_util.h $(CP_HERE)/cp_wire.h \
		$(CP_USER_DIR)/libclusterproc.h $(TOP)/tests/guest/module/cp_proc_util.h
	mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -I$(CP_HERE) -I$(TOP)/tests/guest/module \
		-I$(TOP)/sim -I$(CP_USER_DIR) -o $@ $< $(CP_GUEST_DEPS) $(CHECK_LIBS)

$(CP_SEC_TESTS): $(CP_GUEST_DIR)/%: $(TOP)/tests/guest/security/%.c $(CP_GUEST_DEPS) \
		$(TOP)/tests/guest/module/cp_test_util.h $(CP_HERE)/cp_wire.h \
		$(CP_USER_DIR)/libclusterproc.h $(TOP)/tests/guest/module/cp_proc_util.h
	mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -I$(CP_HERE) -I$(TOP)/tests/guest/module \
		-I$(TOP)/sim -I$(CP_USER_DIR) -o $@ $< $(CP_GUEST_DEPS) $(CHECK_LIBS)

# The wire format is arch-neutral only if every multi-byte field of
# cp_wire.h (all __be16/__be32/__be64) is converted where it is read or
# written: sparse's endianness check (bitwise types) over the module finds
# any that is not. Any such warning fails; the others (address spaces of
# __rcu pointers read under their lock) are counted, not judged here.
CP_SPARSE_ENDIAN := restricted|different base types
module-sparse: $(MODULE_KO)
	@command -v sparse >/dev/null 2>&1 || \
		{ echo "module-sparse: sparse missing: run 'make setup'" >&2; exit 1; }
	@$(CP_KMAKE) C=2 CHECK=sparse modules >$(BUILD)/module/$(FLAVOR)/sparse.log 2>&1 || \
		{ tail -20 $(BUILD)/module/$(FLAVOR)/sparse.log; exit 1; }
	@e=$$(grep -cE '$(CP_SPARSE_ENDIAN)' $(BUILD)/module/$(FLAVOR)/sparse.log); \
	o=$$(grep -c 'warning:\|error:' $(BUILD)/module/$(FLAVOR)/sparse.log); \
	if [ "$$e" -ne 0 ]; then grep -E '$(CP_SPARSE_ENDIAN)' $(BUILD)/module/$(FLAVOR)/sparse.log | head -20; \
		echo "module-sparse: $$e endianness warnings (log: $(BUILD)/module/$(FLAVOR)/sparse.log)"; exit 1; fi; \
	echo "module-sparse: 0 endianness warnings in the module ($$o other sparse lines; $(BUILD)/module/$(FLAVOR)/sparse.log)"

CHECK_HOST_TARGETS += module-sparse

# ---- race, race-soak: seeded race runs (not in `make check`) ----
# make race SEED=N [ITERS=M] [SCN=races] [FLAVOR=debug] [BACKEND=qemu
# QFLAVOR=qemu-debug]: the run a failure's message names ("replay: make
# race SEED=..."): the same seed draws the same sleeps and delay-point
# schedules, on the same kernel and backend. make race-soak [RACE_SOAK_S=600]: fresh seeds
# until the time is up or a run fails; it prints the failing seed's replay.
SCN ?= races
RACE_SOAK_S ?= 600
race: $(CP_CHECK_DEPS)
	@test -n "$(SEED)" || { echo "race: SEED=N needed (a failure's log prints it: '# replay: make race SEED=...')" >&2; exit 2; }
	@test -f $(CP_SCN_DIR)/$(SCN).scn || { echo "race: no scenario $(CP_SCN_DIR)/$(SCN).scn" >&2; exit 2; }
	@test -z "$(BACKEND)" || test "$(BACKEND)" = qemu || { echo "race: BACKEND=$(BACKEND): uml (empty) or qemu" >&2; exit 2; }
	$(CP_SIM) --seed $(SEED) $(if $(ITERS),--env CP_RACE_ITERS=$(ITERS)) \
		$(if $(BACKEND),--backend qemu --qemu-kernel $(QEMU_LINUX) --qemu-module $(QEMU_KO)) \
		run $(CP_SCN_DIR)/$(SCN).scn

race-soak: $(CP_CHECK_DEPS)
	@end=$$(( $$(date +%s) + $(RACE_SOAK_S) )); n=0; \
	while [ $$(date +%s) -lt $$end ]; do \
		seed=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); n=$$((n + 1)); \
		echo "race-soak: run $$n, seed $$seed"; \
		$(CP_SIM) -q --seed $$seed $(if $(ITERS),--env CP_RACE_ITERS=$(ITERS)) \
			run $(CP_SCN_DIR)/$(SCN).scn >/dev/null 2>&1 || { \
			echo "race-soak: seed $$seed failed: make race SEED=$$seed$(if $(ITERS), ITERS=$(ITERS)) SCN=$(SCN) FLAVOR=$(FLAVOR)"; exit 1; }; \
	done; echo "race-soak: $$n runs of $(SCN), no failure"

.PHONY: race race-soak

# Wire fuzzing: FUZZ_COUNT messages from node 1's module to node 2's with
# seed FUZZ_SEED (default: the clock), then module suites on the same
# nodes (tests/scenarios/fuzz-wire.scn; make check's security scenario
# runs 2000). The seed is printed, and how to replay it.
FUZZ_COUNT ?= 100000
fuzz-wire: $(CP_CHECK_DEPS)
	@seed=$(if $(FUZZ_SEED),$(FUZZ_SEED),$$(date +%s)); \
	echo "fuzz-wire: seed $$seed, $(FUZZ_COUNT) messages to node 2"; \
	$(CP_SIM) -q --env CP_FUZZ_SEED=$$seed --env CP_FUZZ_COUNT=$(FUZZ_COUNT) \
		run $(CP_SCN_DIR)/fuzz-wire.scn || { \
		echo "fuzz-wire: seed $$seed failed: make fuzz-wire FUZZ_SEED=$$seed FUZZ_COUNT=$(FUZZ_COUNT)" >&2; exit 1; }; \
	echo "fuzz-wire: passed"

.PHONY: fuzz-wire
.PHONY: module-sparse

module-checkpatch:
	$(KSRC)/scripts/checkpatch.pl --no-tree --quiet \
		--ignore FILE_PATH_CHANGES -f \
		$(filter-out %/Kbuild,$(CP_MOD_SRCS))

module-clean:
	rm -rf $(BUILD)/module/$(FLAVOR) $(CP_GUEST_DIR) $(CP_USER_TOOLS) $(CP_LIBCP_TOOLS)

# ---- check-module / bench-module (in `make check` / `make bench`) ----
# Every module scenario (tests/scenarios/module-*.scn, races*.scn) on the
# kernel and module of $(FLAVOR); module-bench.scn is the benchmark only.
CP_SCN_DIR := $(TOP)/tests/scenarios
CP_SCENARIOS = $(filter-out %/module-bench.scn,\
	$(sort $(wildcard $(CP_SCN_DIR)/module-*.scn $(CP_SCN_DIR)/races*.scn \
		$(CP_SCN_DIR)/nodefail-*.scn)))
CP_UML = $(if $(UML_LINUX),$(UML_LINUX),$(KDIR)/linux)
CP_SIM = $(BIN)/clustersim --kernel $(CP_UML) --module $(MODULE_KO) $(CP_SIM_OPTS)
CP_CHECK_DEPS = module module-tests module-tools $(BIN)/clustersim $(BIN)/cluster-init

# Message sequence charts of the module's paths (mscgen), recorded: the
# merged `clustersim --trace` timeline of a real run of module-trace.scn
# (msc/module-trace.trace; `make docs-record` records it again) drawn by
# clustersim-trace between two marks its test wrote (test_trace.c); any
# hand-drawn msc/*.msc too. No cluster boots here: `make check` runs it.
CP_TRACE_REC := $(CP_HERE)/msc/module-trace.trace
CP_REC_CHARTS := remote-exec remote-wait wait-rescan kill-pgrp
CP_TRACE_OPTS_remote-exec := --since exec --until wait \
	--title "remote exec: node 1's child moves to node 2 (onnode 2 sh)"
CP_TRACE_OPTS_remote-wait := --since wait --until reaped \
	--title "remote wait: node 1 waits for its child that moved to node 2"
CP_TRACE_OPTS_wait-rescan := --since rescan --until rescanned \
	--title "the E10 race: the remote child continued while its parent's wait had dropped tasklist_lock"
CP_TRACE_OPTS_kill-pgrp := --since kill --until killed \
	--title "kill(-pgrp) of a group with a member moved to node 2"
CP_MSC := $(wildcard $(CP_HERE)/msc/*.msc)
CP_REC_SVG := $(patsubst %,$(BUILD)/docs/%.svg,$(CP_REC_CHARTS))
CP_SVG := $(patsubst $(CP_HERE)/msc/%.msc,$(BUILD)/docs/%.svg,$(CP_MSC)) \
	$(CP_REC_SVG)

docs: $(CP_SVG)
	@echo "docs: $(words $(CP_SVG)) charts in $(BUILD)/docs/"
	@# the README's pictures are committed: say when one is stale
	@[ -n "$(CP_DOCS_RECORDING)" ] || for n in $(CP_REC_CHARTS); do \
		cmp -s $(BUILD)/docs/$$n.svg $(CP_HERE)/msc/$$n.svg || \
		echo "docs: warning: $(CP_HERE)/msc/$$n.svg is not the chart of $(notdir $(CP_TRACE_REC)) (cp $(BUILD)/docs/$$n.svg there, or make docs-record)" >&2; \
	done

$(BUILD)/docs/%.svg: $(CP_HERE)/msc/%.msc
	@command -v mscgen >/dev/null 2>&1 || \
		{ echo "docs: mscgen missing: run 'make setup'" >&2; exit 1; }
	@mkdir -p $(dir $@)
	mscgen -T svg -o $@ $<

$(CP_REC_SVG): $(BUILD)/docs/%.svg: $(CP_TRACE_REC) $(BIN)/clustersim-trace
	@command -v mscgen >/dev/null 2>&1 || \
		{ echo "docs: mscgen missing: run 'make setup'" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(BIN)/clustersim-trace $(CP_TRACE_OPTS_$*) --msc $(BUILD)/docs/$*.msc --svg $@ $<

# Record the charts' run again (boots 2 nodes: not in `make check`):
# module-trace.scn with --trace; its merged timeline is kept as
# msc/module-trace.trace and the charts, drawn, are copied beside it for
# the README.
docs-record: $(CP_CHECK_DEPS) $(BIN)/clustersim-trace
	$(CP_SIM) -q --trace --runs $(BUILD)/docs-runs run $(CP_SCN_DIR)/module-trace.scn
	cp $(BUILD)/docs-runs/latest/trace.txt $(CP_TRACE_REC)
	@$(MAKE) --no-print-directory docs CP_DOCS_RECORDING=1
	for n in $(CP_REC_CHARTS); do cp $(BUILD)/docs/$$n.svg $(CP_HERE)/msc/; done
	@echo "docs-record: $(CP_TRACE_REC) and its charts from $$(readlink -f $(BUILD)/docs-runs/latest)"

CHECK_HOST_TARGETS += docs

.PHONY: check-module bench-module bench-races bench-nodefail docs docs-record
CHECK_GUEST_TARGETS += check-module
BENCH_TARGETS += bench-module bench-races bench-nodefail

# Failure detection: node 3 crashed (cs-fail: its UML killed) while node
# 1 waits for a child there; the time from the crash to that wait's
# return (killed by SIGKILL), against the TIPC link tolerance, which
# bounds it from below. NODEFAIL_BENCH_RUNS runs, each one crash; every
# run must pass (a failed one is reported, not skipped).
NODEFAIL_BENCH_RUNS ?= 3
bench-nodefail: $(CP_CHECK_DEPS)
	@echo "bench-nodefail: crash of node 3 to the return of node 1's wait for its child there ($(FLAVOR) kernel, $(NODEFAIL_BENCH_RUNS) runs)"
	@fail=0; for i in $$(seq 1 $(NODEFAIL_BENCH_RUNS)); do \
		if $(CP_SIM) -q --runs $(BUILD)/bench-runs \
			run $(CP_SCN_DIR)/nodefail-crash.scn >$(BUILD)/bench-nodefail.out 2>&1; then \
			grep -h '^# detect ' $(BUILD)/bench-runs/latest/node1/01-test_crash.log | \
				sed "s/^# detect /  run $$i: /"; \
		else echo "  run $$i: FAILED (runs/$$(readlink $(BUILD)/bench-runs/latest))"; fail=$$((fail + 1)); fi; \
	done; echo "bench-nodefail: $$fail of $(NODEFAIL_BENCH_RUNS) runs failed"; [ $$fail = 0 ]

# Crash-and-rejoin soak (not in `make check`): nodefail-moments.scn with
# every moment SOAK_ROUNDS times (6 crashes of node 3 a round, each
# inside a cross-node operation, each followed by its reboot and rejoin),
# then nodefail-partition.scn SOAK_PARTITIONS times (cut off past the
# link tolerance, healed, fenced). Any failure or splat fails it.
SOAK_ROUNDS ?= 4
SOAK_PARTITIONS ?= 5
soak-nodefail: $(CP_CHECK_DEPS)
	@echo "soak-nodefail: $$(( $(SOAK_ROUNDS) * 6 )) crashes inside operations, then $(SOAK_PARTITIONS) partitions ($(FLAVOR) kernel)"
	$(CP_SIM) -q --runs $(BUILD)/soak-runs --env CP_MOMENT_ROUNDS=$(SOAK_ROUNDS) \
		-t $$(( 300 + $(SOAK_ROUNDS) * 600 )) run $(CP_SCN_DIR)/nodefail-moments.scn
	@fail=0; for i in $$(seq 1 $(SOAK_PARTITIONS)); do \
		$(CP_SIM) -q --runs $(BUILD)/soak-runs run $(CP_SCN_DIR)/nodefail-partition.scn \
			>$(BUILD)/soak-partition.out 2>&1 && echo "  partition $$i: passed" || \
			{ echo "  partition $$i: FAILED (runs/$$(readlink $(BUILD)/soak-runs/latest))"; fail=$$((fail + 1)); }; \
	done; echo "soak-nodefail: $$fail of $(SOAK_PARTITIONS) partitions failed"; [ $$fail = 0 ]
.PHONY: soak-nodefail

# Race iterations per second per family (test_races' plain pass without
# its random sleeps, CP_RACE_BENCH=1) on races.scn's 3 nodes; the goal is
# 100/s per family on the default kernel. RACE_BENCH_ITERS per family.
RACE_BENCH_ITERS ?= 300
bench-races: $(CP_CHECK_DEPS)
	@$(CP_SIM) -q --runs $(BUILD)/bench-runs --seed 1 \
		--env CP_RACE_BENCH=1 --env CP_RACE_ITERS=$(RACE_BENCH_ITERS) \
		run $(CP_SCN_DIR)/races.scn >$(BUILD)/bench-races.out 2>&1 || \
		{ cat $(BUILD)/bench-races.out; exit 1; }
	@echo "bench-races: race iterations per second, node 1 of 3 ($(FLAVOR) kernel)"
	@grep -E '^# rate ' $(BUILD)/bench-runs/latest/node1/01-test_races.log | \
		sed 's/^# rate /  /'

check-module: $(CP_CHECK_DEPS)
	@fail=0; for s in $(CP_SCENARIOS); do \
		echo "check-module: $$s"; \
		$(CP_SIM) -q run $$s || fail=1; \
	done; \
	if [ $$fail = 0 ]; then echo "check-module: all passed"; \
	else echo "check-module: FAILED" >&2; exit 1; fi

# A table: median/p90 microseconds of remote and local operations and the
# median in module round trips (node 1 -> node 2); see bench_module.c.
bench-module: $(CP_CHECK_DEPS)
	@$(CP_SIM) -q --runs $(BUILD)/bench-runs run $(CP_SCN_DIR)/module-bench.scn \
		>$(BUILD)/bench-module.out 2>&1 || \
		{ cat $(BUILD)/bench-module.out; exit 1; }
	@echo "bench-module: node 1 -> node 2 ($(FLAVOR) kernel)"
	@grep -E '^(operation|rtt\.|kill|exec|deadwait|extra)' \
		$(BUILD)/bench-runs/latest/node1/01-bench_module.log
