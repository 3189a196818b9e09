#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages: Java for the Nu HTML Checker (vnu-jar),
# and a Chromium for Playwright. Playwright's own browser download is used when it is already
# there; otherwise Debian's Chromium (/usr/bin/chromium), installed with apt-get when missing.
set -euo pipefail
if ! command -v java >/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "test setup: installing Debian's default-jre-headless (for the Nu HTML Checker)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
  else
    echo "test setup: no Java; the Nu HTML Checker test will be skipped (Debian/Ubuntu: sudo apt-get install default-jre-headless)." >&2
  fi
fi
if node -e "process.exit(require('fs').existsSync(require('playwright-core').chromium.executablePath()) ? 0 : 1)" 2>/dev/null; then
  echo "test setup: using Playwright's Chromium"
  exit 0
fi
if [ -x /usr/bin/chromium ]; then
  echo "test setup: using /usr/bin/chromium ($(/usr/bin/chromium --version 2>/dev/null || echo unknown version))"
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "test setup: installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  exit 0
fi
echo "test setup: no Chromium found. Install one (Debian/Ubuntu: sudo apt-get install chromium) or run 'npx playwright install chromium'." >&2
exit 1
