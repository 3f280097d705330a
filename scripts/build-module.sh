#!/usr/bin/env bash
# Builds one of the small WebAssembly modules the page runs off its main thread, and writes it,
# optimised by binaryen's wasm-opt -O3, to OUT:
#   bash scripts/build-module.sh confab-denoise OUT   noise suppression (worklet/denoise), for
#                                                      public/denoise-worklet.js
#   bash scripts/build-module.sh confab-hash OUT      file hashing (worker/hash), for
#                                                      public/hash-worker.js
# - WebAssembly SIMD (simd128) halves the denoiser's CPU time (11 -> 5.5 ms per second of audio
#   in Node); every browser Confab supports has it (Chromium 91, Firefox 89, Safari 16.4).
# - Their own target folder: the flag applies to these modules only, and the app's bundle, built
#   with other flags, is not rebuilt because of it.
# - Release at opt-level 3, no LTO: LTO made the denoiser larger (450 KB) and no faster;
#   opt-level "s" saved nothing after Brotli and was twice as slow.
set -euo pipefail
cd "$(dirname "$0")/.."
crate=${1:?usage: build-module.sh CRATE OUT}
out=${2:?usage: build-module.sh CRATE OUT}
target=${CARGO_TARGET_DIR:-target}/modules
CARGO_TARGET_DIR=$target CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128" \
  cargo build -q -p "$crate" --release --target wasm32-unknown-unknown
mkdir -p "$(dirname "$out")"
end2end/node_modules/.bin/wasm-opt -O3 --enable-simd \
  "$target/wasm32-unknown-unknown/release/${crate//-/_}.wasm" -o "$out"
echo "$out"
