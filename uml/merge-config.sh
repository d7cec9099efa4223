#!/bin/sh
# merge-config.sh KSRC KDIR FRAGMENT...
# KBASE (default: defconfig) of KARCH (default: um) + fragments through the
# kernel's merge_config.sh, then verify that every option a fragment asks
# for ended up in .config. qemu/qemu.mk uses it with KARCH=x86_64
# KBASE=allnoconfig KLABEL=qemu. KDIR/.config is only
# replaced when its content changes, so an unchanged config rebuilds nothing.
set -eu
arch=${KARCH:-um} base=${KBASE:-defconfig} label=${KLABEL:-uml}
ksrc=$1 kdir=$2
shift 2
# A scratch O= dir kept between runs, so kconfig's tools are built only once.
tmp=$kdir/.config-merge
mkdir -p "$tmp" && rm -f "$tmp/.config" "$tmp/bad"
make -s -C "$ksrc" O="$tmp" ARCH="$arch" "$base" >/dev/null
"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$tmp" "$tmp/.config" "$@" >"$tmp/merge.log" 2>&1 ||
	{ cat "$tmp/merge.log" >&2; exit 1; }
make -s -C "$ksrc" O="$tmp" ARCH="$arch" olddefconfig >/dev/null

bad=0
for frag in "$@"; do
	grep -E '^CONFIG_[A-Za-z0-9_]+=' "$frag" | while IFS= read -r line; do
		key=${line%%=*} val=${line#*=}
		got=$(grep -E "^$key=" "$tmp/.config" || true)
		if [ "$val" = n ]; then
			[ -z "$got" ] && continue
		elif [ "$got" = "$line" ]; then
			continue
		fi
		echo "$label: $(basename "$frag") asks for $line but .config has '${got:-# $key is not set}'" >&2
		echo bad >"$tmp/bad"
	done
done
[ -f "$tmp/bad" ] && bad=1
if [ "$bad" = 1 ]; then
	echo "$label: a requested option is missing (a dependency is off?); see $tmp/.config" >&2
	exit 1
fi
if ! cmp -s "$tmp/.config" "$kdir/.config"; then
	cp "$tmp/.config" "$kdir/.config"
	echo "$label: $kdir/.config updated"
fi
