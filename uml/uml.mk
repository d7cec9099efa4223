# uml/uml.mk: Debian's linux-source-6.1 -> patched tree -> UML kernel (out of tree, ccache).
#
#   $(KSRC)                 pristine unpack + hooks/patches/series (or pristine: vanilla)
#   $(KDIR)                 O= directory of one flavor
#   $(UML_LINUX)            the UML kernel binary
#
# Flavors (FLAVOR=..., DEBUG=1 is FLAVOR=debug):
#   default  patched, base + clusterproc-y          the cluster kernel
#   debug    patched, base + clusterproc-y + debug  lockdep, KASAN, hung-task
#   cpn      patched, base + clusterproc-n          must equal vanilla
#   vanilla  pristine Debian source, base           the reference
#
# Each step has a stamp; a second `make` with nothing changed runs no build step.

KTAR      ?= /usr/src/linux-source-6.1.tar.xz
PSRC      := $(BUILD)/src/linux
VSRC      := $(BUILD)/src/vanilla
KSTATE    := $(BUILD)/src/applied
KSRC      := $(if $(filter vanilla,$(FLAVOR)),$(VSRC),$(PSRC))
KDIR      := $(BUILD)/uml/$(FLAVOR)
UML_LINUX := $(KDIR)/linux
PATCHES   := $(wildcard $(TOP)/hooks/patches/*.patch)
SERIES    := $(TOP)/hooks/patches/series
HAVE_CP   := $(shell grep -ls '^+config CLUSTERPROC$$' $(PATCHES) /dev/null)
KFRAGS    := $(TOP)/configs/base.config \
             $(if $(HAVE_CP),$(if $(filter default debug,$(FLAVOR)),$(TOP)/configs/clusterproc-y.config)) \
             $(if $(HAVE_CP),$(if $(filter cpn,$(FLAVOR)),$(TOP)/configs/clusterproc-n.config)) \
             $(if $(filter debug,$(FLAVOR)),$(TOP)/configs/debug.config) \
             $(KDIR)/release.fragment
KSTAMP    := $(if $(filter vanilla,$(FLAVOR)),$(BUILD)/src/.vanilla,$(BUILD)/src/.series)
# Fixes to UML itself (not hooks), applied to every tree, vanilla included.
FIXES     := $(TOP)/uml/fixes
FIX_PATCHES := $(wildcard $(FIXES)/*.patch)
# Boot fixes for the kernels of QEMU nodes (qemu/qemu.mk: x86 under QEMU, an
# RCU-tasks deadlock of 6.1), in the patched tree only.
QFIXES    := $(TOP)/qemu/fixes
QFIX_PATCHES := $(wildcard $(QFIXES)/*.patch)
# The release suffix names the hook series: sha256 over its patches, in order.
SERIES_SHA8 = $(shell for p in $$(grep -v '^[[:space:]]*\(\#\|$$\)' $(SERIES) 2>/dev/null); do \
                cat $(TOP)/hooks/patches/$$p; done | sha256sum | cut -c1-8)
# Applying a series (exclusive) never runs under a build of the same tree (shared).
SRCLOCK    = flock $(1) $(BUILD)/src/.lock

$(BUILD)/src/.unpacked: $(KTAR)
	@test -r $(KTAR) || { echo "uml: $(KTAR) missing: run 'make setup'" >&2; exit 1; }
	@echo "uml: unpacking $(notdir $(KTAR)) for the patched tree"
	@rm -rf $(PSRC) $(KSTATE) && mkdir -p $(PSRC)
	@tar xf $(KTAR) -C $(PSRC) --strip-components=1
	@touch $@

$(BUILD)/src/.vanilla-unpacked: $(KTAR)
	@echo "uml: unpacking $(notdir $(KTAR)) for the vanilla tree"
	@rm -rf $(VSRC) $(BUILD)/src/applied-vanilla && mkdir -p $(VSRC)
	@tar xf $(KTAR) -C $(VSRC) --strip-components=1
	@touch $@

$(BUILD)/src/.vanilla: $(BUILD)/src/.vanilla-unpacked $(FIXES)/series $(FIX_PATCHES) $(TOP)/uml/apply-series.sh
	@$(call SRCLOCK,-x) $(TOP)/uml/apply-series.sh $(VSRC) $(BUILD)/src/applied-vanilla $(FIXES)
	@touch $@

$(BUILD)/src/.series: $(BUILD)/src/.unpacked $(wildcard $(SERIES)) $(PATCHES) $(FIXES)/series $(FIX_PATCHES) $(QFIXES)/series $(QFIX_PATCHES) $(TOP)/uml/apply-series.sh
	@$(call SRCLOCK,-x) $(TOP)/uml/apply-series.sh $(PSRC) $(KSTATE) $(FIXES) $(QFIXES) $(TOP)/hooks/patches
	@touch $@

# The release string names the series, so a node can prove which tree it runs.
# Not named localversion*: Kbuild appends the content of such files in $(KDIR).
$(KDIR)/release.fragment: $(KSTAMP) FORCE
	@mkdir -p $(KDIR)
	@v="CONFIG_LOCALVERSION=\"-$(if $(filter vanilla,$(FLAVOR)),vanilla,cp$(SERIES_SHA8))$(if $(filter-out default vanilla,$(FLAVOR)),-$(FLAVOR))\""; \
	 [ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" >$@

$(KDIR)/.config.stamp: $(KFRAGS) $(KSTAMP) $(TOP)/uml/merge-config.sh
	@echo "uml: configuring $(FLAVOR) from $(notdir $(KFRAGS))"
	@$(TOP)/uml/merge-config.sh $(KSRC) $(KDIR) $(KFRAGS)
	@touch $@

# Kbuild tracks its own dependencies but takes ~20 s to find nothing to do;
# skip it unless a source file or the config is newer than the last build.
kernel: $(KDIR)/.config.stamp
	@if [ -f $(KDIR)/.built ] && [ -x $(UML_LINUX) ] && \
	    [ -z "$$(find $(KSRC) $(KDIR)/.config -newer $(KDIR)/.built -print -quit)" ]; then \
		echo "uml: kernel $(FLAVOR) up to date"; \
	else \
		touch $(KDIR)/.built.new && \
		$(call SRCLOCK,-s) $(TOP)/uml/build-kernel.sh $(KSRC) $(KDIR) $(JOBS) && \
		mv $(KDIR)/.built.new $(KDIR)/.built; \
	fi

kernel-clean:
	rm -rf $(KDIR)

.PHONY: kernel kernel-clean FORCE
