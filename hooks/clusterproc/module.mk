# hooks/clusterproc/module.mk: the clusterproc module, its user-space
# tools and its guest tests. Owned by the module helper; included by the
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
KSRC ?= /work/build-scratch/linux-source-6.1

CP_MOD_SRCS := $(wildcard $(CP_HERE)/*.c $(CP_HERE)/*.h) $(CP_HERE)/Kbuild
# kbuild writes next to the sources: build a copy, never the source tree
CP_MOD_COPY := $(BUILD)/module/$(FLAVOR)/src
# `make linux modules_prepare` leaves vmlinux.symvers but no Module.symvers
CP_SYMVERS = $(firstword $(wildcard $(KDIR)/Module.symvers $(KDIR)/vmlinux.symvers))
CP_KMAKE = $(MAKE) -C $(KDIR) M=$(CP_MOD_COPY) ARCH=um CC="ccache gcc" \
	$(if $(filter %/vmlinux.symvers,$(CP_SYMVERS)),KBUILD_EXTRA_SYMBOLS=$(CP_SYMVERS))

# scenario PROGs without a slash are looked up in $(BUILD)/tests/guest
CP_GUEST_DIR := $(BUILD)/tests/guest
CP_GUEST_SRCS := $(wildcard $(TOP)/tests/guest/module/*.c)
CP_GUEST_LIB := $(TOP)/tests/guest/module/cp_test_util.c
CP_GUEST_TESTS := $(patsubst $(TOP)/tests/guest/module/%.c,$(CP_GUEST_DIR)/%,\
	$(filter-out $(CP_GUEST_LIB),$(CP_GUEST_SRCS)))

CP_USER_DIR := $(CP_HERE)/user
CP_USER_LIB := $(CP_USER_DIR)/cp_ps_read.c
CP_USER_TOOLS := $(BIN)/cps $(BIN)/where

.PHONY: module module-tests module-tools module-checkpatch module-clean \
	cp-module-force

module: $(MODULE_KO)

# Kbuild decides what to rebuild (sources, kernel headers, config); the
# top Makefile's kernel target, when there is one, runs first.
$(MODULE_KO): cp-module-force | $(if $(UML_LINUX),kernel)
	@test -n "$(CP_SYMVERS)" || \
		{ echo "module: no kernel build in $(KDIR)" >&2; exit 1; }
	@mkdir -p $(CP_MOD_COPY) $(dir $@)
	@# --delete drops removed sources; excluded build outputs stay
	@rsync -a --delete --include='*.c' --include='*.h' --include=Kbuild \
		--exclude='*' $(CP_HERE)/ $(CP_MOD_COPY)/
	@$(CP_KMAKE) modules
	@cmp -s $(CP_MOD_COPY)/clusterproc.ko $@ || \
		cp $(CP_MOD_COPY)/clusterproc.ko $@

module-tools: $(CP_USER_TOOLS)

$(CP_USER_TOOLS): $(BIN)/%: $(CP_USER_DIR)/%.c $(CP_USER_LIB) $(CP_USER_DIR)/cp_ps_read.h
	mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -I$(CP_USER_DIR) -o $@ $< $(CP_USER_LIB)

module-tests: $(CP_GUEST_TESTS)

# the guest tests use the sim's TIPC barrier helpers (sim/cs_tipc.c)
CP_GUEST_DEPS := $(CP_GUEST_LIB) $(TOP)/sim/cs_tipc.c
$(CP_GUEST_TESTS): $(CP_GUEST_DIR)/%: $(TOP)/tests/guest/module/%.c $(CP_GUEST_DEPS) \
		$(TOP)/tests/guest/module/cp_test_util.h $(CP_HERE)/cp_wire.h
	mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -I$(CP_HERE) -I$(TOP)/tests/guest/module \
		-I$(TOP)/sim -o $@ $< $(CP_GUEST_DEPS) $(CHECK_LIBS)

module-checkpatch:
	$(KSRC)/scripts/checkpatch.pl --no-tree --quiet \
		--ignore FILE_PATH_CHANGES -f \
		$(filter-out %/Kbuild,$(CP_MOD_SRCS))

module-clean:
	rm -rf $(BUILD)/module/$(FLAVOR) $(CP_GUEST_DIR) $(CP_USER_TOOLS)
