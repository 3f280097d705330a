#!/usr/bin/env bash
# Builds Confab (release) and serves it on https://localhost:3000 (and every LAN address).
# Extra arguments go to the server: bash scripts/serve.sh --port 8443
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$PATH" # wasm-opt for the release bundle
cargo leptos build --release
exec target/release/confab "$@"
