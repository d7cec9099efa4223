#!/bin/sh
# kselftest-compare.sh CLUSTERSIM INSTALL OUTDIR NAME:KERNEL[:MODULE]...
# Runs the installed kselftests in a one-node cluster per kernel (all at once), keeps each
# run's TAP in OUTDIR/NAME.out, and compares every result with the first run's.
set -u
sim=$1 inst=$2 out=$3
shift 3
mkdir -p "$out"
ref= rc=0
# The runner logs to /dev/stdout, which a devtmpfs /dev lacks.
links='for f in stdin:0 stdout:1 stderr:2; do [ -e /dev/${f%:*} ] || ln -s /proc/self/fd/${f#*:} /dev/${f%:*}; done; [ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd'

# All kernels run at once (one single-node cluster each; a UML node is
# mostly one host thread), then the results are compared in order.
pids=
for spec in "$@"; do
	name=${spec%%:*} rest=${spec#*:}
	kernel=${rest%%:*} module=
	[ "$rest" != "$kernel" ] && module=${rest#*:}
	if [ -n "$module" ] && [ ! -f "$module" ]; then
		echo "kselftest: $name: no module at $module" >"$out/$name.out"
		echo 1 >"$out/$name.rc"
		continue
	fi
	echo "kselftest: running on $name"
	# The tests write next to themselves: run a copy in the node's results
	# directory (host-backed; the guest's tmpfs is too small for exec/).
	(
		$sim --nodes 1 --timeout 900 --kernel "$kernel" \
			$(if [ -n "$module" ]; then echo --module "$module"; else echo --no-module; fi) \
			exec 1 -- /bin/sh -c "$links; cp -a --no-preserve=ownership '$inst' \"\$CS_RESULTS_DIR/kst\" && cd \"\$CS_RESULTS_DIR/kst\" && ./run_kselftest.sh; exit 0" \
			>"$out/$name.out" 2>&1
		echo $? >"$out/$name.rc"
	) &
	pids="$pids $!"
done
trap 'kill $pids 2>/dev/null; wait; exit 130' INT TERM
wait

for spec in "$@"; do
	name=${spec%%:*}
	if [ "$(cat "$out/$name.rc" 2>/dev/null)" != 0 ]; then
		echo "kselftest: $name: the cluster run failed (see $out/$name.out)" >&2
		tail -5 "$out/$name.out" >&2
		rc=1
		continue
	fi
	# One line per test program: its result and how many of its own
	# subtests passed, failed and were skipped ("# ok 3 ...").
	awk '
		/^# selftests: / { sub_ok = sub_fail = sub_skip = 0; next }
		/^# *ok [0-9]+ .*# *SKIP/ { sub_skip++; next }
		/^# *ok [0-9]+ / { sub_ok++; next }
		/^# *not ok [0-9]+ / { sub_fail++; next }
		/^(not )?ok [0-9]+ selftests: / {
			res = /^not ok/ ? "FAIL" : (/# *SKIP/ ? "SKIP" : "PASS")
			name = $0; sub(/^(not )?ok [0-9]+ selftests: /, "", name); sub(/ *#.*/, "", name)
			printf "%s %s (subtests: %d ok, %d not ok, %d skip)\n", name, res, sub_ok, sub_fail, sub_skip
		}' "$out/$name.out" >"$out/$name.res"
	n=$(wc -l <"$out/$name.res")
	printf 'kselftest: %-16s %3d tests: %3d pass, %3d fail, %3d skip\n' "$name" "$n" \
		"$(grep -c ' PASS (' "$out/$name.res")" "$(grep -c ' FAIL (' "$out/$name.res")" \
		"$(grep -c ' SKIP (' "$out/$name.res")"
	if [ "$n" -eq 0 ]; then
		echo "kselftest: $name: no test result found in $out/$name.out" >&2
		rc=1
	elif [ -z "$ref" ]; then
		ref=$name
	elif ! diff -u "$out/$ref.res" "$out/$name.res" >"$out/$name.diff"; then
		echo "kselftest: $name differs from $ref:" >&2
		cat "$out/$name.diff" >&2
		rc=1
	fi
done
[ $rc -eq 0 ] && echo "kselftest: every kernel gives the same results"
exit $rc
