#!/usr/bin/env bash
# Serve the app with live reload: http://127.0.0.1:8080 (see Trunk.toml).
#
#   scripts/serve.sh [extra trunk serve flags]
#
# Release build (the debug build of a Yew app is large and slow).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh

exec env "${GD_WASM_ENV[@]}" trunk serve --release "$@"
