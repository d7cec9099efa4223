# uml/uml.mk: Debian's linux-source-6.1 -> patched tree -> UML kernel (out of tree, ccache).
#
#   $(KSRC)                 pristine unpack + hooks/patches/series
#   $(KDIR)                 O= directory of one flavor (default, debug)
#   $(UML_LINUX)            the UML kernel binary
#
# Each step has a stamp; a second `make` with nothing changed runs no build step.

KTAR      ?= /usr/src/linux-source-6.1.tar.xz
KSRC      := $(BUILD)/src/linux
KSTATE    := $(BUILD)/src/applied
KDIR      := $(BUILD)/uml/$(FLAVOR)
UML_LINUX := $(KDIR)/linux
PATCHES   := $(wildcard $(TOP)/hooks/patches/*.patch)
SERIES    := $(TOP)/hooks/patches/series
KFRAGS    := $(TOP)/configs/base.config \
             $(if $(shell grep -ls '^+config CLUSTERPROC$$' $(PATCHES) /dev/null),$(TOP)/configs/clusterproc-y.config) \
             $(if $(filter debug,$(FLAVOR)),$(TOP)/configs/debug.config) \
             $(KDIR)/localversion.config

$(BUILD)/src/.unpacked: $(KTAR)
	@test -r $(KTAR) || { echo "uml: $(KTAR) missing: run 'make setup'" >&2; exit 1; }
	@echo "uml: unpacking $(notdir $(KTAR))"
	@rm -rf $(KSRC) $(KSTATE) && mkdir -p $(KSRC)
	@tar xf $(KTAR) -C $(KSRC) --strip-components=1
	@touch $@

$(BUILD)/src/.series: $(BUILD)/src/.unpacked $(wildcard $(SERIES)) $(PATCHES) $(TOP)/uml/apply-series.sh
	@$(TOP)/uml/apply-series.sh $(KSRC) $(TOP)/hooks/patches $(KSTATE)
	@touch $@

# The release string names the series, so a node can prove which tree it runs.
$(KDIR)/localversion.config: $(BUILD)/src/.series FORCE
	@mkdir -p $(KDIR)
	@v="CONFIG_LOCALVERSION=\"-cp$$(cat $(KSTATE)/applied.sha 2>/dev/null | cut -c1-8)$(if $(filter debug,$(FLAVOR)),-dbg)\""; \
	 [ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" >$@

$(KDIR)/.config.stamp: $(KFRAGS) $(BUILD)/src/.series $(TOP)/uml/merge-config.sh
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
		$(TOP)/uml/build-kernel.sh $(KSRC) $(KDIR) $(JOBS) && \
		mv $(KDIR)/.built.new $(KDIR)/.built; \
	fi

kernel-clean:
	rm -rf $(KDIR)

.PHONY: kernel kernel-clean FORCE
