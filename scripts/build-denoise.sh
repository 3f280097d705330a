#!/usr/bin/env bash
# Builds the noise-suppression module (the confab-denoise crate) for the browser's audio worklet
# and writes it, optimised by binaryen's wasm-opt -O3, to OUT (default
# target/denoise/confab_denoise.wasm).
# - WebAssembly SIMD (simd128) halves its CPU time (11 -> 5.5 ms per second of audio in Node);
#   every browser Confab supports has it (Chromium 91, Firefox 89, Safari 16.4).
# - Its own target folder: the flag applies to this module only, and the app's bundle, built
#   with other flags, is not rebuilt because of it.
# - Release at opt-level 3, no LTO: LTO made it larger (450 KB) and no faster; opt-level "s"
#   saved nothing after Brotli and was twice as slow.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/denoise/confab_denoise.wasm}
target=${CARGO_TARGET_DIR:-target}/denoise
CARGO_TARGET_DIR=$target CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128" \
  cargo build -q -p confab-denoise --release --target wasm32-unknown-unknown
mkdir -p "$(dirname "$out")"
end2end/node_modules/.bin/wasm-opt -O3 --enable-simd "$target/wasm32-unknown-unknown/release/confab_denoise.wasm" -o "$out"
echo "$out"
