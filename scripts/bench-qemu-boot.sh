#!/bin/sh
# bench-qemu-boot.sh CLUSTERSIM SCN BOOTS [CLUSTERSIM ARGS...]: boot a QEMU
# cluster BOOTS times (the scenario: every node checks its kernel) and
# report how many boots did not form or finish, out of BOOTS, with the
# run directory of each failure kept. For a hang that shows once in
# tens of boots (a lost timer interrupt under TCG, say).
set -u
sim=$1 scn=$2 boots=$3
shift 3
runs=$(mktemp -d "${TMPDIR:-/tmp}/bench-qemu-boot.XXXXXX") || exit 2
chmod 755 "$runs"
fails=0 i=0
while [ "$i" -lt "$boots" ]; do
	i=$((i + 1))
	start=$(date +%s)
	if "$sim" "$@" -q --runs "$runs/$i" run "$scn" >"$runs/$i.out" 2>&1; then
		rm -rf "$runs/$i" "$runs/$i.out"
		echo "bench-qemu-boot: boot $i: ok, $(( $(date +%s) - start )) s"
	else
		fails=$((fails + 1))
		echo "bench-qemu-boot: boot $i: FAILED (kept: $runs/$i, $runs/$i.out)"
		grep -E 'timeout|vCPU|did not' "$runs/$i.out" | head -5
	fi
done
echo "bench-qemu-boot: $fails failed of $boots boots"
[ "$fails" -eq 0 ] && rm -rf "$runs"
exit 0
