#!/bin/sh
# hooks-bench.sh CLUSTERSIM KPATCHED KVANILLA BENCHDIR ROUNDS RUNSDIR [PROG:ITERS...]
# Overhead of the hooks with no module loaded: boots a 1-node cluster on
# each kernel in turn (the order alternates every round), runs every
# benchmark program of BENCHDIR inside the node, and compares the
# "# bench NAME iterations=N ns_per_op=X" lines.  Per benchmark: the mean
# ns/op on each kernel, the median over rounds of the per-round ratio
# patched/vanilla, and the ratio of the per-kernel minimums (the least
# disturbed run of each; the machine is shared, so this is the steadier
# figure).  Target <= 1.01.
set -eu
[ $# -ge 6 ] || { echo "usage: $0 CLUSTERSIM KPATCHED KVANILLA BENCHDIR ROUNDS RUNSDIR [PROG:ITERS...]" >&2; exit 2; }
cs=$1 kp=$2 kv=$3 dir=$4 rounds=$5 runs=$6
shift 6
# UML forks slowly (a host address space per process): small counts.
progs=${*:-fork-exit-wait:40 signal:200 ptrace:200 setpgid:2000}
for k in "$kp" "$kv"; do
	[ -x "$k" ] || { echo "bench-hooks: no kernel $k" >&2; exit 1; }
done
script="set -e"
for pi in $progs; do
	[ -x "$dir/${pi%%:*}" ] || { echo "bench-hooks: no program $dir/${pi%%:*}" >&2; exit 1; }
	script="$script; $dir/${pi%%:*} ${pi#*:}"
done
mkdir -p "$runs"
# Pin the node to one CPU (the last): UML bounces every guest syscall
# between host processes, and cross-CPU wake-ups on a shared machine were
# the largest source of noise (95% CI of kill-self 0.87..1.41 unpinned,
# 0.97..1.01 pinned).  HOOKS_BENCH_CPU= (empty) turns it off.
cpu=${HOOKS_BENCH_CPU-$(($(getconf _NPROCESSORS_ONLN) - 1))}
pin=
if [ -n "$cpu" ] && command -v taskset >/dev/null; then pin="taskset -c $cpu"; fi
res=$(mktemp)
trap 'rm -f "$res"' EXIT

r=1
while [ "$r" -le "$rounds" ]; do
	if [ $((r % 2)) -eq 1 ]; then order="vanilla patched"; else order="patched vanilla"; fi
	for which in $order; do
		if [ "$which" = vanilla ]; then k=$kv; else k=$kp; fi
		out=$($pin "$cs" -q -t 600 --nodes 1 --kernel "$k" --no-module --runs "$runs" \
			exec 1 -- /bin/sh -c "$script") || {
			echo "bench-hooks: round $r on $which failed:" >&2
			echo "$out" >&2; exit 1; }
		echo "$out" | sed -n "s/^# bench \([^ ]*\) iterations=[0-9]* ns_per_op=\([0-9.]*\).*/$r $which \1 \2/p" >>"$res"
	done
	r=$((r + 1))
done

echo "bench-hooks: $rounds rounds, patched=$kp vanilla=$kv (module not loaded${pin:+, $pin})"
awk '
	{ ns[$1, $2, $3] = $4; names[$3] = 1; rounds[$1] = 1 }
	END {
		worst = 0
		for (b in names) {
			n = 0; sv = 0; sp = 0; mv = 0; mp = 0; sl = 0; sl2 = 0
			for (r in rounds) {
				v = ns[r, "vanilla", b]; p = ns[r, "patched", b]
				if (v == "" || p == "" || v == 0) continue
				ratio[++n] = p / v; sv += v; sp += p
				sl += log(p / v); sl2 += log(p / v) ^ 2
				if (mv == 0 || v < mv) mv = v
				if (mp == 0 || p < mp) mp = p
			}
			if (n == 0) continue
			for (i = 1; i <= n; i++)
				for (j = i + 1; j <= n; j++)
					if (ratio[j] < ratio[i]) { t = ratio[i]; ratio[i] = ratio[j]; ratio[j] = t }
			med = (n % 2) ? ratio[(n + 1) / 2] : (ratio[n / 2] + ratio[n / 2 + 1]) / 2
			gm = sl / n
			se = (n > 1) ? sqrt((sl2 - n * gm * gm) / (n - 1) / n) : 0
			printf "  %-24s vanilla %10.1f patched %10.1f ns/op (means); ratio: median %.4f, of minimums %.4f, geomean %.4f (95%% CI %.3f..%.3f; %d rounds, range %.3f..%.3f)\n", b, sv / n, sp / n, med, mp / mv, exp(gm), exp(gm - 2 * se), exp(gm + 2 * se), n, ratio[1], ratio[n]
			if (med > worst) worst = med
			if (mp / mv > worstmin) worstmin = mp / mv
		}
		printf "bench-hooks: worst ratio patched/vanilla: of minimums %.4f, median %.4f (target <= 1.01)\n", worstmin, worst
	}' "$res"
