#!/bin/sh
# bench-cluster.sh CLUSTERSIM KERNEL [MODULE_OPT]
# Cluster formation at $BENCH_NODES (default "3 8 16 32 64") nodes,
# $BENCH_RUNS boots each (default 5; "N:R" entries in BENCH_NODES set R
# boots for N nodes): first how many boots FORMED (every node joined) out
# of those TRIED, then over the boots that formed the join time (launch ->
# every node joined, as the launcher sees it) and the memory per node
# (PSS summed over the node's host processes, largest RSS; mem= is the
# guest RAM limit), from runs/<id>/stats. A boot that did not form is
# kept under $BENCH_KEEP (default runs/bench-failed) and named on stderr
# with the launcher's first diagnosis lines. Thin glue: all measuring is
# in clustersim. Not a test: the machine's load shows up in the times.
set -eu
cs=$1 kernel=$2 modopt=${3:---no-module}
runs=${BENCH_RUNS:-5}
sizes=${BENCH_NODES:-3 8 16 32 64}
keep=${BENCH_KEEP:-runs/bench-failed}
tmp=$(mktemp -d /tmp/cs-bench-XXXXXX)
# runs/ in it: a root clustersim's nodes run as another user (nodeuser.c)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM

median() { sort -n | awk '{v[NR]=$1} END {if (NR) print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2); else print "-"}'; }
p90() { sort -n | awk '{v[NR]=$1} END {if (NR) {i=int(NR*0.9+0.999); print v[i < 1 ? 1 : i]} else print "-"}'; }
minmax() { sort -n | awk 'NR==1{m=$1} {x=$1} END {if (NR) printf "%s..%s", m, x; else print "-"}'; }
stat_of() { sed -n "s/^$1=//p" "$2"; }

printf 'bench-cluster: kernel %s, %s, load average %s, %s CPUs\n' \
	"$kernel" "$modopt" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"
printf '%-6s %-13s %-10s %-10s %-12s %-7s %-4s %-9s %-11s %-11s %s\n' nodes formed/tried \
	"join(med)" "join(p90)" "min..max" target ok "CPU/node" "PSS/node" "RSS/node" "mem="
fail=0
for spec in $sizes; do
	n=${spec%%:*}
	tries=$runs
	[ "$spec" != "$n" ] && tries=${spec#*:}
	: >"$tmp/join" ; : >"$tmp/pss" ; : >"$tmp/rss" ; : >"$tmp/cpu"
	i=0 formed=0 mem=
	while [ "$i" -lt "$tries" ]; do
		i=$((i + 1))
		rm -rf "$tmp/runs"
		st=0
		"$cs" -q -t "${BENCH_TIMEOUT:-60}" --nodes "$n" --kernel "$kernel" \
			$modopt --runs "$tmp/runs" exec 1 -- true >"$tmp/out" 2>&1 || st=$?
		s=$tmp/runs/latest/stats
		j=$( [ -f "$s" ] && stat_of joined_s "$s" || echo -1)
		case $j in
		-*|"")
			id=$(basename "$(readlink -f "$tmp/runs/latest" 2>/dev/null || echo none)")
			mkdir -p "$keep"
			[ -d "$tmp/runs/$id" ] && mv "$tmp/runs/$id" "$keep/$id"
			echo "bench-cluster: $n nodes, boot $i/$tries did NOT form (exit $st), kept in $keep/$id:" >&2
			grep -m 6 'clustersim: \(node[0-9]*: \(not joined\|switch port\|fatal\|error\)\|timeout\)' "$tmp/out" | sed 's/^/    /' >&2 || true
			continue
			;;
		esac
		formed=$((formed + 1))
		[ "$st" -eq 0 ] || echo "bench-cluster: $n nodes, boot $i/$tries formed in $j s but the run failed (exit $st): $(head -1 "$tmp/out")" >&2
		echo "$j" >>"$tmp/join"
		stat_of pss_kib_per_node "$s" >>"$tmp/pss"
		stat_of rss_kib_per_node "$s" >>"$tmp/rss"
		stat_of cpu_ms_per_node_at_join "$s" >>"$tmp/cpu"
		mem=$(stat_of mem_mb "$s")
	done
	j=$(median <"$tmp/join")
	j90=$(p90 <"$tmp/join")
	case $n in 64) t=4 ;; *) t=2 ;; esac
	ok=yes
	[ "$formed" -eq "$tries" ] || ok=NO
	[ "$j" != - ] && [ "$(awk -v j="$j" -v t="$t" 'BEGIN {print (j < t)}')" = 1 ] || ok=NO
	[ "$ok" = yes ] || fail=1
	pss=$(median <"$tmp/pss" | awk '$1 == "-" {print "-"; next} {printf "%.1f MiB", $1 / 1024}')
	rss=$(median <"$tmp/rss" | awk '$1 == "-" {print "-"; next} {printf "%.1f MiB", $1 / 1024}')
	cpu=$(median <"$tmp/cpu")
	printf '%-6s %-13s %-10s %-10s %-12s %-7s %-4s %-9s %-11s %-11s %s\n' "$n" "$formed/$tries" \
		"$j s" "$j90 s" "$(minmax <"$tmp/join")" "< $t s" "$ok" "$cpu ms" "$pss" "$rss" "${mem:-?}M"
done
printf 'formed/tried: boots where every node joined, of all boots (target: all); join times over the formed ones\n'
printf 'CPU/node: host CPU time a node used until the join (load-independent); memory target: <= 64 MiB per node\n'
exit $fail
