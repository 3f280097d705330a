#!/usr/bin/env bash
# Builds the release server (target/release/confab), which carries the whole site inside it:
# the bundle optimised by binaryen's wasm-opt, with Brotli (.br) and gzip -9 (.gz) copies of every
# file, which the server sends to browsers that accept them (1.3 MB of WASM becomes about 0.4 MB
# on the wire). The same files are left in target/site (for --site-dir).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$PATH" # wasm-opt: Debian's binaryen is too old
# The modules the page runs off its main thread (their own crates and target): public files.
bash scripts/build-module.sh confab-denoise public/confab_denoise.wasm >/dev/null
bash scripts/build-module.sh confab-hash public/confab_hash.wasm >/dev/null
# The site first, so that the server build embeds it. Split: the call's code is a chunk of its own
# (see src/client/call/control.rs), which the home page and the lobby do not wait for.
cargo leptos build --release --precompress --split --frontend-only "$@"
# cargo-leptos writes its .gz copies at a low level (the WASM's is 15 % larger than gzip -9's).
find target/site -name '*.gz' -print0 | while IFS= read -r -d '' gz; do
  gzip -9 -n -c "${gz%.gz}" >"$gz"
done
cargo leptos build --release --server-only "$@"
