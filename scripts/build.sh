#!/usr/bin/env bash
# Builds the release server and site (target/release/confab, target/site). Every release build goes
# through here, so the bundle is always optimised by binaryen's wasm-opt and precompressed: next to
# each file in target/site sit .br and .gz copies, which the server sends to browsers that accept
# them (1.3 MB of WASM becomes about 0.4 MB on the wire).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$PATH" # wasm-opt: Debian's binaryen is too old
cargo leptos build --release --precompress "$@"
# cargo-leptos writes its .gz copies at a low level (the WASM's is 15 % larger than gzip -9's).
find target/site -name '*.gz' -print0 | while IFS= read -r -d '' gz; do
  gzip -9 -n -c "${gz%.gz}" >"$gz"
done
