#!/bin/sh
# setup.sh: install the Debian packages the project needs (idempotent),
# then, as root, the host user of the nodes (node-user.sh).
# Does nothing, quickly, when everything is already there.
set -eu
PKGS="linux-source-6.1 build-essential flex bison bc libelf-dev libssl-dev
      libvdeplug-dev vde2 check pkg-config libcap-dev uml-utilities iproute2 ccache kmod
      xz-utils patch rsync mscgen libxml2-utils qemu-system-x86 sparse"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exec "$(dirname "$0")/node-user.sh"
if [ "$(id -u)" != 0 ]; then
	echo "setup: missing packages:$missing; run 'make setup' as root" >&2
	exit 1
fi
echo "setup: installing$missing"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
exec "$(dirname "$0")/node-user.sh"
