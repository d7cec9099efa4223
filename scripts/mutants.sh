#!/bin/sh
# mutants.sh TOP BUILD FLAVOR [NAME,NAME...|--restore]: `make mutants`' runner (glue).
#
# For each mutant of tests/mutants/mutants.list (or the names given):
# apply it, build, run its scenarios until one fails, record killed /
# survived / build-failed and by which test, undo it. Kernel mutants are
# applied to $BUILD/src/linux (the patched tree), built with the normal
# kernel target and restored from a copy of the files they touch; that
# copy is the marker $BUILD/mutants/kernel-applied, which every start and
# every exit path (trap) restores first, so no mutant outlives a run.
# Module mutants are applied to a copy of hooks/clusterproc and built
# into $BUILD/module/mutant/. At the end the kernel and module are
# rebuilt unmutated, the sources are checked against their state before
# the run, the table is printed and written into hooks/README.md.
set -u
top=$1 build=$2 flavor=$3 only=${4:-}
cat_dir=$top/tests/mutants
list=$cat_dir/mutants.list
ksrc=$build/src/linux
kdir=$build/uml/$flavor
state=$build/mutants
mark=$state/kernel-applied
# the kernel binary may be a mutant's (sources restored, not rebuilt yet)
dirty=$state/kernel-dirty
results=$state/results
# short: clustersim puts unix sockets in the run directory
runs=$state/runs
sim=$build/bin/clustersim
readme=$top/hooks/README.md
MAKE=${MAKE:-make}

die() { echo "mutants: $*" >&2; exit 2; }

# Put back the files of the kernel mutant that $mark names (new mtime:
# kbuild rebuilds them). Only then is the marker removed.
restore_kernel() {
	rm -rf "$mark.new"
	[ -d "$mark" ] || return 0
	echo "mutants: restoring $ksrc from mutant $(cat "$mark/name")"
	(cd "$mark/orig" && find . -type f) | while read -r f; do
		cp "$mark/orig/$f" "$ksrc/$f" ||
			{ echo "mutants: cannot restore $ksrc/$f from $mark/orig" >&2; exit 1; }
	done || exit 2
	: >"$dirty"
	rm -rf "$mark"
}

# After a restore the kernel binary is still the mutant's: rebuild it
# before anything else boots it (the baseline, a module mutant).
clean_kernel() {
	[ -e "$dirty" ] || return 0
	echo "mutants: rebuilding the unmutated $flavor kernel and module"
	$MAKE --no-print-directory -C "$top" FLAVOR="$flavor" kernel module \
		>"$state/rebuild.log" 2>&1 </dev/null ||
		{ echo "mutants: the unmutated rebuild failed: $state/rebuild.log" >&2; exit 2; }
	rm -f "$dirty"
}

# Files a patch touches, relative to its tree.
touched() { sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1"; }

kind_of() {
	case "$(touched "$1")" in
	hooks/clusterproc/*) echo module ;;
	*) echo kernel ;;
	esac
}

# --restore: only put back what an interrupted run left applied (make
# mutants does this before it builds anything).
if [ "$only" = --restore ]; then
	mkdir -p "$state" || die "cannot create $state"
	restore_kernel
	exit 0
fi
[ -f "$list" ] || die "$list missing"
[ -x "$sim" ] || die "$sim missing: run 'make FLAVOR=$flavor all' first"
[ -f "$kdir/.built" ] || die "no $flavor kernel in $kdir: run 'make FLAVOR=$flavor all' first"
mkdir -p "$state" "$results" || die "cannot create $state"
restore_kernel
trap 'restore_kernel' EXIT
clean_kernel
trap 'echo "mutants: interrupted" >&2; exit 130' INT TERM HUP

# The mutants to run: "name scenarios" lines.
todo=$(grep -v '^[[:space:]]*\(#\|$\)' "$list")
if [ -n "$only" ]; then
	for n in $(echo "$only" | tr ',' ' '); do
		echo "$todo" | grep -q "^$n[[:space:]]" ||
			die "MUTANTS names $n, which $list does not list"
	done
	todo=$(echo "$todo" | while read -r n s; do
		case ",$only," in *",$n,"*) echo "$n $s" ;; esac
	done)
fi
echo "$todo" | while read -r n s; do
	[ -f "$cat_dir/$n.patch" ] || die "$cat_dir/$n.patch missing"
	for f in $(echo "$s" | tr ',' ' '); do
		[ -f "$top/tests/scenarios/$f" ] || die "$n: scenario $f not in tests/scenarios"
	done
done || exit 2

# Fingerprint of every kernel file a mutant touches, to prove the restore.
kfiles=$(for p in "$cat_dir"/*.patch; do
	[ "$(kind_of "$p")" = kernel ] && touched "$p"; done | sort -u)
ksum() { (cd "$ksrc" && cat $kfiles | sha256sum); }
before=$(ksum)

# run_scn SCN KO OUT: run one scenario on the $flavor kernel with module
# KO; 0 if it passed. On a failure, $why says which test failed (the
# first "not ok" of the run's TAP files), or the kernel splat or the
# timeout; a failure without any of these (the harness itself failed)
# stops the whole run: it proves nothing about the mutant.
run_scn() {
	"$sim" -q --runs "$runs" --kernel "$kdir/linux" --module "$2" \
		run "$top/tests/scenarios/$1" >"$3" 2>&1 </dev/null
	rc=$?
	[ $rc = 0 ] && return 0
	run=$(readlink -f "$runs/latest")
	echo "run: $run" >>"$3"
	why=$(grep -H '^not ok' "$run"/node*/*.tap 2>/dev/null | head -1 |
		sed 's|^.*/\(node[0-9]*\)/\([^/]*\)\.tap:not ok [0-9]* - [^:]*:[^:]*:\([^:]*\):.*|\1 \2 \3|')
	if [ -z "$why" ]; then
		node=$(grep -m1 -o 'kernel splat in node[0-9]*' "$3" | sed 's/.* //')
		[ -z "$node" ] || why="kernel splat in $node: $(grep -m1 -E \
			'WARNING:|BUG:|KASAN|lockdep|possible .*deadlock|Kernel panic|hung_task|INFO: task' \
			"$run/$node.console" | sed 's/^\[[^]]*\] *//' | cut -c1-110)"
	fi
	[ -n "$why" ] || why=$(grep -m1 -o 'timeout after [0-9]* s' "$3")
	[ $rc = 1 ] && [ -n "$why" ] && return 1
	echo "mutants: $1: clustersim failed (exit $rc) without a failed test, splat or timeout: $(head -1 "$3") (all: $3)" >&2
	exit 2
}

start=$(date +%s)
# The unmutated suite must pass first, or a failure proves nothing.
if [ "${MUTANTS_BASELINE:-1}" = 1 ]; then
	for scn in $(echo "$todo" | while read -r n s; do echo "$s" | tr ',' '\n'; done | sort -u); do
		echo "mutants: baseline (unmutated): $scn"
		run_scn "$scn" "$build/module/$flavor/clusterproc.ko" "$state/baseline-$scn.out" ||
			die "the unmutated $flavor kernel fails $scn ($why): fix that first (MUTANTS_BASELINE=0 skips this check)"
	done
fi

echo "$todo" | while read -r name scns; do
	patch=$cat_dir/$name.patch
	kind=$(kind_of "$patch")
	what=$(head -1 "$patch" | sed 's/^#[[:space:]]*//')
	out=$state/$name
	rm -rf "$out" && mkdir -p "$out"
	t0=$(date +%s)
	echo "mutants: $name ($kind): $what"
	ko=$build/module/$flavor/clusterproc.ko
	verdict= by=
	if [ "$kind" = kernel ]; then
		mkdir -p "$mark.new/orig" && echo "$name" >"$mark.new/name" || exit 2
		for f in $(touched "$patch"); do
			mkdir -p "$mark.new/orig/$(dirname "$f")" &&
				cp -p "$ksrc/$f" "$mark.new/orig/$f" || exit 2
		done
		mv "$mark.new" "$mark" || exit 2
		if ! patch -d "$ksrc" -p1 --forward --batch <"$patch" >"$out/patch.log" 2>&1; then
			verdict=build-failed by="patch does not apply (mutants/$name/patch.log)"
		elif ! $MAKE --no-print-directory -C "$top" FLAVOR="$flavor" kernel module \
				>"$out/build.log" 2>&1 </dev/null; then
			verdict=build-failed by="build failed (mutants/$name/build.log)"
		fi
	else
		clean_kernel
		ko=$build/module/mutant/clusterproc.ko
		# A fresh copy and a fresh build directory: the copy gives the
		# previous mutant's file back its old mtime, older than that
		# mutant's object, so an incremental kbuild would keep it.
		rm -rf "$state/mod" "$build/module/mutant" &&
			mkdir -p "$state/mod/hooks" &&
			cp -a "$top/hooks/clusterproc" "$state/mod/hooks/" || exit 2
		if ! patch -d "$state/mod" -p1 --forward --batch <"$patch" >"$out/patch.log" 2>&1; then
			verdict=build-failed by="patch does not apply (mutants/$name/patch.log)"
		elif ! $MAKE --no-print-directory -f "$state/mod/hooks/clusterproc/module.mk" \
				TOP="$top" BUILD="$build" FLAVOR=mutant KDIR="$kdir" \
				MODULE_KO="$ko" module >"$out/build.log" 2>&1 </dev/null; then
			verdict=build-failed by="build failed (mutants/$name/build.log)"
		fi
	fi
	if [ -z "$verdict" ]; then
		verdict=survived by="$scns"
		for scn in $(echo "$scns" | tr ',' ' '); do
			echo "mutants: $name: $scn"
			if run_scn "$scn" "$ko" "$out/$scn.out"; then
				continue
			fi
			verdict=killed by="$scn: $why"
			break
		done
	fi
	if [ "$kind" = kernel ]; then
		restore_kernel
	fi
	printf '%s|%s|%s|%s\n' "$name" "$what" "$verdict" "$by" >"$results/$name"
	echo "mutants: $name: $verdict ($by) in $(($(date +%s) - t0)) s"
done || exit 2

: >"$dirty"
clean_kernel
[ "$(ksum)" = "$before" ] ||
	{ echo "mutants: $ksrc differs from its state before the run" >&2; exit 2; }
$MAKE --no-print-directory -C "$top" FLAVOR="$flavor" kernel 2>&1 | grep -q 'up to date' ||
	{ echo "mutants: the kernel still rebuilds after the final build" >&2; exit 2; }
rel=$(cat "$kdir/include/config/kernel.release")
echo "mutants: kernel sources restored, $flavor kernel $rel rebuilt (a second build does nothing)"
echo "mutants: $(echo "$todo" | wc -l) mutants in $(($(date +%s) - start)) s (baseline, builds, runs, final rebuild)"

"$top/scripts/mutants-table.sh" "$list" "$results" "$cat_dir/equivalent" "$readme"
