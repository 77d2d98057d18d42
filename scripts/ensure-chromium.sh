#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser end-to-end tests (test/e2e/*.browser.test.ts).
# Playwright never downloads a browser here (no internet; `npx playwright install` fails): the tests drive
# the distribution's /usr/bin/chromium through playwright-core.
#
# Usage: scripts/ensure-chromium.sh    (idempotent; exits 0 at once when Chromium is already there)
# CHROMIUM_PATH overrides the executable looked for (default /usr/bin/chromium).
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$chromium" ]; then
  exit 0
fi

if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file." >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $chromium is missing and apt-get is not available; install Chromium by hand" \
    "(or set CHROMIUM_PATH to a Chromium/Chrome executable)." >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "ensure-chromium: $chromium is missing and installing it needs root: run" \
    "'apt-get update && apt-get install -y --no-install-recommends chromium' as root" \
    "(or set CHROMIUM_PATH to a Chromium/Chrome executable)." >&2
  exit 1
fi

echo "ensure-chromium: installing Debian's chromium package..." >&2
# Wait for another apt/dpkg run (up to 5 minutes) instead of failing on its lock.
apt_options=(-o DPkg::Lock::Timeout=300)
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_options[@]}" update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_options[@]}" install -y --no-install-recommends chromium

if [ ! -x "$chromium" ]; then
  echo "ensure-chromium: apt-get finished but $chromium is still missing." >&2
  exit 1
fi
echo "ensure-chromium: $("$chromium" --version 2>/dev/null || echo "$chromium installed")" >&2
