#!/usr/bin/env bash
# Builds Confab (release) and serves it on https://localhost:3000 (and every LAN address).
# Extra arguments go to the server: bash scripts/serve.sh --port 8443
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec target/release/confab "$@"
