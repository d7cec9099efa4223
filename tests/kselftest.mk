# tests/kselftest.mk: the kernel's own selftests for the code the hooks touch,
# run inside a UML node on the vanilla kernel and on the patched kernel with and
# without the module; any difference in a test's result fails `make check`.

KST_DIR     := $(BUILD)/kselftest
KST_INST    := $(KST_DIR)/install
KST_TARGETS ?= ptrace pidfd clone3 exec
KST_MEMBERS := tools scripts Makefile include usr arch/x86
# Per-test timeout (the runner's default is 45 s): three kernels run at
# once on 2 cores, one with KASAN; pidfd_poll_test once took over 45 s
# there. The same limit for every kernel, so the comparison stays fair.
KST_TIMEOUT ?= 300

# Built from Debian's source with the host's 6.1.192 uapi headers (linux-libc-dev).
$(KST_DIR)/.built: $(KTAR) $(TOP)/tests/kselftest.mk
	@echo "kselftest: building $(KST_TARGETS)"
	@rm -rf $(KST_DIR)/src $(KST_INST) && mkdir -p $(KST_DIR)/src
	@tar xf $(KTAR) -C $(KST_DIR)/src --strip-components=1 $(addprefix linux-source-6.1/,$(KST_MEMBERS))
	@$(MAKE) -s -C $(KST_DIR)/src/tools/testing/selftests TARGETS="$(KST_TARGETS)" \
		KHDR_INCLUDES="-isystem /usr/include" INSTALL_PATH=$(KST_INST) install \
		>$(KST_DIR)/build.log 2>&1 || { tail -20 $(KST_DIR)/build.log >&2; exit 1; }
	@for t in $(KST_TARGETS); do echo "timeout=$(KST_TIMEOUT)" >$(KST_INST)/$$t/settings; done
	@touch $@

kselftest-build: $(KST_DIR)/.built

# vanilla first: it is the reference the other two are compared with.
check-kselftest: kselftest-build sim
	@$(MAKE) --no-print-directory FLAVOR=vanilla kernel
	@$(TOP)/scripts/kselftest-compare.sh $(BIN)/clustersim $(KST_INST) $(KST_DIR)/results \
		vanilla:$(BUILD)/uml/vanilla/linux \
		patched:$(UML_LINUX) \
		patched+module:$(UML_LINUX):$(MODULE_KO)

.PHONY: kselftest-build check-kselftest
