# sim/sim.mk: the cluster launcher (clustersim) and the guest init
# (cluster-init), one folder each, on a library of what they and the tests
# share. Included by the top Makefile; uses TOP, BUILD, BIN, HOST_CC,
# HOST_CFLAGS.
#
#   sim/*.c             $(SIM_LIB): pure-logic parts (CLI, scenario,
#                       console scan, TAP, JUnit, job file, kernel pick,
#                       vde port lines, cs-fail requests), also linked by
#                       the unit tests;
#                       cs_tipc.c (TIPC barriers: init, guest tests, demo)
#   sim/launcher/       $(BIN)/clustersim, host side
#   sim/init/           $(BIN)/cluster-init, guest side (PID 1 in every node)
#   sim/fail/           $(BIN)/cs-fail, guest command: ask the launcher for
#                       a failure (a partition) mid-run
#   sim/paths/          $(BIN)/paths-table, host: clusterproc's path
#                       coverage over the runs of `make check`

SIM_DIR     := $(TOP)/sim
SIM_OBJ     := $(BUILD)/sim/obj
SIM_LIB     := $(BUILD)/sim/libclustersim.a
SIM_LIB_SRC := cli.c scenario.c console_scan.c tap_merge.c jobfile.c kernel_pick.c \
               vde_port.c junit.c junit_tap.c fault_req.c trace/trace_merge.c \
               counters.c
# the launcher: nodes of both backends (node_uml.c, node_qemu.c), the
# switch and its cables (--switches K), wirefilters, the run's JUnit file
SIM_CS_SRC  := $(addprefix launcher/,main.c paths.c rundir.c jobs.c child.c \
               switch.c node.c argbuf.c node_uml.c node_qemu.c monitor.c \
               stats.c teardown.c report.c guard.c wire.c silent.c \
               junit_run.c cable.c nodeuser.c faults.c trace_run.c expect.c \
               console_tail.c qemu_cpus.c key.c)
SIM_INIT_SRC := $(addprefix init/,init_main.c init_log.c init_env.c \
                init_mount.c init_net.c init_tipc_nl.c init_diag.c \
                init_module.c init_caps.c init_run.c init_wait.c init_trace.c \
                init_stats.c init_key.c) cs_tipc.c
SIM_CFLAGS  := $(HOST_CFLAGS) -I$(SIM_DIR) -MMD -MP
# the path coverage table of `make check` (check-paths, tests/tests.mk)
SIM_PATHS_SRC := paths/paths.c paths/paths_main.c

SIM_LIB_OBJ  := $(addprefix $(SIM_OBJ)/,$(SIM_LIB_SRC:.c=.o))
SIM_CS_OBJ   := $(addprefix $(SIM_OBJ)/,$(SIM_CS_SRC:.c=.o))
SIM_INIT_OBJ := $(addprefix $(SIM_OBJ)/,$(SIM_INIT_SRC:.c=.o))
SIM_PATHS_OBJ := $(addprefix $(SIM_OBJ)/,$(SIM_PATHS_SRC:.c=.o))

# a program's own folder first: its private headers (cluster.h, init.h)
$(SIM_OBJ)/%.o: $(SIM_DIR)/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(SIM_CFLAGS) -I$(dir $<) -c -o $@ $<

$(SIM_LIB): $(SIM_LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BIN)/clustersim: $(SIM_CS_OBJ) $(SIM_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(SIM_CS_OBJ) $(SIM_LIB)

# Static: a UML node execs it over hostfs; no dynamic loader saves ~0.3 s.
$(BIN)/cluster-init: $(SIM_INIT_OBJ) $(SIM_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $(SIM_INIT_OBJ) $(SIM_LIB)

# Static, as cluster-init: a node execs it over hostfs.
$(BIN)/cs-fail: $(SIM_DIR)/fail/cs_fail.c $(SIM_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -I$(SIM_DIR) -static -o $@ $< $(SIM_LIB)

# --trace: the nodes' trace rings merged and drawn (sim/trace/README.md)
$(BIN)/clustersim-trace: $(SIM_OBJ)/trace/cs_trace.o $(SIM_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(SIM_OBJ)/trace/cs_trace.o $(SIM_LIB)

$(BIN)/paths-table: $(SIM_PATHS_OBJ) $(SIM_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(SIM_PATHS_OBJ) $(SIM_LIB)

sim: $(BIN)/clustersim $(BIN)/cluster-init $(BIN)/cs-fail $(BIN)/clustersim-trace \
	$(BIN)/paths-table

sim-clean:
	rm -rf $(BUILD)/sim $(BIN)/clustersim $(BIN)/cluster-init $(BIN)/cs-fail \
		$(BIN)/clustersim-trace $(BIN)/paths-table

.PHONY: sim sim-clean

-include $(SIM_LIB_OBJ:.o=.d) $(SIM_CS_OBJ:.o=.d) $(SIM_INIT_OBJ:.o=.d) \
	$(SIM_OBJ)/trace/cs_trace.d $(SIM_PATHS_OBJ:.o=.d)
