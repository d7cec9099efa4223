# hooks/hooks.mk: measurements of the hook series (owner: hooks helper).
#
#   make hooks-basediff     lines added/removed in base kernel files (seed: +150 -28)
#   make hooks-neutrality   vanilla vs CONFIG_CLUSTERPROC=n, function by function
#   make hooks-checkpatch   scripts/checkpatch.pl --strict on every patch
#   make hooks-apply        the series applies with patch -p1 to a fresh unpack
#   make hooks-bench        build the overhead micro-benchmarks (run them in a guest)
#
# hooks-neutrality uses the lead's trees: $(VSRC) (pristine) and $(PSRC)
# (series applied), and its own O= dirs under $(BUILD)/hooks/neutral.

HOOKS_DIR     := $(TOP)/hooks
HOOKS_OUT     := $(BUILD)/hooks
HOOKS_PATCHES := $(HOOKS_DIR)/patches
HOOKS_KTAR    ?= /usr/src/linux-source-6.1.tar.xz
HOOKS_JOBS    ?= 3
HOOKS_BENCH   := $(patsubst $(HOOKS_DIR)/bench/%.c,$(HOOKS_OUT)/bench/%,$(wildcard $(HOOKS_DIR)/bench/*.c))

hooks-basediff:
	@$(TOP)/scripts/hooks-basediff.sh $(HOOKS_PATCHES)

hooks-neutrality: $(BUILD)/src/.vanilla $(BUILD)/src/.series
	@$(TOP)/scripts/hooks-neutrality.sh $(VSRC) $(PSRC) $(HOOKS_OUT)/neutral \
		$(HOOKS_PATCHES) $(TOP)/configs $(HOOKS_JOBS)

hooks-checkpatch: $(BUILD)/src/.vanilla
	@for p in $$(cat $(HOOKS_PATCHES)/series); do \
		echo "== $$p"; \
		$(VSRC)/scripts/checkpatch.pl --strict --no-signoff -q \
			$(HOOKS_PATCHES)/$$p || true; \
	done

hooks-apply:
	@rm -rf $(HOOKS_OUT)/apply && mkdir -p $(HOOKS_OUT)/apply
	@tar xf $(HOOKS_KTAR) -C $(HOOKS_OUT)/apply --strip-components=1
	@cd $(HOOKS_OUT)/apply && for p in $$(cat $(HOOKS_PATCHES)/series); do \
		patch -p1 -s --dry-run <$(HOOKS_PATCHES)/$$p >/dev/null && \
		patch -p1 -s <$(HOOKS_PATCHES)/$$p || { echo "hooks: $$p does not apply" >&2; exit 1; }; \
	done
	@echo "hooks: $$(wc -l <$(HOOKS_PATCHES)/series) patches apply to a fresh $(notdir $(HOOKS_KTAR))"
	@rm -rf $(HOOKS_OUT)/apply

hooks-bench: $(HOOKS_BENCH)

$(HOOKS_OUT)/bench/%: $(HOOKS_DIR)/bench/%.c $(wildcard $(HOOKS_DIR)/bench/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $<

.PHONY: hooks-basediff hooks-neutrality hooks-checkpatch hooks-apply hooks-bench
