#!/usr/bin/env bash
# Runs every check and test: formatting, lints, unit and socket tests, then real browsers
# holding calls against a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$PATH" # wasm-opt for the release bundle

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format"
cargo fmt --check

step "lints (server and browser)"
cargo clippy --features ssr --all-targets -- -D warnings
cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "unit and socket tests"
cargo leptos test

step "release build"
cargo leptos build --release

step "browser tests"
cd end2end
npx playwright test
