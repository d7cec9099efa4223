#!/bin/sh
# bench-cluster.sh CLUSTERSIM KERNEL [MODULE_OPT]
# Join time (launch -> every node joined, as the launcher sees it) for
# $BENCH_NODES (default "3 8 16") nodes, median of $BENCH_RUNS (default 3)
# boots each, and memory per node (PSS summed over the node's host
# processes, largest RSS; mem= is the guest RAM limit), from the stats file
# clustersim writes to runs/<id>/stats. Thin glue: all measuring is in
# clustersim. Not a test: the machine's load shows up in the numbers.
set -eu
cs=$1 kernel=$2 modopt=${3:---no-module}
runs=${BENCH_RUNS:-3}
sizes=${BENCH_NODES:-3 8 16}
tmp=$(mktemp -d /tmp/cs-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

median() { sort -n | awk '{v[NR]=$1} END {if (NR) print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2); else print "-"}'; }
minmax() { sort -n | awk 'NR==1{m=$1} {x=$1} END {if (NR) printf "%s..%s", m, x; else print "-"}'; }
stat_of() { sed -n "s/^$1=//p" "$2"; }

printf 'bench-cluster: %s runs per size, kernel %s, %s, load average %s\n' \
	"$runs" "$kernel" "$modopt" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-10s %-12s %-8s %-6s %-9s %-11s %-11s %-5s %s\n' nodes "join(med)" "min..max" target ok "CPU/node" "PSS/node" "RSS/node" "mem=" "failed runs"
fail=0
for n in $sizes; do
	: >"$tmp/join" ; : >"$tmp/pss" ; : >"$tmp/rss" ; : >"$tmp/cpu"
	i=0 fails=0 mem=
	while [ $i -lt "$runs" ]; do
		i=$((i + 1))
		if ! "$cs" -q -t "${BENCH_TIMEOUT:-30}" --nodes "$n" --kernel "$kernel" \
			$modopt --runs "$tmp/runs" exec 1 -- true >"$tmp/out" 2>&1; then
			echo "bench-cluster: run $i with $n nodes failed: $(head -1 "$tmp/out")" >&2
			fails=$((fails + 1))
			fail=1
			continue
		fi
		s=$tmp/runs/latest/stats
		stat_of joined_s "$s" >>"$tmp/join"
		stat_of pss_kib_per_node "$s" >>"$tmp/pss"
		stat_of rss_kib_per_node "$s" >>"$tmp/rss"
		stat_of cpu_ms_per_node_at_join "$s" >>"$tmp/cpu"
		mem=$(stat_of mem_mb "$s")
	done
	j=$(median <"$tmp/join")
	case $n in 8) t=2 ;; 16) t=4 ;; *) t= ;; esac
	ok=-
	[ -n "$t" ] && [ "$j" != - ] && ok=$(awk -v j="$j" -v t="$t" 'BEGIN {print (j < t) ? "yes" : "NO"}')
	pss=$(median <"$tmp/pss" | awk '$1 == "-" {print "-"; next} {printf "%.1f MiB", $1 / 1024}')
	rss=$(median <"$tmp/rss" | awk '$1 == "-" {print "-"; next} {printf "%.1f MiB", $1 / 1024}')
	cpu=$(median <"$tmp/cpu")
	printf '%-6s %-10s %-12s %-8s %-6s %-9s %-11s %-11s %-5s %s\n' "$n" "$j s" "$(minmax <"$tmp/join")" \
		"${t:+< $t s}" "$ok" "$cpu ms" "$pss" "$rss" "${mem:-?}M" "$fails/$runs"
done
printf 'CPU/node: host CPU time a node used until the join (load-independent); 2 cores here\n'
printf 'memory target: <= 64 MiB per node (guest RAM mem= and host PSS)\n'
exit $fail
