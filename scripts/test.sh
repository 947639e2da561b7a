#!/usr/bin/env bash
# The project's test command (README): every test of every crate.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
  cargo test --workspace --doc --quiet
else
  cargo test --workspace
fi
