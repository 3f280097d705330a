#!/usr/bin/env bash
# Browser benchmark: builds the release server and site, then has headless Chromium measure what a
# person waits for: the bundle's download size (raw and gzip -9, against the 200 KiB WASM budget),
# navigation to hydrated for the home page and a meeting link (fresh context, empty cache), and
# call set-up (a click on Join until both people see each other's first video frame, aim 120 ms),
# with the median per stage of where that time goes.
# Options: --rounds N (default 10), --json (one JSON object on stdout), --port N,
# --no-build (measure the release build already in target/; it must be a cargo-leptos build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
args=()
for arg in "$@"; do
  if [[ $arg == --no-build ]]; then build=0; else args+=("$arg"); fi
done
export PATH="$PWD/end2end/node_modules/.bin:$PATH"
if ((build)); then
  # Build output goes to stderr, so that with --json stdout is one JSON object.
  bash scripts/setup.sh >&2
  bash scripts/build.sh >&2
fi
exec node end2end/bench/browser.mjs "${args[@]}"
