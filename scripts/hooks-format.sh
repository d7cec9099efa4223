#!/bin/sh
# hooks-format.sh GITTREE BASE [PATCHDIR]: regenerate hooks/patches (one
# git format-patch file per commit BASE..HEAD of GITTREE, a kernel tree
# whose BASE commit is Debian's pristine linux-source-6.1) and the series.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 GITTREE BASE [PATCHDIR]" >&2; exit 2; }
tree=$1 base=$2
pdir=${3:-$(cd "$(dirname "$0")/.." && pwd)/hooks/patches}
mkdir -p "$pdir"
rm -f "$pdir"/*.patch
git -C "$tree" format-patch -q --no-numbered --zero-commit --no-signature \
	-o "$pdir" "$base..HEAD"
# shellcheck disable=SC2012
ls "$pdir" | grep '\.patch$' | sort >"$pdir/series"
echo "hooks: $(wc -l <"$pdir/series") patches in $pdir"
