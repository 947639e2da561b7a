#!/usr/bin/env bash
# `distillguard gateway` with the official Python SDKs (anthropic, openai), unchanged:
# starts the upstream stub (crates/distillguard-gateway/examples/stub_upstream.rs) and the
# gateway with a policy file on free ports, then runs
# crates/distillguard-gateway/tests/python/sdk_check.py: allow (byte-identical, streaming
# and not), throttle (RateLimitError, bounded retries), block (PermissionDeniedError, no
# retries), verify, degrade (omitted thinking, capped top_logprobs, watermark verified
# with `distillguard watermark verify`), refused logprobs.
# SDKs live in a venv under target/ (reused between runs).
# DISTILLGUARD_BIN=path uses a prebuilt binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=target/gateway-sdk-venv
PY="$VENV/bin/python"
REQUIREMENTS="anthropic openai"
if [ ! -x "$PY" ]; then
  python3 -m venv "$VENV"
fi
if [ "$(cat "$VENV/.requirements" 2>/dev/null)" != "$REQUIREMENTS" ]; then
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $REQUIREMENTS
  echo "$REQUIREMENTS" > "$VENV/.requirements"
fi

BIN="${DISTILLGUARD_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --quiet -p distillguard
  BIN=target/debug/distillguard
fi
cargo build --quiet -p distillguard-gateway --example stub_upstream
STUB_BIN=target/debug/examples/stub_upstream
if ! "$BIN" gateway --help >/dev/null 2>&1; then
  echo "FAIL: $BIN has no 'gateway' subcommand (commands::gateway is not wired in main.rs)"
  exit 1
fi

WORK="$(mktemp -d)"
STUB_PID=""
GATEWAY_PID=""
cleanup() {
  for pid in "$GATEWAY_PID" "$STUB_PID"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Waits for "<what> listening on http://HOST:PORT/" in a log; prints the URL.
wait_url() {
  local log="$1" pid="$2" url=""
  for _ in $(seq 1 100); do
    url="$(sed -n 's#^.*listening on \(http://[0-9.]*:[0-9]*\)/.*#\1#p' "$log" | head -1)"
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$url" ]; then echo "FAIL: did not start:" >&2; cat "$log" >&2; return 1; fi
  echo "$url"
}

key_id() { printf 'key-%s' "$(printf %s "$1" | sha256sum | cut -c1-16)"; }

"$STUB_BIN" 127.0.0.1:0 >"$WORK/stub.log" 2>&1 &
STUB_PID=$!
STUB_URL="$(wait_url "$WORK/stub.log" "$STUB_PID")"

head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/wm.key"
cat >"$WORK/policy.toml" <<TOML
version = 1
default = "allow"
[[rule]]
accounts = ["$(key_id sk-throttle)"]
action = "throttle"
retry_after_s = 1
[[rule]]
accounts = ["$(key_id sk-block)"]
action = "block"
[[rule]]
accounts = ["$(key_id sk-verify)"]
action = "verify"
reason = "confirm the phone number on the account"
[[rule]]
accounts = ["$(key_id sk-degrade)"]
action = "degrade"
reasoning = "omit"
max_top_logprobs = 2
watermark = true
[[rule]]
accounts = ["$(key_id sk-nolog)"]
action = "degrade"
max_top_logprobs = 0
TOML

"$BIN" gateway --listen 127.0.0.1:0 --upstream "$STUB_URL" --policy "$WORK/policy.toml" \
  --watermark-key-file "$WORK/wm.key" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
GATEWAY_URL="$(wait_url "$WORK/gateway.log" "$GATEWAY_PID")"

echo "-- gateway: official SDKs through $GATEWAY_URL (upstream stub $STUB_URL)"
"$PY" crates/distillguard-gateway/tests/python/sdk_check.py "$GATEWAY_URL" "$STUB_URL" "$WORK/wm.key" "$BIN"
echo "gateway SDK check passed"
