#!/usr/bin/env bash
# Keeps the benchmarks from rotting (issue 4): a tiny run of each bench script, timed
# nowhere and asserted only on what they print.
#  1. bench/scale.sh at --scale 0.01 (a few thousand exchanges): simulate, analyze
#     under GNU time, eval; the table row must be there;
#  2. bench/compare.sh on the same size: the Python reference (polars, datasketch,
#     networkx from PyPI, in target/bench-venv) must finish and print its ratio row;
#  3. bench/fraudar.sh on one scenario and seed at that size: rgmining-fraudar runs and
#     `distillguard eval` scores its report.
# Uses the debug binary (built by the tests already) so CI does not build a release one.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${DISTILLGUARD_BIN:-}" ]; then
  cargo build --quiet -p distillguard
  export DISTILLGUARD_BIN="$PWD/target/debug/distillguard"
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export WORK

step() { echo "-- bench smoke: $*"; }

step "scale.sh"
SCALES=0.01 bash bench/scale.sh | tee "$WORK/scale.md"
grep -q '^| scale0.01 | 0.01 | ' "$WORK/scale.md" || { echo "FAIL: scale.sh printed no row"; exit 1; }

step "compare.sh (Python reference)"
SCALE=0.01 bash bench/compare.sh | tee "$WORK/compare.md"
grep -q '^| ratio (Python / distillguard) |' "$WORK/compare.md" || { echo "FAIL: compare.sh printed no ratio"; exit 1; }

step "fraudar.sh (rgmining-fraudar)"
SCALE=0.01 SEEDS=1002 SCENARIOS=default BLOCKS=1 bash bench/fraudar.sh | tee "$WORK/fraudar.md"
grep -q '^| default | 1002 | Fraudar (1 block) |' "$WORK/fraudar.md" || { echo "FAIL: fraudar.sh printed no Fraudar row"; exit 1; }

echo "bench smoke passed"
