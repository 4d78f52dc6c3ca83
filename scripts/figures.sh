#!/usr/bin/env bash
# Print the project's figures:
#   (a) app shell download size: wasm + JS + CSS in dist/, raw and gzip -9
#   (b) simulation speed:        gameday-run bench, natively and (tests/wasm_bench.rs)
#                                in headless Chromium; bytes per metric-day
#   (c) time to interactive:     the e2e `time_to_interactive` test in headless Chromium
#
#   scripts/figures.sh              builds dist/ first (trunk build --release, incremental)
#   scripts/figures.sh --no-build   measures dist/ as it is
# GAMEDAY_BENCH_PROFILE selects the cargo profile of the native bench (default
# release), GAMEDAY_WASM_BENCH_PROFILE that of the browser bench (default release).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh

if [ "${1:-}" != --no-build ] || ! [ -f dist/index.html ]; then
    echo "building dist/ (trunk build --release)..." >&2
    gd_wasm trunk build --release >&2
fi

# --- (a) download size ------------------------------------------------------
echo "== app shell download size (dist/) =="
total_raw=0
total_gz=0
printf '%-52s %10s %10s\n' file raw gzip-9
shopt -s nullglob
for f in dist/*.wasm dist/*.js dist/*.css dist/snippets/*/*.js; do
    raw=$(wc -c <"$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
    printf '%-52s %10d %10d\n' "${f#dist/}" "$raw" "$gz"
done
shopt -u nullglob
printf '%-52s %10d %10d   (%d KiB gzip)\n' TOTAL "$total_raw" "$total_gz" $((total_gz / 1024))

# --- (b) simulation speed ---------------------------------------------------
echo
profile="${GAMEDAY_BENCH_PROFILE:-release}"
echo "== simulation speed (gameday-run bench, cargo profile $profile) =="
bench() { gd_native cargo run --quiet --profile "$profile" --bin gameday-run -- bench "$@"; }
# A day of each world, best of 5; quest 1 after its reference solution
# (the old fleet gone, an Auto Scaling group on the queue's alarms). The
# bench also prints the bytes per metric-day of CloudWatch's history.
if ! { bench --repeat 5 &&
    bench quests/01-right-size.toml --solution --repeat 5 &&
    bench tests/fixtures/orders-asg.toml --solution --repeat 5; }; then
    echo "(not available yet: \`gameday-run bench\` failed or does not exist)"
fi

# --- (b') simulation speed in headless Chromium ------------------------------
# tests/wasm_bench.rs with the release profile (the app's), timed with
# performance.now(); GAMEDAY_WASM_BENCH_PROFILE picks another profile.
echo
wasm_profile="${GAMEDAY_WASM_BENCH_PROFILE:-release}"
echo "== simulation speed in headless Chromium (tests/wasm_bench.rs, cargo profile $wasm_profile) =="
if out=$(gd_wasm cargo test --quiet --profile "$wasm_profile" --target wasm32-unknown-unknown \
    --test wasm_bench -- --nocapture 2>&1); then
    grep '^FIGURE' <<<"$out" || echo "(no figure printed)"
else
    echo "(not available: the wasm bench failed)"
    tail -n 20 <<<"$out"
fi

# --- (c) time to interactive --------------------------------------------------
echo
echo "== time to interactive (headless Chromium, dist/ on a local server) =="
if out=$(gd_native cargo test --quiet --test e2e -- --ignored --exact time_to_interactive --nocapture 2>&1); then
    grep '^figure:' <<<"$out" || echo "(no figure printed)"
else
    echo "(not available: the e2e test failed)"
    tail -n 20 <<<"$out"
fi
