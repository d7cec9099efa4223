# tests/tests.mk: host unit tests and guest Check programs.
# Included by the top Makefile after sim/sim.mk; uses TOP, BUILD, BIN,
# HOST_CC, HOST_CFLAGS, CHECK_LIBS, UML_LINUX, MODULE_KO, and SIM_* from
# sim.mk.
#
#   check-unit   every $(BUILD)/tests/unit/* binary (host), one summary each
#   check-guest  tests/scenarios/connectivity.scn on 3 nodes
#
# Tests that boot real clusters use CS_TEST_KERNEL (default: the pipeline's
# $(UML_LINUX)). CS_EXPECT is what kernel-identity demands of it: the
# release ends in -cp<8 hex of sha256 over the series' patches> (the same
# sum uml/apply-series.sh writes and uml/uml.mk puts into
# CONFIG_LOCALVERSION), and CONFIG_CLUSTERPROC=y when the series defines it.
# `make check-guest CS_TEST_KERNEL=<vanilla linux>` therefore fails, as it
# must; CS_EXPECT= turns the expectations off.

UNIT_DIR    := $(TOP)/tests/unit
GUEST_DIR   := $(TOP)/tests/guest
UNIT_OUT    := $(BUILD)/tests/unit
GUEST_OUT   := $(BUILD)/tests/guest
TESTS_OBJ   := $(BUILD)/tests/obj

UNIT_NAMES  := test_cli test_scenario test_console_scan test_tap_merge \
               test_jobfile test_cleanup test_run test_kernel_pick test_vde_port \
               test_fault_req test_trace_merge test_paths
GUEST_NAMES := kernel-identity connectivity isolation
UNIT_BINS   := $(addprefix $(UNIT_OUT)/,$(UNIT_NAMES))
GUEST_BINS  := $(addprefix $(GUEST_OUT)/,$(GUEST_NAMES))
# junit.xml against tests/unit/junit.xsd (xmllint)
UNIT_BINS   += $(UNIT_OUT)/test_junit

TESTS_CFLAGS := $(HOST_CFLAGS) -I$(TOP)/sim -MMD -MP \
                -DCS_TEST_DATA='"$(UNIT_DIR)/data"'

$(TESTS_OBJ)/%.o: $(UNIT_DIR)/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(TESTS_CFLAGS) -c -o $@ $<

$(TESTS_OBJ)/guest-%.o: $(GUEST_DIR)/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(TESTS_CFLAGS) -c -o $@ $<

$(UNIT_OUT)/%: $(TESTS_OBJ)/%.o $(SIM_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(SIM_LIB) $(CHECK_LIBS)

# the path table's logic (sim/paths/paths.c), and the program it runs
$(TESTS_OBJ)/test_paths.o: TESTS_CFLAGS += -I$(TOP)/sim/paths
$(UNIT_OUT)/test_paths: $(TESTS_OBJ)/test_paths.o $(SIM_OBJ)/paths/paths.o $(SIM_LIB) \
		$(BIN)/paths-table
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(SIM_OBJ)/paths/paths.o $(SIM_LIB) $(CHECK_LIBS)

# Guest programs are static: a node loads a dynamic one's libraries over
# hostfs page by page, ~0.1-0.3 s per exec.
GUEST_LDFLAGS := -static
GUEST_CHECK_LIBS := -lcheck -lsubunit -lm -lrt -pthread

$(GUEST_OUT)/kernel-identity: $(TESTS_OBJ)/guest-kernel-identity.o
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $^ $(GUEST_CHECK_LIBS) -lz

$(GUEST_OUT)/isolation: $(TESTS_OBJ)/guest-isolation.o
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $^ $(GUEST_CHECK_LIBS)

$(GUEST_OUT)/connectivity: $(TESTS_OBJ)/guest-connectivity.o $(SIM_OBJ)/cs_tipc.o
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $^ $(GUEST_CHECK_LIBS)

tests: $(UNIT_BINS) $(GUEST_BINS)

CS_TEST_KERNEL ?= $(UML_LINUX)
CS_SERIES_SHA8 = $(SERIES_SHA8)
CS_KREL_SUFFIX = -cp$(CS_SERIES_SHA8)$(if $(filter-out default vanilla,$(FLAVOR)),-$(FLAVOR))
CS_EXPECT ?= $(if $(filter vanilla,$(FLAVOR)),,--expect-krel-suffix $(CS_KREL_SUFFIX) \
               $(if $(HAVE_CP),$(if $(filter default debug,$(FLAVOR)),--expect-clusterproc)))
# the module only fits the kernel it was built against
CS_MODULE_OPT = $(if $(and $(call exists,$(MODULE_KO)),$(filter $(UML_LINUX),$(CS_TEST_KERNEL))),--module $(MODULE_KO),--no-module)
# `make run` (top Makefile) checks the same identity.
CLUSTERSIM += $(CS_EXPECT)

# The clean-up test boots a real cluster: it needs the launcher, the init
# and a kernel (UML_LINUX).
check-unit: $(UNIT_BINS) $(BIN)/clustersim $(BIN)/cluster-init $(BIN)/clustersim-trace $(GUEST_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
		echo "== $$(basename $$t)"; \
		CS_TEST_BIN=$(BIN)/clustersim CS_TEST_KERNEL=$(CS_TEST_KERNEL) \
		$(if $(call exists,$(QEMU_LINUX)),CS_TEST_QEMU_KERNEL=$(QEMU_LINUX)) \
		CK_VERBOSITY=normal $$t || fail=$$((fail + 1)); \
	done; \
	if [ $$fail -ne 0 ]; then echo "check-unit: $$fail runner(s) failed"; exit 1; fi; \
	echo "check-unit: all runners passed"

check-guest: $(BIN)/clustersim $(BIN)/cluster-init $(GUEST_BINS)
	$(BIN)/clustersim --nodes 3 --kernel $(CS_TEST_KERNEL) --runs $(TOP)/runs \
		$(CS_MODULE_OPT) $(CS_EXPECT) run $(TOP)/tests/scenarios/connectivity.scn

tests-clean:
	rm -rf $(BUILD)/tests

.PHONY: tests check-unit check-guest tests-clean

-include $(wildcard $(TESTS_OBJ)/*.d)

# Join time for 3, 8 and 16 nodes and memory per node (`make bench` calls
# it): without the module, and again with it if it is built.
# BENCH_RUNS=N boots per size (median), BENCH_NODES="3 8 16".
bench-cluster: $(BIN)/clustersim $(BIN)/cluster-init
	@$(TOP)/scripts/bench-cluster.sh $(BIN)/clustersim $(CS_TEST_KERNEL) --no-module
	@$(if $(call exists,$(MODULE_KO)),$(TOP)/scripts/bench-cluster.sh $(BIN)/clustersim $(CS_TEST_KERNEL) "--module $(MODULE_KO)")

BENCH_TARGETS += bench-cluster
.PHONY: bench-cluster

# 6 nodes on 2 vde switches joined by a cable (clustersim --switches 2)
check-switches: $(BIN)/clustersim $(BIN)/cluster-init $(GUEST_BINS)
	$(BIN)/clustersim -q --switches 2 --kernel $(CS_TEST_KERNEL) --runs $(TOP)/runs \
		$(CS_MODULE_OPT) run $(TOP)/tests/scenarios/switches.scn

CHECK_GUEST_TARGETS += check-switches
.PHONY: check-switches

# `make run`'s narrated demo, on the kernel under test: every command must
# print what tests/scenarios/demo.steps says (a change elsewhere once broke
# it while the rest of `make check` passed)
check-demo: $(BIN)/clustersim $(BIN)/cluster-init all
	$(BIN)/clustersim -q --kernel $(CS_TEST_KERNEL) --runs $(TOP)/runs \
		$(CS_MODULE_OPT) --nodes 3 run $(TOP)/tests/scenarios/demo.scn

CHECK_GUEST_TARGETS += check-demo
.PHONY: check-demo

# What a vde cable between two switches adds to node 1 -> node 2 round
# trips (scripts/bench-cable.sh; `make bench`, with the module built).
bench-cable: $(BIN)/clustersim $(BIN)/cluster-init
	@$(if $(call exists,$(MODULE_KO)),$(TOP)/scripts/bench-cable.sh $(BIN)/clustersim $(CS_TEST_KERNEL) $(MODULE_KO),echo "bench-cable: no module built, skipped")

BENCH_TARGETS += bench-cable
.PHONY: bench-cable

# ---- check-paths: the last step of `make check` ----
# Every run `make check` made since its start ($(PATHS_MARK), touched
# before its first cluster) with clusterproc's counters (node<N>/stats.txt,
# saved by each node's init): one row per hook, tasklist_lock release
# point and record->flush window, hits per node number, summed over the
# runs (sim/paths/paths.h says which counters are paths). A path with no
# hits fails unless $(PATHS_EXCEPTIONS) lists it with its reason; a listed
# path that was hit fails too (the file stays true); so does a counter a
# run's scenario expects to stay zero (`expect zero`) that rose. Table:
# runs/paths-<time>.txt (runs/latest-paths), printed. By hand, after
# some runs: `make check-paths PATHS_RUNS="runs/<id> ..."`.
PATHS_EXCEPTIONS := $(TOP)/tests/paths-exceptions.txt
PATHS_MARK := $(BUILD)/check-paths.mark
PATHS_RUNS ?=

check-paths-mark:
	@mkdir -p $(BUILD) && touch $(PATHS_MARK)

check-paths: $(BIN)/paths-table
	@test -n "$(PATHS_RUNS)" -o -f $(PATHS_MARK) || { echo "check-paths: no $(PATHS_MARK) (make check makes it at its start) and no PATHS_RUNS=" >&2; exit 2; }
	@mkdir -p $(TOP)/runs; t=$$(date +%Y%m%d-%H%M%S); \
	list=$(TOP)/runs/paths-$$t.runs; \
	if [ -n "$(PATHS_RUNS)" ]; then printf '%s\n' $(PATHS_RUNS) >$$list; \
	else find $(TOP)/runs -mindepth 1 -maxdepth 1 -type d -name '2*' \
		-newer $(PATHS_MARK) | sort >$$list; fi; \
	echo "check-paths: $$(wc -l <$$list) runs ($$list)"; \
	$(BIN)/paths-table --exceptions $(PATHS_EXCEPTIONS) --run-list $$list \
		--output $(TOP)/runs/paths-$$t.txt; rc=$$?; \
	[ -f $(TOP)/runs/paths-$$t.txt ] && ln -sfn paths-$$t.txt $(TOP)/runs/latest-paths; \
	echo "check-paths: table in $(TOP)/runs/paths-$$t.txt (runs/latest-paths)"; \
	exit $$rc

.PHONY: check-paths check-paths-mark
