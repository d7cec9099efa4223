#!/bin/sh
# hooks-basediff.sh PATCHDIR [MAXADD MAXDEL]: lines added/removed by the
# series (the patches named in PATCHDIR/series) in base kernel files, i.e.
# files that exist before the series; new files such as
# include/linux/clusterproc.h and kernel/clusterproc.c (also when a later
# patch of the series changes them) are counted apart.
# With MAXADD and MAXDEL, exits 1 when the base count exceeds either.
set -eu
[ $# -eq 1 ] || [ $# -eq 3 ] || { echo "usage: $0 PATCHDIR [MAXADD MAXDEL]" >&2; exit 2; }
cd "$1"
maxadd=${2:-} maxdel=${3:-}
# shellcheck disable=SC2046
awk -v maxadd="$maxadd" -v maxdel="$maxdel" '
	# A hunk ends when the old and new line counts of its header are used
	# up: a patch of several files need not have "diff --git" lines.
	function hunklen(s, n) { n = split(s, x, ","); return n > 1 ? x[2] + 0 : 1 }
	FNR == 1 { file = ""; left_old = left_new = 0; newfile = 0; add = (FILENAME ~ /-ADD-/) }
	left_old > 0 || left_new > 0 {
		c = substr($0, 1, 1)
		if (c == "+") { left_new--; if (newfile) { na++; fn[file]++ } else { a++; fa[file]++; if (add) xa++ } }
		else if (c == "-") { left_old--; if (!newfile) { d++; fd[file]++; if (add) xd++ } }
		else if (c == "\\") { }
		else { left_old--; left_new-- }
		next
	}
	/^diff --git / { newfile = 0; file = ""; next }
	/^--- \/dev\/null/ { newfile = 1; next }
	/^--- a\// { newfile = 0; next }
	/^\+\+\+ b\// {
		file = substr($2, 3)
		if (newfile) created[file] = 1
		else if (file in created) newfile = 1
		next
	}
	/^@@ / && file != "" { left_old = hunklen(substr($2, 2)); left_new = hunklen(substr($3, 2)); next }
	END {
		for (f in fa) files[f] = 1
		for (f in fd) files[f] = 1
		for (f in files) printf "  %-32s +%d -%d\n", f, fa[f], fd[f]
		for (f in fn) printf "  %-32s +%d (new file, not counted)\n", f, fn[f]
		printf "  seed-item patches +%d -%d, [ADD] patches +%d -%d\n", a - xa, d - xd, xa, xd
		printf "basediff: base files +%d -%d (seed: +150 -28); new files +%d\n", a, d, na
		if (maxadd != "" && (a > maxadd || d > maxdel)) {
			printf "basediff: over the target +%d -%d\n", maxadd, maxdel
			exit 1
		}
	}' $(grep -v '^[[:space:]]*\(#\|$\)' series)
