#!/bin/sh
# apply-series.sh SRC STATEDIR PATCHDIR...
# Bring the tree SRC to "pristine + every patch named in each PATCHDIR/series",
# the directories in the order given (uml/fixes first, then hooks/patches).
# The patches applied last time are kept in STATEDIR; they are reversed first
# (newest first) and the new list applied. A file whose content ends up as it
# was gets its old mtime back, so an incremental kernel build rebuilds only
# what really changed (patch 0001 touches sched.h: ~730 objects otherwise).
set -eu
src=$1 state=$2
shift 2
mkdir -p "$state"
keep=$state/.mtimes
rm -rf "$keep"

# The list to apply: "dir/patch" per line.
new=$(for d in "$@"; do
	[ -f "$d/series" ] || { echo "uml: $d/series missing" >&2; exit 1; }
	grep -v '^[[:space:]]*\(#\|$\)' "$d/series" | sed "s|^|$d/|"
done)
for p in $new; do
	[ -f "$p" ] || { echo "uml: $(dirname "$p")/series names $(basename "$p"), which is not there" >&2; exit 1; }
done
want=$(for p in $new; do cat "$p"; done | sha256sum)
have=$(cat "$state/applied.sha" 2>/dev/null || true)
[ "$want" = "$have" ] && exit 0

# Files a set of patches touches (paths relative to SRC).
touched() {
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$@" 2>/dev/null | sort -u
}

reverse_applied() {
	[ -f "$state/series" ] || return 0
	tac "$state/series" | while read -r p; do
		[ -n "$p" ] || continue
		patch -d "$src" -p1 -R --batch --silent <"$state/$p" ||
			{ echo "uml: cannot reverse $p; remove $src to start over" >&2; exit 1; }
	done
	find "$state" -maxdepth 1 -type f -delete
}

# Remember what the files the old series touched look like now.
if [ -f "$state/series" ]; then
	for f in $(cd "$state" && touched $(cat series)); do
		[ -f "$src/$f" ] || continue
		mkdir -p "$keep/$(dirname "$f")"
		cp -p "$src/$f" "$keep/$f"
	done
fi

reverse_applied
: >"$state/series"
n=0 i=0
for p in $new; do
	i=$((i + 1))
	name=$(printf '%03d-%s' "$i" "$(basename "$p")")
	if ! patch -d "$src" -p1 --forward --batch --dry-run --silent <"$p" >/dev/null; then
		echo "uml: patch $p does not apply to $(basename "$src"):" >&2
		patch -d "$src" -p1 --forward --batch --dry-run <"$p" >&2 || true
		reverse_applied
		exit 1
	fi
	patch -d "$src" -p1 --forward --batch --silent <"$p"
	cp "$p" "$state/$name"
	echo "$name" >>"$state/series"
	n=$((n + 1))
done

# Same content as before: same mtime as before.
if [ -d "$keep" ]; then
	(cd "$keep" && find . -type f) | while read -r f; do
		if cmp -s "$keep/$f" "$src/$f"; then touch -r "$keep/$f" "$src/$f"; fi
	done
	rm -rf "$keep"
fi
echo "$want" >"$state/applied.sha"
echo "uml: $n patches applied to $(basename "$src")"
