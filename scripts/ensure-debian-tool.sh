#!/usr/bin/env bash
# Makes sure a tool the tests run is installed, from Debian's packages (the machines here reach no other
# source for it): exits 0 at once when the executable is already there, otherwise installs the package
# with apt-get (as root, or through passwordless sudo).
#
# Usage: scripts/ensure-debian-tool.sh <executable path> <Debian package>
set -euo pipefail

executable="$1"
package="$2"

if [ -x "$executable" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure: $executable is missing and apt-get is not available; install $package by hand." >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "ensure: $executable is missing and installing it needs root: run" \
    "'apt-get update && apt-get install -y --no-install-recommends $package' as root." >&2
  exit 1
fi

echo "ensure: installing Debian's $package package..." >&2
# Wait for another apt/dpkg run (up to 5 minutes) instead of failing on its lock.
apt_options=(-o DPkg::Lock::Timeout=300)
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_options[@]}" update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_options[@]}" install -y --no-install-recommends "$package"

if [ ! -x "$executable" ]; then
  echo "ensure: apt-get finished but $executable is still missing." >&2
  exit 1
fi
