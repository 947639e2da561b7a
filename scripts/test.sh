#!/usr/bin/env bash
# The project's test command (README): every test of every crate.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v cargo-nextest >/dev/null 2>&1; then
  # Doc tests first (nextest does not run them), so the run closes on nextest's summary.
  cargo test --workspace --doc --quiet
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace
fi
