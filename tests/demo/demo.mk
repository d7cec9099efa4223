# tests/demo/demo.mk: the narrated demo `make run` shows. Included by the
# top Makefile; uses TOP, BUILD, HOST_CC, HOST_CFLAGS.
#
#   demo-node     node 1 narrates tests/scenarios/demo.steps, the other
#                 nodes run what it sends them (tests/scenarios/demo.scn)
#   sigchld-info  prints a child's SIGCHLD siginfo and waitid() result
#   stats-delta   clusterproc's debugfs counters against a copy
#
# All static (a node loads a dynamic program's libraries over hostfs), in
# $(BUILD)/tests/guest, where scenario programs are found; demo-node puts
# that directory in front of its shells' PATH.

DEMO_DIR := $(TOP)/tests/demo
DEMO_OUT := $(BUILD)/tests/guest
DEMO_NODE_SRC := $(addprefix $(DEMO_DIR)/,demo_node.c demo_shell.c \
                 demo_link.c demo_steps.c demo_match.c) $(TOP)/sim/cs_tipc.c
DEMO_BINS := $(DEMO_OUT)/demo-node $(DEMO_OUT)/sigchld-info \
             $(DEMO_OUT)/stats-delta $(DEMO_OUT)/demo.steps

$(DEMO_OUT)/demo-node: $(DEMO_NODE_SRC) $(wildcard $(DEMO_DIR)/*.h) $(TOP)/sim/cs_tipc.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -static -I$(TOP)/sim -o $@ $(DEMO_NODE_SRC)

$(DEMO_OUT)/sigchld-info: $(DEMO_DIR)/sigchld_info.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $<

$(DEMO_OUT)/stats-delta: $(DEMO_DIR)/stats_delta.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $<

$(DEMO_OUT)/demo.steps: $(TOP)/tests/scenarios/demo.steps
	@mkdir -p $(@D)
	cp $< $@

demo: $(DEMO_BINS)

all: demo

.PHONY: demo

# host unit test of the script and its checks (check-unit runs it)
$(UNIT_OUT)/test_demo: $(UNIT_DIR)/test_demo.c $(DEMO_DIR)/demo_steps.c \
		$(DEMO_DIR)/demo_match.c $(wildcard $(DEMO_DIR)/*.h) $(UNIT_DIR)/unit_util.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -I$(DEMO_DIR) -DCS_TEST_DATA='"$(UNIT_DIR)/data"' \
		-o $@ $< $(DEMO_DIR)/demo_steps.c $(DEMO_DIR)/demo_match.c $(CHECK_LIBS)

UNIT_BINS += $(UNIT_OUT)/test_demo
tests check-unit: $(UNIT_OUT)/test_demo
