#!/bin/sh
# bench-cable.sh CLUSTERSIM KERNEL MODULE: what a vde cable between two
# switches adds to a round trip. module-bench.scn measures node 1 ->
# node 2 (rtt.module: a cp_call() ping, kernel to kernel; rtt.tipc_user:
# a user-space TIPC echo); with --switches 2 node 2 is on the other
# switch, behind `dpipe vde_plug = vde_plug`. Runs alternate one switch
# and two, BENCH_CABLE_RUNS times (default 3); printed: the median of the
# runs' medians, and the difference.
set -eu
cs=$1 kernel=$2 module=$3
runs=${BENCH_CABLE_RUNS:-3}
scn=$(cd "$(dirname "$0")/../tests/scenarios" && pwd)/module-bench.scn
tmp=$(mktemp -d)
# runs/ in it: a root clustersim's nodes run as another user (nodeuser.c)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
i=0
while [ "$i" -lt "$runs" ]; do
	for k in 1 2; do
		"$cs" -q --kernel "$kernel" --module "$module" --switches "$k" \
			--runs "$tmp/runs" run "$scn" >"$tmp/out" 2>&1 ||
			{ cat "$tmp/out"; exit 1; }
		awk -v k="$k" '/^rtt\.(module|tipc_user) / { print $1, k, $3 }' \
			"$tmp/runs/latest/node1/01-bench_module.log" >>"$tmp/rtt"
	done
	i=$((i + 1))
done
echo "bench-cable: node 1 -> node 2, median of $runs runs' medians (us)"
sort -k1,1 -k2,2n -k3,3n "$tmp/rtt" | awk '
	function med(op, k,   n) {
		n = cnt[op, k]
		if (n % 2)
			return v[op, k, (n + 1) / 2]
		return (v[op, k, n / 2] + v[op, k, n / 2 + 1]) / 2
	}
	{ v[$1, $2, ++cnt[$1, $2]] = $3; ops[$1] = 1 }
	END {
		printf "%-16s %10s %12s %10s\n", "operation", "1 switch", "2 switches", "cable adds"
		for (op in ops)
			printf "%-16s %10.1f %12.1f %+10.1f\n", op, med(op, 1), med(op, 2),
				med(op, 2) - med(op, 1)
	}'
