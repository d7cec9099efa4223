#!/bin/sh
# mutants-table.sh LIST RESULTS EQUIVALENT README: print the mutants table
# and the score, and write both into README between the lines
# "<!-- mutants table begin -->" and "<!-- mutants table end -->".
# A mutant with no result in RESULTS keeps its row from README (a
# MUTANTS= subset run updates only its own rows).
set -u
list=$1 results=$2 equiv=$3 readme=$4
begin='<!-- mutants table begin -->' end='<!-- mutants table end -->'

grep -qxF "$begin" "$readme" && grep -qxF "$end" "$readme" ||
	{ echo "mutants: $readme has no '$begin' ... '$end' section" >&2; exit 2; }
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp" "$tmp.new"' EXIT

{
	echo '| mutant | what it breaks | result | by (scenario: node, program, test) |'
	echo '| --- | --- | --- | --- |'
	grep -v '^[[:space:]]*\(#\|$\)' "$list" | while read -r name scns; do
		if [ -f "$results/$name" ]; then
			IFS='|' read -r n what verdict by <"$results/$name"
			if [ "$verdict" = survived ]; then
				arg=$(sed -n "s/^$name:[[:space:]]*//p" "$equiv" 2>/dev/null)
				if [ -n "$arg" ]; then
					verdict='survived (equivalent)' by="$arg"
				else
					by="not killed by $by"
				fi
			fi
			echo "| \`$name\` | $what | $verdict | $by |"
		elif row=$(grep -F "| \`$name\` |" "$readme"); then
			echo "$row"
		else
			echo "| \`$name\` | $(head -1 "$(dirname "$list")/$name.patch" | sed 's/^#[[:space:]]*//') | not run | |"
		fi
	done
} >"$tmp"

n=$(($(wc -l <"$tmp") - 2))
k=$(grep -c '| killed |' "$tmp")
b=$(grep -c '| build-failed |' "$tmp")
e=$(grep -c '| survived (equivalent) |' "$tmp")
s=$(grep -c '| survived |' "$tmp")
r=$(grep -c '| not run |' "$tmp")
viable=$((n - b - e - r))
pct=0
[ $viable -gt 0 ] && pct=$((100 * k / viable))
score="Score: **$k killed of $viable** non-equivalent mutants that built ($pct%); $n mutants: $k killed, $s survived, $e survived and argued equivalent, $b build-failed, $r not run."
echo >>"$tmp"
echo "$score" >>"$tmp"

cat "$tmp"
awk -v b="$begin" -v e="$end" -v f="$tmp" '
	$0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
	$0 == e { skip = 0 }
	!skip { print }' "$readme" >"$tmp.new" && cat "$tmp.new" >"$readme" ||
	{ echo "mutants: cannot update $readme" >&2; exit 2; }
echo "mutants: table written to $readme"
