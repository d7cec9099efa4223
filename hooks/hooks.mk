# hooks/hooks.mk: measurements and checks of the hook series (owner: hooks
# helper).  Each measurement target prints its number.
#
#   make hooks-basediff     lines added/removed in base kernel files
#                           (new files not counted; target <= +160 -30, the kernel-correctness fixes)
#   make hooks-neutrality   vanilla vs patched with CONFIG_CLUSTERPROC=n:
#                           build only the touched objects, compare the
#                           machine code function by function (target 0)
#   make bench-hooks        overhead, CONFIG_CLUSTERPROC=y with no module
#                           vs vanilla, kernels alternated in one run
#                           (ratios; target <= 1.01)
#   make hooks-textsize     code size of the hooked objects, vanilla vs =y
#   make hooks-checkpatch   scripts/checkpatch.pl --strict on every patch
#   make hooks-apply        the series applies to Debian's linux-source-6.1
#   make check-hooks        for `make check`: apply + checkpatch + basediff
#                           within target + neutrality 0
#
# Uses the lead's trees $(VSRC) (pristine) and $(PSRC) (series applied);
# its own output goes under $(BUILD)/hooks.

HOOKS_DIR     := $(TOP)/hooks
HOOKS_OUT     := $(BUILD)/hooks
HOOKS_PATCHES := $(HOOKS_DIR)/patches
HOOKS_SERIES  := $(shell grep -v '^[[:space:]]*\(\#\|$$\)' $(HOOKS_PATCHES)/series 2>/dev/null)
HOOKS_JOBS    ?= 2
HOOKS_MAXADD  ?= 160
HOOKS_MAXDEL  ?= 30
HOOKS_BENCH_SRC := $(wildcard $(HOOKS_DIR)/bench/*.c)
HOOKS_BENCH   := $(patsubst $(HOOKS_DIR)/bench/%.c,$(HOOKS_OUT)/bench/%,$(HOOKS_BENCH_SRC))
HOOKS_ROUNDS  ?= 8
HOOKS_BENCH_ITERS ?=
# The reference kernel: the pipeline's vanilla flavor (bench-hooks builds it).
HOOKS_VANILLA ?= $(BUILD)/uml/vanilla/linux
HOOKS_PATCHED ?= $(BUILD)/uml/default/linux

hooks-basediff:
	@$(TOP)/scripts/hooks-basediff.sh $(HOOKS_PATCHES) $(HOOKS_MAXADD) $(HOOKS_MAXDEL)

hooks-neutrality: $(BUILD)/src/.vanilla $(BUILD)/src/.series
	@$(TOP)/scripts/hooks-neutrality.sh $(VSRC) $(PSRC) $(HOOKS_OUT)/neutral \
		$(HOOKS_PATCHES) $(TOP) $(HOOKS_JOBS)

hooks-checkpatch: $(BUILD)/src/.vanilla
	@bad=0; for p in $(HOOKS_SERIES); do \
		out=$$($(VSRC)/scripts/checkpatch.pl --strict --no-tree -q \
			$(HOOKS_PATCHES)/$$p 2>&1) || { echo "== $$p"; echo "$$out"; bad=$$((bad + 1)); }; \
	done; \
	echo "checkpatch: $$bad of $(words $(HOOKS_SERIES)) patches with findings (--strict)"; \
	[ $$bad -eq 0 ]

# Apply to the pristine Debian files: extract from $(KTAR) only the base
# files the series touches (the new files it creates are not in it).
hooks-apply: $(BUILD)/src/.vanilla
	@rm -rf $(HOOKS_OUT)/apply && mkdir -p $(HOOKS_OUT)/apply
	@files=$$(for p in $(HOOKS_SERIES); do sed -n 's|^+++ b/||p' $(HOOKS_PATCHES)/$$p; done | \
		sort -u | while read -r f; do [ -e $(VSRC)/$$f ] && echo "*/$$f"; done); \
	tar xf $(KTAR) -C $(HOOKS_OUT)/apply --strip-components=1 --wildcards $$files
	@cd $(HOOKS_OUT)/apply && for p in $(HOOKS_SERIES); do \
		patch -p1 -s --batch --forward <$(HOOKS_PATCHES)/$$p >/dev/null || \
			{ echo "hooks: $$p does not apply" >&2; exit 1; }; \
	done
	@echo "hooks: $(words $(HOOKS_SERIES)) patches apply to pristine $(notdir $(KTAR))"
	@rm -rf $(HOOKS_OUT)/apply

$(HOOKS_OUT)/bench/%: $(HOOKS_DIR)/bench/%.c $(HOOKS_DIR)/bench/bench.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $<

hooks-bench-progs: $(HOOKS_BENCH)

# Static cost: code size of the hooked objects, vanilla vs =y, per function.
HOOKS_OBJS = $(shell for p in $(HOOKS_SERIES); do sed -n 's|^+++ b/\(.*\)\.c$$|\1.o|p' \
		$(HOOKS_PATCHES)/$$p; done | sort -u | while read -r o; do \
		[ -f $(BUILD)/uml/vanilla/$$o ] && echo $$o; done)

hooks-textsize:
	@$(TOP)/scripts/hooks-textsize.sh $(BUILD)/uml/vanilla $(BUILD)/uml/default $(HOOKS_OBJS)

bench-hooks: $(HOOKS_BENCH) $(BIN)/clustersim $(BIN)/cluster-init
	@$(MAKE) --no-print-directory FLAVOR=vanilla kernel
	@$(TOP)/scripts/hooks-bench.sh $(BIN)/clustersim $(HOOKS_PATCHED) \
		$(HOOKS_VANILLA) $(HOOKS_OUT)/bench $(HOOKS_ROUNDS) $(HOOKS_OUT)/runs $(HOOKS_BENCH_ITERS)
	@if [ -d $(BUILD)/uml/vanilla ]; then $(MAKE) --no-print-directory hooks-textsize | tail -1; fi

check-hooks: hooks-apply hooks-checkpatch hooks-basediff
	@$(MAKE) --no-print-directory hooks-neutrality | tee $(HOOKS_OUT)/neutrality.txt
	@tail -1 $(HOOKS_OUT)/neutrality.txt | grep -q 'noline: 0 of' || \
		{ echo "check-hooks: CONFIG_CLUSTERPROC=n is not binary-neutral" >&2; exit 1; }
	@echo "check-hooks: ok"

.PHONY: hooks-basediff hooks-neutrality hooks-checkpatch hooks-apply \
	hooks-bench-progs hooks-textsize bench-hooks check-hooks

# Hooked into the top Makefile's lists (see CONTEXT.md, lead's notes).
CHECK_HOST_TARGETS += check-hooks
BENCH_TARGETS += bench-hooks
