#!/usr/bin/env bash
# Build the web application's front-end assets from npm, pinned by package-lock.json.
#
# Installs govuk-frontend and sass into .tools/npm (git-ignored), compiles
# src/saferplaces/web/assets/saferplaces.scss with Arial and no GDS Transport font,
# and copies GOV.UK Frontend's JavaScript (not its fonts or crown images) into
# src/saferplaces/web/static/. The output is committed (docs/adr/0004-web-stack.md),
# so the app runs from a fresh clone without Node; run this only to change or
# upgrade the assets, then commit the result.
#
# It also copies axe-core (the accessibility rules the browser tests run) into
# tests/e2e/vendor/axe-core/ with its licence, committed too, so CI needs no npm.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/.tools/npm"
STATIC="$ROOT/src/saferplaces/web/static"

command -v npm >/dev/null || { echo "npm is not installed. Install it with: apt-get install npm" >&2; exit 1; }

mkdir -p "$BUILD"
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$BUILD/"
(cd "$BUILD" && npm ci --no-audit --no-fund --omit=optional --ignore-scripts >/dev/null)

GOVUK="$BUILD/node_modules/govuk-frontend/dist/govuk"
VERSION="$(node -p "require('$BUILD/node_modules/govuk-frontend/package.json').version")"

rm -rf "$STATIC/govuk" "$STATIC/saferplaces/saferplaces.css"
mkdir -p "$STATIC/govuk" "$STATIC/saferplaces"

"$BUILD/node_modules/.bin/sass" --no-source-map --style=compressed --quiet-deps \
  --load-path="$BUILD/node_modules/govuk-frontend/dist" --load-path="$ROOT/src/saferplaces/web/assets" \
  "$ROOT/src/saferplaces/web/assets/saferplaces.scss" "$STATIC/saferplaces/saferplaces.css"

# JavaScript only: the GDS Transport fonts and the crown images belong to GOV.UK
# services and are not copied. Safer Places has its own favicon in static/saferplaces/.
cp "$GOVUK/govuk-frontend.min.js" "$STATIC/govuk/"
echo "$VERSION" > "$STATIC/govuk/VERSION"

# axe-core for the browser tests (tests/e2e/axe.py injects it into each page).
AXE="$BUILD/node_modules/axe-core"
AXE_OUT="$ROOT/tests/e2e/vendor/axe-core"
rm -rf "$AXE_OUT"
mkdir -p "$AXE_OUT"
cp "$AXE/axe.min.js" "$AXE/LICENSE" "$AXE/LICENSE-3RD-PARTY.txt" "$AXE_OUT/"
node -p "require('$AXE/package.json').version" > "$AXE_OUT/VERSION"

if grep -q "GDS Transport" "$STATIC/saferplaces/saferplaces.css"; then
  echo "The compiled CSS still names GDS Transport. Check saferplaces.scss sets \$govuk-font-family." >&2
  exit 1
fi
echo "Built GOV.UK Frontend $VERSION assets into ${STATIC#"$ROOT/"}"
echo "Copied axe-core $(cat "$AXE_OUT/VERSION") into ${AXE_OUT#"$ROOT/"}"
