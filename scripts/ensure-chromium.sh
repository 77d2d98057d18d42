#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser end-to-end tests (test/e2e/*.browser.test.ts).
# Playwright never downloads a browser here (no internet; `npx playwright install` fails): the tests drive
# the distribution's /usr/bin/chromium through playwright-core.
#
# Usage: scripts/ensure-chromium.sh    (idempotent; exits 0 at once when Chromium is already there)
# CHROMIUM_PATH overrides the executable looked for (default /usr/bin/chromium).
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -n "${CHROMIUM_PATH:-}" ] && [ ! -x "$chromium" ]; then
  echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file." >&2
  exit 1
fi

"$(dirname "$0")/ensure-debian-tool.sh" "$chromium" chromium
