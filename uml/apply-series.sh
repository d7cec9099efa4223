#!/bin/sh
# apply-series.sh SRC PATCHDIR STATEDIR
# Bring the tree SRC to "pristine + every patch named in PATCHDIR/series".
# The patches applied last time are kept in STATEDIR; they are reversed first
# (newest first), so only files the old or new series touch change mtime and
# an incremental kernel build rebuilds only what the series really changed.
set -eu
src=$1 pdir=$2 state=$3
mkdir -p "$state"

reverse_applied() {
	[ -f "$state/series" ] || return 0
	tac "$state/series" | while read -r p; do
		[ -n "$p" ] || continue
		patch -d "$src" -p1 -R --batch --silent <"$state/$p" ||
			{ echo "uml: cannot reverse $p; remove $src to start over" >&2; exit 1; }
	done
	rm -f "$state"/*
}

new=$(grep -v '^[[:space:]]*\(#\|$\)' "$pdir/series" 2>/dev/null || true)
want=$(for p in $new; do cat "$pdir/$p"; done | sha256sum)
have=$(cat "$state/applied.sha" 2>/dev/null || true)
[ "$want" = "$have" ] && exit 0

reverse_applied
: >"$state/series"
n=0
for p in $new; do
	[ -f "$pdir/$p" ] || { echo "uml: series names $p, which is not in $pdir" >&2; exit 1; }
	if ! patch -d "$src" -p1 --forward --batch --dry-run --silent <"$pdir/$p" >/dev/null; then
		echo "uml: patch $p does not apply to $(basename "$src"):" >&2
		patch -d "$src" -p1 --forward --batch --dry-run <"$pdir/$p" >&2 || true
		reverse_applied
		exit 1
	fi
	patch -d "$src" -p1 --forward --batch --silent <"$pdir/$p"
	cp "$pdir/$p" "$state/$p"
	echo "$p" >>"$state/series"
	n=$((n + 1))
done
echo "$want" >"$state/applied.sha"
echo "uml: series applied ($n patches)"
