# tests/mutants/mutants.mk: `make mutants`, mutation testing of the hook
# series and of the module (tests/mutants/, scripts/mutants.sh). Not in
# `make check`: each kernel mutant is an incremental kernel build.
#   make mutants                      every mutant of tests/mutants/mutants.list
#   make mutants MUTANTS=a,b          a subset
# Runs on the debug flavor (what `make check` boots) unless MUTANTS_FLAVOR=.
MUTANTS ?=
MUTANTS_FLAVOR ?= debug

mutants:
	@$(TOP)/scripts/mutants.sh $(TOP) $(BUILD) $(MUTANTS_FLAVOR) --restore
	@$(MAKE) --no-print-directory FLAVOR=$(MUTANTS_FLAVOR) all
	@$(TOP)/scripts/mutants.sh $(TOP) $(BUILD) $(MUTANTS_FLAVOR) $(MUTANTS)

.PHONY: mutants
