#!/usr/bin/env bash
# Fuzzes the message decoders: installs cargo-fuzz if missing (idempotent), runs every fuzz target
# for FUZZ_SECONDS (default 180) each, then minimises each target's corpus in fuzz/corpus/.
# A crash stops the script; libFuzzer keeps the input under fuzz/artifacts/<target>/.
# The kept corpus is replayed on stable by tests/fuzz_corpus.rs.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
seconds=${FUZZ_SECONDS:-180}

log() { printf '\033[1mfuzz:\033[0m %s\n' "$*"; }

# libFuzzer's instrumentation needs a nightly compiler.
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  log "installing the nightly toolchain"
  rustup toolchain install nightly --profile minimal
fi
if [[ "$(cargo fuzz --version 2>/dev/null)" != *"$CARGO_FUZZ_VERSION"* ]]; then
  log "building cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

for target in $(cargo +nightly fuzz list); do
  # The TURN gate is part of the server.
  features=()
  [[ $target == turn_packet ]] && features=(--features ssr)
  log "$target: fuzzing for ${seconds}s"
  cargo +nightly fuzz run "${features[@]}" "$target" -- -max_total_time="$seconds"
  # Keeps one input per covered edge (not per hit count): a few hundred small files to commit.
  log "$target: minimising the corpus"
  cargo +nightly fuzz cmin "${features[@]}" "$target" -- -use_counters=0
  log "$target: $(find "fuzz/corpus/$target" -type f | wc -l) inputs, $(du -sh --apparent-size "fuzz/corpus/$target" | cut -f1)"
done
