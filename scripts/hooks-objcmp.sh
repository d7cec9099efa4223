#!/bin/sh
# hooks-objcmp.sh A.o B.o: compare the machine code of two objects function
# by function.  Prints "DIFF <function>" for each function whose normalised
# disassembly differs, "ONLY-A/ONLY-B <function>" for functions present in
# one object only, and a last line "functions=<n> differ=<m>".
# Normalised: instruction addresses, raw bytes and absolute jump/call target
# addresses are dropped (targets keep their <symbol+offset> form), and
# relocation lines keep type and symbol.  Nothing else is rewritten, unless
# HOOKS_OBJCMP_NOIMM=1: then immediates ($0x...) are masked too.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 A.o B.o" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for side in A B; do
	if [ $side = A ]; then obj=$1; else obj=$2; fi
	mkdir -p "$tmp/$side"
	objdump -d -r --no-show-raw-insn "$obj" | awk -v dir="$tmp/$side" -v noimm="${HOOKS_OBJCMP_NOIMM:-}" '
		/^[0-9a-f]+ <.*>:$/ {
			name = $2; gsub(/[<>:]/, "", name)
			if (out) close(out)
			out = dir "/" name; next
		}
		!out { next }
		/^$/ { next }
		{
			line = $0
			sub(/^[ \t]*[0-9a-f]+:[ \t]*/, "", line)
			gsub(/[0-9a-f]+ </, "<", line)
			if (noimm) gsub(/\$0x[0-9a-f]+/, "$IMM", line)
			print line > out
		}'
done
total=0; differ=0
for f in $(ls "$tmp/A" "$tmp/B" | grep -v ':$' | sort -u); do
	total=$((total + 1))
	if [ ! -e "$tmp/A/$f" ]; then echo "ONLY-B $f"; differ=$((differ + 1))
	elif [ ! -e "$tmp/B/$f" ]; then echo "ONLY-A $f"; differ=$((differ + 1))
	elif ! cmp -s "$tmp/A/$f" "$tmp/B/$f"; then echo "DIFF $f"; differ=$((differ + 1))
	fi
done
echo "functions=$total differ=$differ"
