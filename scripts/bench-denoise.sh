#!/usr/bin/env bash
# Noise-suppression benchmark: builds the module (scripts/build-module.sh), then prints its
# size, its CPU time per second of audio in Node (natively too, with --native), the delay the
# worklet adds, what it does to generated sounds offline, and, in headless Chromium, how much
# the worklet takes off a noise-only microphone and off speech. Needs espeak-ng and sox.
# Options after the script's own --native go to end2end/bench/denoise.mjs: --seconds N,
# --modes default,ns-off,raw, --sounds noise,speech-noise,speech, --skip-node, --skip-browser.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${1:-} == --native ]]; then
  shift
  cargo run -q -p confab-denoise --release --example throughput
fi
target=${CARGO_TARGET_DIR:-target}/modules
bash scripts/build-module.sh confab-denoise "$target/confab_denoise.opt.wasm" >/dev/null
exec node end2end/bench/denoise.mjs --wasm "$target/wasm32-unknown-unknown/release/confab_denoise.wasm" "$@"
