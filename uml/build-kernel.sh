#!/bin/sh
# build-kernel.sh KSRC KDIR JOBS: build the UML kernel out of tree with ccache,
# output to KDIR/build.log, a progress line every 10 s; the log's tail on failure.
# KARCH, KTARGETS and KLABEL (qemu/qemu.mk: x86_64, vmlinux, qemu) change what.
set -u
ksrc=$1 kdir=$2 jobs=$3
arch=${KARCH:-um} targets=${KTARGETS:-linux modules_prepare} label=${KLABEL:-uml}
log=$kdir/build.log
start=$(date +%s)
# Paths relative to the clone, so a fresh clone reuses the cache of an old one.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-${TOP:-/}}" CCACHE_NOHASHDIR=1
make -C "$ksrc" O="$kdir" ARCH="$arch" CC="ccache gcc" -j"$jobs" $targets >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid; exit 130' INT TERM
next=$((start + 10))
while kill -0 $pid 2>/dev/null; do
	sleep 1
	now=$(date +%s)
	if [ "$now" -ge "$next" ]; then
		echo "$label: kernel $(basename "$kdir"): $(grep -c '^  CC' "$log") files compiled, $((now - start))s"
		next=$((now + 10))
	fi
done
wait $pid
rc=$?
if [ $rc -ne 0 ]; then
	grep -E 'error|Error' "$log" | head -20 >&2
	echo "$label: kernel build failed (rc $rc); full log: $log" >&2
	exit $rc
fi
echo "$label: kernel $(basename "$kdir") built in $(($(date +%s) - start))s ($(grep -c '^  CC' "$log") files compiled)"
