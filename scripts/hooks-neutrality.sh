#!/bin/sh
# hooks-neutrality.sh VSRC PSRC OUT PATCHDIR TOP [JOBS]
# Binary neutrality of the hook series with CONFIG_CLUSTERPROC=n.
# For the vanilla tree VSRC (configs/base.config) and the patched tree PSRC
# (base.config + clusterproc-n.config), configured by the lead's
# uml/merge-config.sh in O= dirs under OUT, build only the objects of the
# base .c files the series touches (Kbuild runs prepare first), twice:
#   raw     as is;
#   noline  __LINE__ forced to 0 in both trees, so that the line numbers
#           WARN_ON()/might_sleep() pass as constants, shifted by lines the
#           series adds higher up in the file, do not count;
# then compare the machine code function by function (hooks-objcmp.sh).
# Prints one "neutrality <mode>: N of T functions differ" line per mode;
# the last line is the noline count, the measurement (target 0).
set -eu
[ $# -ge 5 ] || { echo "usage: $0 VSRC PSRC OUT PATCHDIR TOP [JOBS]" >&2; exit 2; }
vsrc=$1 psrc=$2 out=$3 patches=$4 top=$5 jobs=${6:-2}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
# No CCACHE_BASEDIR: ccache would rewrite the absolute source paths to
# relative ones, which -fmacro-prefix-map then no longer strips, and the
# __FILE__ strings ("../src/vanilla/..." vs "../src/linux/...") would differ.
unset CCACHE_BASEDIR

files=$(for p in $(grep -v '^[[:space:]]*\(#\|$\)' "$patches/series"); do
	sed -n 's|^+++ b/||p' "$patches/$p"; done | sort -u)
objs=
for f in $files; do
	case $f in *.c) [ -e "$vsrc/$f" ] && objs="$objs ${f%.c}.o";; esac
done
[ -n "$objs" ] || { echo "neutrality: the series touches no base .c file" >&2; exit 1; }
echo "neutrality: objects:$objs"

for tree in vanilla cpn; do
	if [ $tree = vanilla ]; then
		src=$vsrc frags=$top/configs/base.config
	else
		src=$psrc frags="$top/configs/base.config $top/configs/clusterproc-n.config"
	fi
	o=$out/o-$tree
	mkdir -p "$o"
	# shellcheck disable=SC2086
	"$top/uml/merge-config.sh" "$src" "$o" $frags >/dev/null
	if grep -q '^CONFIG_CLUSTERPROC=y' "$o/.config"; then
		echo "neutrality: $o has CONFIG_CLUSTERPROC=y" >&2; exit 1
	fi
	for mode in raw noline; do
		if [ $mode = raw ]; then kcflags=; else
			kcflags="-Wno-builtin-macro-redefined -D__LINE__=0"; fi
		for obj in $objs; do rm -f "$o/$obj"; done
		# shellcheck disable=SC2086
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
	n=0 t=0
	for obj in $objs; do
		r=$("$here/hooks-objcmp.sh" "$out/$mode/vanilla/$obj" "$out/$mode/cpn/$obj")
		echo "$r" | grep -v '^functions=' | sed "s|^|  $mode $obj: |" || true
		d=$(echo "$r" | sed -n 's/^functions=[0-9]* differ=\([0-9]*\)$/\1/p')
		a=$(echo "$r" | sed -n 's/^functions=\([0-9]*\) differ=.*/\1/p')
		n=$((n + d)) t=$((t + a))
	done
	echo "neutrality $mode: $n of $t functions differ (vanilla vs CONFIG_CLUSTERPROC=n)"
	if [ $mode = raw ] && [ "$n" -gt 0 ]; then
		m=0
		for obj in $objs; do
			r=$(HOOKS_OBJCMP_NOIMM=1 "$here/hooks-objcmp.sh" "$out/raw/vanilla/$obj" "$out/raw/cpn/$obj")
			d=$(echo "$r" | sed -n 's/^functions=[0-9]* differ=\([0-9]*\)$/\1/p')
			m=$((m + d))
		done
		echo "neutrality raw: $((n - m)) of these $n differ only in immediates (line numbers); $m otherwise"
	fi
done
