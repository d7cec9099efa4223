#!/bin/sh
# hooks-textsize.sh VANILLA_O PATCHED_O OBJ...: code size of every function
# of the objects OBJ (paths relative to the O= dirs) in the vanilla build
# and in the patched build (CONFIG_CLUSTERPROC=y): the static cost of the
# hooks with no module loaded, function by function (bytes; only functions
# whose size changed), and the total.
set -eu
[ $# -ge 3 ] || { echo "usage: $0 VANILLA_O PATCHED_O OBJ..." >&2; exit 2; }
vo=$1 po=$2
shift 2
for obj in "$@"; do
	for side in v p; do
		if [ $side = v ]; then o=$vo/$obj; else o=$po/$obj; fi
		[ -f "$o" ] || { echo "textsize: no $o (build both kernels)" >&2; exit 1; }
		nm -S -t d "$o" | awk -v s=$side -v obj="$obj" \
			'NF == 4 && $3 ~ /^[tT]$/ { print s, obj, $4, $2 + 0 }'
	done
done | awk '
	{ size[$1, $2 " " $3] = $4; fn[$2 " " $3] = 1 }
	END {
		for (f in fn) {
			v = size["v", f] + 0; p = size["p", f] + 0
			tv += v; tp += p
			if (v != p) printf "  %-48s %6d -> %6d bytes (%+d)\n", f, v, p, p - v
		}
		printf "textsize: hooked objects %d -> %d bytes of code (%+d, %+.2f%%) with CONFIG_CLUSTERPROC=y\n", tv, tp, tp - tv, 100 * (tp - tv) / tv
	}'
