#!/usr/bin/env bash
# Debian packages the test suite needs beyond python3. Idempotent: installs only what is missing.
set -euo pipefail
need=()
# (browser tests and PDF checks add packages here as later issues arrive)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
