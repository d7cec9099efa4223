#!/bin/sh
# run-demo.sh RUNS CLUSTERSIM [OPTIONS...]: `make run`. Boots the demo
# cluster (tests/scenarios/demo.scn) with runs/ in RUNS, then prints node
# 1's transcript of that run and clustersim's verdict. Exit status:
# clustersim's (1 if a command printed other than demo.steps says).
set -u
runs=$1
shift
scn=$(cd "$(dirname "$0")/../scenarios" && pwd)/demo.scn
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
echo "demo: booting 3 UML nodes and running tests/scenarios/demo.steps in them..."
"$@" -q --runs "$runs" run "$scn" >"$out" 2>&1
rc=$?
# this run's directory, from clustersim's own report (never runs/latest:
# a run that did not start would show an older one's transcript)
dir=$(sed -n 's/^.*logs \(kept \)\{0,1\}in \(.*\) (node<N>.*$/\2/p' "$out" | tail -n 1)
if [ -n "$dir" ] && [ -r "$dir/node1/01-demo-node.log" ]; then
	echo
	cat "$dir/node1/01-demo-node.log"
	echo
fi
if [ "$rc" -eq 0 ]; then
	tail -n 3 "$out"
else
	cat "$out"
fi
exit "$rc"
