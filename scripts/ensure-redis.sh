#!/usr/bin/env bash
# Makes sure Debian's redis-server is installed: the tests of what replicas share (REDIS_URL) start their
# own Redis on a free port and stop it (test/redis.ts). REDIS_SERVER_PATH overrides the executable looked for.
set -euo pipefail
"$(dirname "$0")/ensure-debian-tool.sh" "${REDIS_SERVER_PATH:-/usr/bin/redis-server}" redis-server
