#!/usr/bin/env bash
# Noise-suppression benchmark: builds confab-denoise for the browser (release, wasm32), then
# prints the module's size, its CPU time per second of audio in Node (natively too, with
# --native), the delay the worklet adds, and, in headless Chromium, how much the worklet takes
# off a noise-only microphone and off speech. Needs espeak-ng and sox for the sounds.
# Options after the script's own --native go to end2end/bench/denoise.mjs: --seconds N,
# --modes default,ns-off,raw, --sounds noise,speech-noise,speech, --skip-node, --skip-browser.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
if [[ ${1:-} == --native ]]; then
  shift
  cargo run -q -p confab-denoise --release --example throughput
fi
cargo build -q -p confab-denoise --release --target wasm32-unknown-unknown
exec node end2end/bench/denoise.mjs --wasm "$target/wasm32-unknown-unknown/release/confab_denoise.wasm" "$@"
