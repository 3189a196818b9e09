#!/usr/bin/env bash
# `npm run test:setup`: installs what the test suite needs beyond npm packages, all from Debian:
#   chromium, fonts-dejavu-core  Playwright's browser (Playwright's own download is used when present)
#   caddy, libnss3-tools         the TLS front of the proxy e2e test (certutil makes Chromium trust its CA)
#   redis-server, nginx          the cluster acceptance run (shared Redis, round-robin balancer)
#   default-jre-headless         Java for the Nu HTML Checker (vnu-jar, tests/e2e/reader-pages.spec.ts)
# Installs only what is missing, with apt-get when run as root; otherwise prints the command.
set -euo pipefail

missing=()
need() { # need <package> <binary>...
  local package=$1
  shift
  for binary in "$@"; do
    if command -v "$binary" >/dev/null 2>&1 || [ -x "/usr/sbin/$binary" ] || [ -x "/usr/bin/$binary" ]; then return 0; fi
  done
  missing+=("$package")
}

playwright_chromium=0
if node -e "process.exit(require('fs').existsSync(require('playwright-core').chromium.executablePath()) ? 0 : 1)" 2>/dev/null; then
  playwright_chromium=1
else
  need chromium chromium
  [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
fi
need caddy caddy
need libnss3-tools certutil
need redis-server redis-server
need nginx nginx
need default-jre-headless java

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "test setup: installing Debian's ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test setup: the tests need ${missing[*]}: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if [ "$playwright_chromium" = 1 ]; then
  echo "test setup: using Playwright's Chromium"
else
  echo "test setup: using /usr/bin/chromium ($(/usr/bin/chromium --version 2>/dev/null || echo unknown version))"
fi
