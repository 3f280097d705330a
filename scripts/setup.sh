#!/usr/bin/env bash
# Installs everything Confab needs to build, serve and test, idempotently.
# Fast when everything is already present; safe to run on every build.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

CARGO_LEPTOS_VERSION=0.3.11
# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# Debian packages: only touch apt when something is missing.
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
# One test meets Chromium pages from Firefox (driven over WebDriver BiDi by puppeteer-core).
command -v firefox-esr >/dev/null || need_apt+=(firefox-esr)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
command -v curl >/dev/null || need_apt+=(curl)
command -v cc >/dev/null || need_apt+=(build-essential)
dpkg -s pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
# Network tests cut one browser's traffic with packet filter rules.
command -v iptables >/dev/null || need_apt+=(iptables)
# TURN tests and the TURN benchmark compare the embedded relay with coturn and its load client.
command -v turnserver >/dev/null || need_apt+=(coturn)
# Deployment tests run real components: an ACME server (pebble), Prometheus, nginx and Caddy as
# reverse proxies; openssl reads the certificates served.
command -v pebble >/dev/null || need_apt+=(pebble)
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v nginx >/dev/null || need_apt+=(nginx-light)
command -v caddy >/dev/null || need_apt+=(caddy)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v systemd-analyze >/dev/null || need_apt+=(systemd)
command -v ip >/dev/null || need_apt+=(iproute2)
# The noise-suppression test speaks (espeak-ng) over a fan's noise (sox) into a browser.
command -v espeak-ng >/dev/null || need_apt+=(espeak-ng)
command -v sox >/dev/null || need_apt+=(sox)
# The test browsers draw reactions with an emoji font, as a person's browser would.
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need_apt+=(fonts-noto-color-emoji)
if ((${#need_apt[@]})); then
  log "installing Debian packages: ${need_apt[*]}"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "setup: cargo not found; install Rust with rustup first" >&2; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Unpacks the published source of a crate into a fresh directory and prints its path. Cargo itself
# fetches it (as the dependency of a throwaway manifest), so the registry is whatever cargo is
# configured to use.
fetch_crate() {
  local name=$1 version=$2 dir cached
  dir=$(mktemp -d)
  mkdir -p "$dir/fetch/src"
  touch "$dir/fetch/src/lib.rs"
  printf '[package]\nname = "fetch-tool-source"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n%s = "=%s"\n' \
    "$name" "$version" >"$dir/fetch/Cargo.toml"
  (cd "$dir/fetch" && cargo fetch -q) >&2
  cached=$(ls -t "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$name-$version.crate" | head -n1)
  tar -xzf "$cached" -C "$dir"
  echo "$dir/$name-$version"
}

# Builds a tool from its published source, with its lockfile adjusted by the given `cargo update`s.
# Both tools' published lockfiles pin a crate this toolchain cannot use.
install_tool() {
  local name=$1 version=$2 features=$3 pin_crate=$4 pin_version=$5 src
  src=$(fetch_crate "$name" "$version")
  (cd "$src" && cargo update -q -p "$pin_crate" --precise "$pin_version" &&
    cargo install -q --path . --locked --root "$HOME/.cargo" $features)
  rm -rf "$(dirname "$src")"
}

if [[ "$(cargo leptos --version 2>/dev/null)" != *"$CARGO_LEPTOS_VERSION"* ]]; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION (no downloads at build time; ~9 min)"
  install_tool cargo-leptos "$CARGO_LEPTOS_VERSION" "--features no_downloads" cargo-util-schemas 0.14.1
fi

if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (~2 min)"
  install_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" "" webpki-roots 1.0.10
fi

# cargo-deb builds the Debian package (scripts/package.sh).
CARGO_DEB_VERSION=3.8.0
if [[ "$(cargo deb --version 2>/dev/null)" != *"$CARGO_DEB_VERSION"* ]]; then
  log "building cargo-deb $CARGO_DEB_VERSION (~3 min)"
  cargo install -q --locked cargo-deb --version "$CARGO_DEB_VERSION"
fi

# npm packages: Playwright (driving Debian's chromium), puppeteer-core (driving Debian's
# firefox-esr) and binaryen's wasm-opt (Debian's is too old).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1
if [[ ! -f end2end/node_modules/.package-lock.json ]] || [[ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]]; then
  log "installing end2end npm packages"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi

log "ready: $(cargo leptos --version), $(wasm-bindgen --version), wasm-opt $("$ROOT/end2end/node_modules/.bin/wasm-opt" --version | awk '{print $3}'), $(chromium --version)"
