#!/usr/bin/env bash
# Debian packages the test suite needs beyond python3. Idempotent: installs only what is missing.
#   chromium     the browser tests in tests/e2e (Debian's build; Playwright's downloads are never used)
#   postgresql   only with SAFERPLACES_TEST_POSTGRES=1 (.ci/run): the web tests against PostgreSQL
set -euo pipefail
want=(chromium)
if [ "${SAFERPLACES_TEST_POSTGRES:-0}" = 1 ]; then
  want+=(postgresql)
fi
need=()
if command -v dpkg >/dev/null 2>&1; then
  for pkg in "${want[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
fi
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "The tests need ${need[*]}; install them and run this again (the browser tests are skipped without chromium)." >&2
    exit 0
  fi
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages for the tests: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
