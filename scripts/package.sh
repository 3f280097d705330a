#!/usr/bin/env bash
# Builds the Debian package target/debian/confab_<version>_<arch>.deb from the release build:
# /usr/bin/confab (carrying the site), the systemd unit and /etc/confab/confab.toml.
# Install it with: sudo apt install ./target/debian/confab_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x target/release/confab ]] || bash scripts/build.sh
rm -f target/debian/confab_*.deb
# The binary is cargo-leptos's release build (with the site inside), not a plain cargo build.
cargo deb --no-build --no-strip --quiet
ls target/debian/confab_*.deb
