#!/usr/bin/env bash
# Make sure uv exists, then build .venv from the lock. Idempotent.
# Needs only python3; installs python3-venv through apt-get when Debian lacks it.
# SAFERPLACES_EXTRAS adds optional dependency groups from pyproject.toml, comma-separated,
# such as SAFERPLACES_EXTRAS=postgres (.ci/run's tests against PostgreSQL) (the only optional group).
# Without it .venv holds no extras (uv sync removes what the lock does not ask for).
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION="0.13.9"
TOOLS=".tools"
export UV_PYTHON_DOWNLOADS=never
export UV_PROJECT_ENVIRONMENT=.venv

apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing Debian packages: $*"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
  else
    echo "Cannot install $* without apt-get. Install them and run this again." >&2
    exit 1
  fi
}

find_uv() {
  if [ -x "$TOOLS/bin/uv" ]; then echo "$TOOLS/bin/uv"; return; fi
  if command -v uv >/dev/null 2>&1; then command -v uv; return; fi
  echo ""
}

# No Debian package is needed at run time: Typst and the Liberation Sans fonts it typesets the
# PDFs in come with the Python packages and the project (ADR 0032).

UV=$(find_uv)
if [ -z "$UV" ]; then
  if ! python3 -m venv "$TOOLS" >/dev/null 2>&1; then
    rm -rf "$TOOLS"
    apt_install python3-venv python3-pip
    python3 -m venv "$TOOLS"
  fi
  "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  UV="$TOOLS/bin/uv"
fi

extras=()
for extra in ${SAFERPLACES_EXTRAS:+${SAFERPLACES_EXTRAS//,/ }}; do
  extras+=(--extra "$extra")
done
# --compile-bytecode: uv, unlike pip, installs no .pyc files, and with PYTHONDONTWRITEBYTECODE
# set Python then compiles every library module it imports on every run (python-docx, openpyxl,
# numpy...): about 3.5 s of processor time for one cold `saferplaces assess` (issue #9).
# A sync with nothing to change skips it, so only the first setup pays (about 30 s).
"$UV" sync --locked --python python3 --quiet --compile-bytecode "${extras[@]}"
# The project's own modules too (an editable install leaves them in src/). A file changed
# later is simply compiled again in memory when Python finds its .pyc out of date. A file that
# does not compile (mid-edit) is left to the linters and tests to report, not to setup.
.venv/bin/python -m compileall -q src >/dev/null || true
