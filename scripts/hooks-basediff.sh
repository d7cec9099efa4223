#!/bin/sh
# hooks-basediff.sh PATCHDIR: lines added/removed by the series in base
# kernel files (files that exist before the series; new files such as
# include/linux/clusterproc.h and kernel/clusterproc.c are counted apart).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 PATCHDIR" >&2; exit 2; }
cd "$1"
# shellcheck disable=SC2046
awk '
	/^diff --git / { newfile = 0; next }
	/^--- \/dev\/null/ { newfile = 1; next }
	/^--- a\// { next }
	/^\+\+\+ b\// { file = substr($2, 3); next }
	/^-- $/ { file = ""; next }
	file == "" { next }
	/^\+/ { if (newfile) na++; else { a++; fa[file]++ } ; next }
	/^-/  { if (!newfile) { d++; fd[file]++ }; next }
	END {
		for (f in fa) files[f] = 1
		for (f in fd) files[f] = 1
		for (f in files) printf "  %-32s +%d -%d\n", f, fa[f], fd[f]
		printf "basediff: base files +%d -%d (seed: +150 -28); new files +%d\n", a, d, na
	}' $(cat series)
