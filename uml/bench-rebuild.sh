#!/bin/sh
# bench-rebuild.sh TOP: incremental rebuild times of the default flavor.
#   null      `make kernel module` with nothing changed
#   module    after touching one source file of the module
#   patch     after an edit to one patch of the series (a comment line appended:
#             the series is re-applied, so every file it touches gets a new mtime)
# The edited patch is restored on every exit path.
set -eu
top=$1
cd "$top"
patch=$top/hooks/patches/$(grep -v '^#' hooks/patches/series | grep . | tail -1)
saved=$(mktemp)
cp -p "$patch" "$saved"
restore() { cp -p "$saved" "$patch"; rm -f "$saved"; }
trap 'restore; exit 130' INT TERM
trap restore EXIT

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
echo "# bench-rebuild: a comment line" >>"$patch"
timed "one patch edited (kernel module)" kernel module
restore
trap - EXIT INT TERM
make --no-print-directory kernel module >/dev/null
