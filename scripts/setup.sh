#!/usr/bin/env bash
# Install (once) and describe the toolchain for GameDay Sandbox.
#
#   scripts/setup.sh           install whatever is missing, print a summary
#   source scripts/setup.sh    same, then keep the environment and helpers:
#       gd_native CMD...       run CMD with the native Rust env (cargo test, cargo run)
#       gd_wasm   CMD...       run CMD with the wasm32 env (trunk, cargo --target wasm32-...)
#
# Two routes to a Rust that can build wasm32-unknown-unknown:
#   rustup : `rustup target add wasm32-unknown-unknown` works (developer laptop).
#   debian : rustup cannot download it (the project's build machines): Debian's
#            rustc-web/cargo-web 1.96 + rust-web-src, std rebuilt with -Zbuild-std.
# ONE toolchain is used for every cargo call of a route (native tests too):
# mixing rustup's and Debian's compilers fails with E0514.
#
# Knobs (environment):
#   GAMEDAY_TOOLS          tools dir (default ~/.cache/gameday-sandbox/tools)
#   GAMEDAY_WASM_ROUTE     auto (default) | rustup | debian
#   GAMEDAY_SKIP_BROWSER=1 do not install/check chromium + chromedriver
#   CHROMEDRIVER, CHROME_BIN  browser binaries (default /usr/bin/chromedriver, /usr/bin/chromium)
# A failed `rustup target add` is remembered in $GAMEDAY_TOOLS/rustup-wasm32.failed;
# delete that file to try rustup again.

GAMEDAY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
source "$GAMEDAY_ROOT/scripts/versions.env"
export GAMEDAY_ROOT GAMEDAY_TOOLS

gd__log() { printf '[setup] %s\n' "$*" >&2; }
gd__die() { printf '[setup] ERROR: %s\n' "$*" >&2; return 1; }

# sudo only when not root (and only if it exists).
gd__sudo() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Print the packages among "$@" that dpkg does not have installed.
gd__apt_missing() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
    done
}

gd__apt_updated=0
gd__apt_install() {
    local missing
    missing="$(gd__apt_missing "$@" | tr '\n' ' ')"
    [ -z "${missing// /}" ] && return 0
    command -v apt-get >/dev/null ||
        { gd__die "missing packages: $missing(no apt-get here: install their equivalents yourself)"; return 1; }
    gd__log "apt-get install $missing"
    if [ "$gd__apt_updated" = 0 ]; then
        gd__sudo apt-get update -qq && gd__apt_updated=1
    fi
    # shellcheck disable=SC2086
    gd__sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

# --- pins must agree with Cargo.toml, Cargo.lock and Trunk.toml --------------
gd__check_pins() {
    local r="$GAMEDAY_ROOT" ok=0
    grep -q "^wasm-bindgen = \"=$WASM_BINDGEN_VERSION\"" "$r/Cargo.toml" ||
        { gd__log "Cargo.toml does not pin wasm-bindgen = \"=$WASM_BINDGEN_VERSION\""; ok=1; }
    if [ -f "$r/Cargo.lock" ] &&
        ! grep -A1 '^name = "wasm-bindgen"$' "$r/Cargo.lock" | grep -q "^version = \"$WASM_BINDGEN_VERSION\"$"; then
        gd__log "Cargo.lock has another wasm-bindgen than $WASM_BINDGEN_VERSION"; ok=1
    fi
    grep -q "^wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" "$r/Trunk.toml" ||
        { gd__log "Trunk.toml [tools] wasm_bindgen is not \"$WASM_BINDGEN_VERSION\""; ok=1; }
    grep -q "^wasm_opt = \"version_$BINARYEN_VERSION\"" "$r/Trunk.toml" ||
        { gd__log "Trunk.toml [tools] wasm_opt is not \"version_$BINARYEN_VERSION\""; ok=1; }
    grep -q "^trunk-version = \"=$TRUNK_VERSION\"" "$r/Trunk.toml" ||
        { gd__log "Trunk.toml trunk-version is not \"=$TRUNK_VERSION\""; ok=1; }
    [ "$ok" = 0 ] || gd__die "version pins disagree with scripts/versions.env"
}

# --- Rust: pick the route, install what it needs -----------------------------
gd__choose_route() {
    local marker="$GAMEDAY_TOOLS/rustup-wasm32.failed"
    GAMEDAY_ROUTE="${GAMEDAY_WASM_ROUTE:-auto}"
    if [ "$GAMEDAY_ROUTE" = auto ]; then
        GAMEDAY_ROUTE=debian
        if command -v rustup >/dev/null && (cd "$GAMEDAY_ROOT" && rustup which cargo >/dev/null 2>&1); then
            if (cd "$GAMEDAY_ROOT" && rustup target list --installed) | grep -qx wasm32-unknown-unknown; then
                GAMEDAY_ROUTE=rustup
            elif [ -e "$marker" ]; then
                gd__log "rustup could not add wasm32 before ($marker): Debian route"
            else
                gd__log "trying: rustup target add wasm32-unknown-unknown (timeout ${RUSTUP_TARGET_TIMEOUT}s)"
                if (cd "$GAMEDAY_ROOT" && timeout "$RUSTUP_TARGET_TIMEOUT" rustup target add wasm32-unknown-unknown); then
                    GAMEDAY_ROUTE=rustup
                else
                    mkdir -p "$GAMEDAY_TOOLS"
                    date -u +"%F %T rustup target add failed or timed out" >"$marker"
                    gd__log "rustup failed; remembered in $marker; falling back to Debian route"
                fi
            fi
        fi
    fi
    case "$GAMEDAY_ROUTE" in
    rustup)
        # The toolchain rustup selects for this directory; its bin dir goes first on PATH.
        GAMEDAY_RUST_BIN="$(dirname "$(cd "$GAMEDAY_ROOT" && rustup which cargo)")"
        if [ "${GAMEDAY_WASM_ROUTE:-auto}" = rustup ] &&
            ! (cd "$GAMEDAY_ROOT" && rustup target list --installed) | grep -qx wasm32-unknown-unknown; then
            (cd "$GAMEDAY_ROOT" && timeout "$RUSTUP_TARGET_TIMEOUT" rustup target add wasm32-unknown-unknown) ||
                { gd__die "GAMEDAY_WASM_ROUTE=rustup but the wasm32 target cannot be added"; return 1; }
        fi
        GD_WASM_ENV=()
        ;;
    debian)
        # shellcheck disable=SC2086
        gd__apt_install $DEBIAN_RUST_PACKAGES || return 1
        GAMEDAY_RUST_BIN=/usr/bin
        [ -d /usr/lib/rustlib/src/rust/library ] ||
            { gd__die "rust-web-src installed but /usr/lib/rustlib/src/rust/library is missing"; return 1; }
        # std is rebuilt for wasm32 from Debian's sources (nightly flag on a
        # stable compiler, hence RUSTC_BOOTSTRAP). rustc-web wants a `rust-lld`
        # that only the heavier rust-web-llvm package provides: use lld-22's
        # wasm-ld directly. clang-22 compiles C code in crates (cc crate).
        GD_WASM_ENV=(
            RUSTC_BOOTSTRAP=1
            CARGO_UNSTABLE_BUILD_STD=std,panic_abort
            CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
            CC_wasm32_unknown_unknown=clang-22
        )
        if command -v llvm-ar-22 >/dev/null; then GD_WASM_ENV+=(AR_wasm32_unknown_unknown=llvm-ar-22); fi
        ;;
    *) gd__die "GAMEDAY_WASM_ROUTE must be auto, rustup or debian (got $GAMEDAY_ROUTE)"; return 1 ;;
    esac
    export GAMEDAY_ROUTE GAMEDAY_RUST_BIN
}

# --- cargo-installed tools, checked by the version they print ---------------
gd__tool_version() { [ -x "$GAMEDAY_TOOLS/bin/$1" ] && "$GAMEDAY_TOOLS/bin/$1" --version 2>/dev/null | awk '{print $2; exit}'; }

gd__cargo_tool() { # crate version [cargo install flags...]; bins to check come from $GD_BINS
    local crate="$1" version="$2" bin; shift 2
    for bin in $GD_BINS; do
        [ "$(gd__tool_version "$bin")" = "$version" ] || {
            gd__log "cargo install $crate $version into $GAMEDAY_TOOLS (takes minutes)"
            # No CARGO_TARGET_DIR: tool builds must not fill the project's target dir.
            # No fat LTO / single codegen unit (trunk's release profile): that
            # last link step alone takes minutes on 2 cores; tools need no speed.
            gd_native env -u CARGO_TARGET_DIR \
                CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
                cargo install --quiet --root "$GAMEDAY_TOOLS" \
                --version "=$version" --force "$@" "$crate" || return 1
            return 0
        }
    done
}

gd__install_tools() {
    mkdir -p "$GAMEDAY_TOOLS"
    GD_BINS="wasm-bindgen wasm-bindgen-test-runner" gd__cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" || return 1
    GD_BINS="trunk" gd__cargo_tool trunk "$TRUNK_VERSION" --locked || return 1

    # binaryen's wasm-opt from npm (runs on Node.js).
    local wasm_opt="$GAMEDAY_TOOLS/node_modules/.bin/wasm-opt"
    if ! { [ -x "$wasm_opt" ] && "$wasm_opt" --version 2>/dev/null | grep -q "(version_$BINARYEN_VERSION)"; }; then
        if ! command -v npm >/dev/null; then
            # shellcheck disable=SC2086
            gd__apt_install $DEBIAN_NODE_PACKAGES || return 1
        fi
        gd__log "npm install binaryen@$BINARYEN_VERSION into $GAMEDAY_TOOLS"
        npm install --prefix "$GAMEDAY_TOOLS" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION" >/dev/null ||
            return 1
    fi
}

# --- headless browser ---------------------------------------------------------
gd__install_browser() {
    export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
    export CHROME_BIN="${CHROME_BIN:-/usr/bin/chromium}"
    [ "${GAMEDAY_SKIP_BROWSER:-0}" = 1 ] && return 0
    if ! [ -x "$CHROMEDRIVER" ] || ! [ -x "$CHROME_BIN" ]; then
        # shellcheck disable=SC2086
        gd__apt_install $DEBIAN_BROWSER_PACKAGES || return 1
    fi
    # chromedriver only drives the Chromium of the same major version.
    local cd_major ch_major
    cd_major="$("$CHROMEDRIVER" --version | grep -oE '[0-9]+' | head -1)"
    ch_major="$("$CHROME_BIN" --version 2>/dev/null | grep -oE '[0-9]+' | head -1)"
    [ "$cd_major" = "$ch_major" ] ||
        gd__log "WARNING: chromedriver $cd_major vs chromium $ch_major: browser tests may fail"
}

# --- run helpers -----------------------------------------------------------
# Native: none of the wasm-only cargo settings.
gd_native() {
    env -u RUSTC_BOOTSTRAP -u CARGO_UNSTABLE_BUILD_STD "$@"
}
# wasm32: the route's extra variables (empty on the rustup route).
gd_wasm() {
    env "${GD_WASM_ENV[@]}" "$@"
}

gd__setup() {
    local t0=$SECONDS
    gd__check_pins || return 1
    gd__choose_route || return 1
    # Tools first, then npm's wasm-opt (ahead of any Debian binaryen), then the
    # route's Rust toolchain, then the rest.
    export PATH="$GAMEDAY_TOOLS/bin:$GAMEDAY_TOOLS/node_modules/.bin:$GAMEDAY_RUST_BIN:$PATH"
    gd__install_tools || return 1
    gd__install_browser || return 1

    # cargo test --target wasm32-unknown-unknown runs tests through this runner,
    # which drives headless Chromium; webdriver.json adds our Chromium flags.
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
    export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$GAMEDAY_ROOT/webdriver.json"
    export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

    gd__log "route=$GAMEDAY_ROUTE ($(gd_native cargo --version)); trunk $(gd__tool_version trunk)," \
        "wasm-bindgen $(gd__tool_version wasm-bindgen), wasm-opt $BINARYEN_VERSION; ready in $((SECONDS - t0))s"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    # Run as a program.
    set -euo pipefail
    gd__setup
    echo "GAMEDAY_ROUTE=$GAMEDAY_ROUTE"
    echo "PATH=$PATH"
    echo "wasm env: ${GD_WASM_ENV[*]:-(none)}"
else
    # Sourced: set up, and let the caller's `set -e` stop on failure.
    gd__setup
fi
