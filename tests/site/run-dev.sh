#!/bin/sh
# Starts tests/site/dev-stack.ts in its own process group and prints the group id (kill -- -PGID to stop).
cd "$(dirname "$0")/../.." && setsid npx tsx tests/site/dev-stack.ts > /tmp/site-dev.log 2>&1 < /dev/null &
sleep 1; ps -o pgid= -p $! | tr -d ' '
