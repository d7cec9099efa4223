#!/bin/sh
# run-demo.sh RUNS CLUSTERSIM [OPTIONS...]: `make run`. Boots the demo
# cluster (tests/scenarios/demo.scn, runs/ in RUNS) and shows node 1's
# transcript while it is written, then clustersim's verdict. Exit status:
# clustersim's (1 if a command printed other than demo.steps says).
set -u
runs=$1
shift
scn=$(cd "$(dirname "$0")/../scenarios" && pwd)/demo.scn
out=$(mktemp) || exit 1
echo "demo: booting the nodes, then tests/scenarios/demo.steps in them..."
"$@" --runs "$runs" run "$scn" >"$out" 2>&1 &
cs=$!
# a background job of a script ignores SIGINT: Ctrl-C stops it this way
trap 'kill -TERM $cs 2>/dev/null' INT TERM HUP
trap 'rm -f "$out"' EXIT
# this run's directory, from clustersim's own progress line (never
# runs/latest: a run that did not start would show an older transcript)
dir=
while [ -z "$dir" ] && kill -0 "$cs" 2>/dev/null; do
	dir=$(sed -n 's/^.* booting, consoles in \(.*\)\/node<N>\.console$/\1/p' "$out")
	[ -n "$dir" ] || sleep 0.2
done
if [ -n "$dir" ]; then
	echo
	tail -n +1 -F -s 0.2 --pid="$cs" "$dir/node1/01-demo-node.log" 2>/dev/null
	echo
fi
wait "$cs"
rc=$?
if [ "$rc" -eq 0 ]; then
	tail -n 3 "$out"
else
	cat "$out"
fi
exit "$rc"
