#!/bin/sh
# bench-rebuild.sh TOP: incremental rebuild times of the default flavor.
#   null      `make kernel module` with nothing changed
#   module    after touching one source file of the module
#   patch     after the files one patch of the series changes were edited
#             (the last patch's files touched in the patched tree)
set -eu
top=$1
cd "$top"
patch=$top/hooks/patches/$(grep -v '^#' hooks/patches/series | grep . | tail -1)
files=$(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$patch" | sort -u)

timed() { # label, make targets...
	label=$1
	shift
	t0=$(date +%s.%N)
	make --no-print-directory "$@" >/tmp/bench-rebuild.$$.log 2>&1 ||
		{ tail -20 /tmp/bench-rebuild.$$.log >&2; exit 1; }
	t1=$(date +%s.%N)
	printf 'rebuild: %-34s %6.1f s\n' "$label" "$(echo "$t1 - $t0" | bc)"
	rm -f /tmp/bench-rebuild.$$.log
}

make --no-print-directory kernel module >/dev/null
timed "nothing changed (kernel module)" kernel module
touch hooks/clusterproc/main.c
timed "one module file touched (module)" module
(cd "${BUILD:-$top/build}/src/linux" && touch $files)
timed "$(basename "$patch" | cut -c1-4): $(echo $files | wc -w) files edited (kernel module)" kernel module
