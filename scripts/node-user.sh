#!/bin/sh
# node-user.sh: the host user a root clustersim runs the nodes as
# (sim/launcher/nodeuser.c), and its way into the build tree.
#
# Run as root by `make setup`: adds the system user clustersim-node
# (no home, no login, its own group) if missing, then lets it search
# every directory from / down to the tree (TOP) that it could not: a
# checkout in a `mktemp -d` directory (mode 0700) is closed to it. It gets
# search and read (rx), by an ACL entry for it alone: QEMU's 9p server
# (security_model=none) opens each directory of a path for reading, and
# a guest's init under a search-only directory failed with EACCES (-13);
# UML's hostfs needs search only. Where the file system takes no ACL,
# chmod o+rx, said on stderr.
# Not root: nothing to do (the nodes run as the caller).
set -eu
USER_NAME=clustersim-node
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}

[ "$(id -u)" = 0 ] || exit 0
if ! id -u "$USER_NAME" >/dev/null 2>&1; then
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin "$USER_NAME"
	echo "setup: added user $USER_NAME (uid $(id -u "$USER_NAME")): a root clustersim runs its nodes as it"
fi

can_search() {
	setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --clear-groups \
		sh -c 'test -x "$1" && test -r "$1"' sh "$1"
}

# setfacl (package acl) only when a directory needs it
need_acl() {
	command -v setfacl >/dev/null 2>&1 && return 0
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends acl >/dev/null ||
		{ apt-get update -q >/dev/null &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends acl >/dev/null; } ||
		true
}

# from / down: a directory is reached only through its parent
dirs=
dir=$TOP
while :; do
	dirs="$dir
$dirs"
	[ "$dir" = / ] && break
	dir=$(dirname "$dir")
done
echo "$dirs" | while IFS= read -r dir; do
	[ -n "$dir" ] || continue
	can_search "$dir" && continue
	need_acl
	if setfacl -m "u:$USER_NAME:rx" "$dir" 2>/dev/null; then
		echo "setup: $USER_NAME may search and read $dir (ACL)"
	else
		chmod o+rx "$dir"
		echo "setup: $dir takes no ACL: chmod o+rx for $USER_NAME" >&2
	fi
	can_search "$dir" || {
		echo "setup: $USER_NAME still cannot search $dir" >&2
		exit 1
	}
done
