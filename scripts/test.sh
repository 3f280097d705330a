#!/usr/bin/env bash
# Runs every check and test: formatting, lints, unit and socket tests, then real browsers
# holding calls against a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

step() { printf '\n\033[1m== %s\033[0m (disk free: %s)\n' "$*" "$(df -h --output=avail . | tail -n1 | tr -d ' ')"; }

# Test output is kept to count the results for the closing summary.
results=$(mktemp)
trap 'rm -f "$results"' EXIT

step "format"
cargo fmt --check

step "lints (server and browser)"
cargo clippy --features ssr --all-targets -- -D warnings
cargo clippy -p confab-load --all-targets -- -D warnings
cargo clippy -p confab-denoise --all-targets -- -D warnings
cargo clippy -p confab-hash --all-targets -- -D warnings
cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "unit and socket tests"
cargo leptos test 2>&1 | tee -a "$results"
cargo test -p confab-load 2>&1 | tee -a "$results"
cargo test -p confab-denoise 2>&1 | tee -a "$results"
cargo test -p confab-hash 2>&1 | tee -a "$results"

step "release build and Debian package"
bash scripts/build.sh
bash scripts/package.sh

step "browser tests"
(cd end2end && npx playwright test) 2>&1 | tee -a "$results"

# One line for all suites (the script has already stopped if any test failed).
awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed/) p += $(i-1); if ($(i) ~ /^failed/) f += $(i-1) } }
  /^ +[0-9]+ passed \(/ { p += $1 }
  /^ +[0-9]+ failed$/ { f += $1 }
  /^ +[0-9]+ flaky$/ { k += $1 }
  END { printf "\n%d passed, %d failed, %d flaky (passed on retry)\n", p, f, k }
' "$results"
