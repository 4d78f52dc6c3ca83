#!/usr/bin/env bash
# Run every check of GameDay Sandbox; stops at the first failing stage.
#
#   scripts/test.sh
#
# Stages: native tests, wasm tests in headless Chromium, release build of the
# app (trunk), end-to-end tests of that build in headless Chromium.
# Build outputs go to ./target (or $CARGO_TARGET_DIR) and ./dist.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh

STAGE="setup"
T_ALL=$SECONDS
trap 'echo; echo "=== FAILED in stage: $STAGE (after $((SECONDS - T_ALL))s) ===" >&2' ERR

stage() { # stage "name" command...
    STAGE="$1"; shift
    local t0=$SECONDS
    printf '\n=== %s ===\n+ %s\n' "$STAGE" "$*"
    "$@"
    printf '=== %s: ok (%ss) ===\n' "$STAGE" "$((SECONDS - t0))"
}

# 1. The simulation, natively (workspace default members: the library, its
#    unit, integration and doc tests; e2e tests are #[ignore]d here).
stage "1/4 native tests" gd_native cargo test
stage "1/4 native tests of the web app's state and reducer" gd_native cargo test -p gameday-web

# 2. tests/wasm_sim.rs compiled to wasm32 and run in headless Chromium by
#    wasm-bindgen-test-runner (via CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER).
stage "2/4 wasm tests in headless Chromium" \
    gd_wasm cargo test --target wasm32-unknown-unknown --test wasm_sim

# 3. The app, as shipped: dist/.
stage "3/4 trunk build --release" gd_wasm trunk build --release

# 4. dist/ served locally and played in headless Chromium.
stage "4/4 end-to-end tests" \
    gd_native cargo test --test e2e -- --ignored --test-threads=1

trap - ERR
printf '\n=== all stages passed in %ss ===\n' "$((SECONDS - T_ALL))"
