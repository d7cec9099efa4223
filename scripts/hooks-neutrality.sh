#!/bin/sh
# hooks-neutrality.sh VSRC PSRC OUT PATCHDIR CONFIGDIR [JOBS]
# Builds, for the vanilla tree VSRC and the patched tree PSRC, both with
# configs base + clusterproc-n, the objects of every existing base .c file
# the series touches, twice: "raw" (as is) and "noline" (__LINE__ forced to
# 0 in both trees, so that WARN/BUG line constants moved by the patches do
# not count), then compares them function by function (hooks-objcmp.sh).
set -eu
[ $# -ge 5 ] || { echo "usage: $0 VSRC PSRC OUT PATCHDIR CONFIGDIR [JOBS]" >&2; exit 2; }
vsrc=$1; psrc=$2; out=$3; patches=$4; configs=$5; jobs=${6:-3}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"

files=$(sed -n 's|^+++ b/||p' "$patches"/*.patch | sort -u)
objs=
for f in $files; do
	case $f in *.c) [ -e "$vsrc/$f" ] && objs="$objs ${f%.c}.o";; esac
done
echo "neutrality: objects:$objs"

for tree in vanilla cpn; do
	if [ $tree = vanilla ]; then src=$vsrc; else src=$psrc; fi
	o=$out/o-$tree
	if [ ! -f "$o/.config" ]; then
		mkdir -p "$o"
		make -s -C "$src" ARCH=um O="$o" defconfig >/dev/null
		"$src"/scripts/kconfig/merge_config.sh -m -O "$o" "$o/.config" \
			"$configs/base.config" "$configs/clusterproc-n.config" >/dev/null
		make -s -C "$src" ARCH=um O="$o" olddefconfig >/dev/null
	fi
	if grep -q '^CONFIG_CLUSTERPROC=y' "$o/.config"; then
		echo "neutrality: $o has CONFIG_CLUSTERPROC=y" >&2; exit 1
	fi
	for mode in raw noline; do
		if [ $mode = raw ]; then kcflags=; else
			kcflags="-Wno-builtin-macro-redefined -D__LINE__=0"; fi
		make -s -C "$src" ARCH=um O="$o" CC="ccache gcc" -j"$jobs" \
			KCFLAGS="$kcflags" $objs >"$out/build-$tree-$mode.log" 2>&1 || {
			tail -20 "$out/build-$tree-$mode.log" >&2; exit 1; }
		for obj in $objs; do
			mkdir -p "$out/$mode/$tree/$(dirname "$obj")"
			cp "$o/$obj" "$out/$mode/$tree/$obj"
		done
	done
done

for mode in raw noline; do
	n=0; t=0
	for obj in $objs; do
		r=$("$here/hooks-objcmp.sh" "$out/$mode/vanilla/$obj" "$out/$mode/cpn/$obj")
		echo "$r" | grep -v '^functions=' | sed "s|^|$mode $obj: |" || true
		d=$(echo "$r" | sed -n 's/^functions=\([0-9]*\) differ=\([0-9]*\)$/\2/p')
		a=$(echo "$r" | sed -n 's/^functions=\([0-9]*\) differ=.*/\1/p')
		n=$((n + d)); t=$((t + a))
	done
	echo "neutrality $mode: $n of $t functions differ (vanilla vs CONFIG_CLUSTERPROC=n)"
done
