# qemu/qemu.mk: the x86_64 kernels of QEMU nodes, from the same patched
# tree as the UML ones (uml/uml.mk's $(PSRC), hooks/patches/series), out of
# tree with ccache, and the clusterproc module built against each.
#
# Flavors (QFLAVOR=...):
#   qemu        base + clusterproc-y                     make bench, make run
#   qemu-debug  base + clusterproc-y + qemu-debug        make check: SMP,
#               PREEMPT, DEBUG_ATOMIC_SLEEP, lockdep, KASAN, hung-task
#
#   $(QKDIR)/vmlinux                   the kernel, booted by QEMU as PVH
#   $(BUILD)/module/$(QFLAVOR)/clusterproc.ko

QFLAVOR    ?= qemu-debug
QKDIR      := $(BUILD)/qemu/$(QFLAVOR)
QEMU_LINUX := $(QKDIR)/vmlinux
QEMU_KO    := $(BUILD)/module/$(QFLAVOR)/clusterproc.ko
QFRAGS     := $(TOP)/configs/qemu-base.config \
              $(if $(HAVE_CP),$(TOP)/configs/clusterproc-y.config) \
              $(if $(filter qemu-debug,$(QFLAVOR)),$(TOP)/configs/qemu-debug.config) \
              $(QKDIR)/release.fragment
QENV       := KARCH=x86_64 KBASE=allnoconfig KLABEL=qemu \
              KTARGETS="vmlinux modules_prepare"

$(QKDIR)/release.fragment: $(BUILD)/src/.series FORCE
	@mkdir -p $(QKDIR)
	@v="CONFIG_LOCALVERSION=\"-cp$(SERIES_SHA8)-$(QFLAVOR)\""; \
	 [ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" >$@

$(QKDIR)/.config.stamp: $(QFRAGS) $(BUILD)/src/.series $(TOP)/uml/merge-config.sh
	@echo "qemu: configuring $(QFLAVOR) from $(notdir $(QFRAGS))"
	@$(QENV) $(TOP)/uml/merge-config.sh $(PSRC) $(QKDIR) $(QFRAGS)
	@touch $@

# As uml.mk's kernel target: skip Kbuild when nothing is newer than the
# last build.
qemu-kernel: $(QKDIR)/.config.stamp
	@if [ -f $(QKDIR)/.built ] && [ -f $(QEMU_LINUX) ] && \
	    [ -z "$$(find $(PSRC) $(QKDIR)/.config -newer $(QKDIR)/.built -print -quit)" ]; then \
		echo "qemu: kernel $(QFLAVOR) up to date"; \
	else \
		touch $(QKDIR)/.built.new && \
		$(call SRCLOCK,-s) env $(QENV) $(TOP)/uml/build-kernel.sh $(PSRC) $(QKDIR) $(JOBS) && \
		mv $(QKDIR)/.built.new $(QKDIR)/.built; \
	fi

qemu-module: qemu-kernel
	@$(MAKE) --no-print-directory -f $(TOP)/hooks/clusterproc/module.mk \
		TOP=$(TOP) BUILD=$(BUILD) FLAVOR=$(QFLAVOR) KDIR=$(QKDIR) \
		MODULE_KO=$(QEMU_KO) CP_ARCH=x86_64 $(QEMU_KO)

# The kernel and module of $(QFLAVOR); clustersim picks them by default.
qemu: qemu-module

qemu-clean:
	rm -rf $(QKDIR) $(BUILD)/module/$(QFLAVOR)

.PHONY: qemu qemu-kernel qemu-module qemu-clean

# ---- check-qemu, check-mixed (in `make check`) ----
# The module and race scenarios on a cluster of QEMU nodes (qemu-debug:
# two CPUs each, preemption, the sleep-in-atomic checker), and the module
# suites on a mixed cluster: nodes 1 and 3 UML, node 2 QEMU (the node the
# tests on node 1 run, trace and signal their remote processes on), one
# switch, one wire protocol.
QEMU_SIM = $(BIN)/clustersim --qemu-kernel $(QEMU_LINUX) --qemu-module $(QEMU_KO)
QEMU_CHECK_DEPS = qemu module-tests module-tools $(BIN)/clustersim $(BIN)/cluster-init
# TCG (no hardware virtualization here) makes a QEMU scenario cost about
# twice a UML one: `make check` runs the wait, exit, ptrace, race and
# crash-inside-an-operation (nodefail-moments) scenarios, where two CPUs
# and preemption matter, on QEMU nodes, and the
# transport and signal suite (module-core) on the mixed cluster, where the
# QEMU node takes part in every test; `make check-qemu-all` runs every
# module scenario on QEMU nodes (module-core and module-unload as well).
QEMU_CHECK_SCENARIOS ?= module-lifetime module-proc module-ptrace races races-moves nodefail-moments
QEMU_MIXED_SCENARIOS ?= module-core module-proc module-ptrace

check-qemu: $(QEMU_CHECK_DEPS)
	@fail=0; for s in $(QEMU_CHECK_SCENARIOS); do \
		echo "check-qemu: $$s"; \
		$(QEMU_SIM) --backend qemu -q run $(CP_SCN_DIR)/$$s.scn || fail=1; \
	done; \
	[ $$fail -eq 0 ] && echo "check-qemu: all scenarios passed on $(QFLAVOR)"; \
	exit $$fail

check-mixed: $(QEMU_CHECK_DEPS) module
	@fail=0; for s in $(QEMU_MIXED_SCENARIOS); do \
		echo "check-mixed: $$s (nodes 1, 3 UML $(FLAVOR), node 2 QEMU $(QFLAVOR))"; \
		$(QEMU_SIM) --kernel $(CP_UML) --module $(MODULE_KO) \
			--qemu-nodes 2 -q run $(CP_SCN_DIR)/$$s.scn || fail=1; \
	done; \
	[ $$fail -eq 0 ] && echo "check-mixed: all scenarios passed"; \
	exit $$fail

CHECK_GUEST_TARGETS += check-qemu check-mixed
check-qemu-all:
	@$(MAKE) --no-print-directory check-qemu \
		QEMU_CHECK_SCENARIOS="$(basename $(notdir $(CP_SCENARIOS)))"

.PHONY: check-qemu check-mixed check-qemu-all

# ---- bench-qemu (in `make bench`, QFLAVOR=qemu) ----
# Join time and memory per node of QEMU clusters (as bench-cluster does for
# UML; with KVM and TCG for reference where the CPU virtualizes, else
# TCG), and the module's remote-operation latencies on QEMU nodes
# next to UML's (bench-module).
QEMU_BENCH_NODES ?= 3:5 8:3
bench-qemu: $(QEMU_CHECK_DEPS)
	@if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ]; then accels="kvm tcg"; else \
		accels=tcg; echo "bench-qemu: no hardware virtualization (vmx/svm) here: TCG only (a software /dev/kvm such as kvm_pvm cannot run these kernels)"; fi; \
	for accel in $$accels; do \
		echo "bench-qemu: QEMU nodes, --accel $$accel, $(QFLAVOR) kernel"; \
		BENCH_NODES="$(QEMU_BENCH_NODES)" $(TOP)/scripts/bench-cluster.sh \
			$(BIN)/clustersim $(QEMU_LINUX) \
			"--backend qemu --accel $$accel --qemu-kernel $(QEMU_LINUX) --qemu-module $(QEMU_KO)" || \
			echo "bench-qemu: (the join targets are KVM's; a boot that did not form is named above)"; \
	done
	@$(QEMU_SIM) --backend qemu -q --runs $(BUILD)/bench-runs \
		run $(CP_SCN_DIR)/module-bench.scn >$(BUILD)/bench-qemu.out 2>&1 || \
		{ cat $(BUILD)/bench-qemu.out; exit 1; }
	@echo "bench-qemu: node 1 -> node 2, QEMU nodes ($(QFLAVOR) kernel)"
	@grep -E '^(operation|rtt\.|kill|exec|deadwait|extra)' \
		$(BUILD)/bench-runs/latest/node1/01-bench_module.log

# ---- bench-qemu-boot (not in `make bench`: tens of boots) ----
# BOOTS boots of a 3-node qemu-debug cluster (-smp 2, TCG here): how many
# did not form, out of how many (node_qemu.c: the periodic tick).
BOOTS ?= 30
bench-qemu-boot: $(QEMU_CHECK_DEPS)
	@$(TOP)/scripts/bench-qemu-boot.sh $(BIN)/clustersim \
		$(CP_SCN_DIR)/connectivity.scn $(BOOTS) --backend qemu \
		--qemu-kernel $(QEMU_LINUX) --qemu-module $(QEMU_KO)

.PHONY: bench-qemu bench-qemu-boot
