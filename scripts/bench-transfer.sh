#!/usr/bin/env bash
# File-transfer benchmark: builds the release server, then has two headless Chromium peers send a
# random file (256 MiB unless --mb says otherwise) through Confab and through a bare data channel
# on the same connection, and prints MiB/s for both, the ratio and the receiver's peak memory.
# Options: --mb N, --rounds N, --json, --camera-off, --verbose, --profile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec node end2end/bench/transfer.mjs "$@"
