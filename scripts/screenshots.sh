#!/usr/bin/env bash
# Takes pictures of every screen of the app, on a desktop (1366x768) and a phone (390x844), into
# docs/screenshots/: home-desktop.png, lobby-phone.png, call-4-people-desktop.png,
# chat-open-phone.png, remove-confirm-desktop.png, … (one per state and screen).
# Serves the release build, target/release/confab (bash scripts/build.sh makes it), or the binary
# named by CONFAB_E2E_BIN, on port 3443 or CONFAB_E2E_PORT. Arguments go to Playwright.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONFAB_E2E_BIN=${CONFAB_E2E_BIN:-target/release/confab}
if [[ ! -x $CONFAB_E2E_BIN ]]; then
  echo "screenshots: no server at $CONFAB_E2E_BIN; build it first: bash scripts/build.sh" >&2
  exit 1
fi
# Playwright, axe-core and Chromium, if something is missing (quick when nothing is).
bash scripts/setup.sh
# The folder holds exactly the screens there are now.
mkdir -p docs/screenshots
rm -f docs/screenshots/*.png
cd end2end
npx playwright test --config screenshots.config.ts "$@"
echo "screenshots: $(ls ../docs/screenshots/*.png | wc -l) pictures in docs/screenshots/"
