#!/usr/bin/env bash
# Added latency of the gateway at a fixed request rate.
#
# Builds (release) the upstream stub, the gateway with a policy decider
# (crates/distillguard-gateway/examples/gateway_policy.rs: the same app as
# `distillguard gateway --policy`) and an open-loop load generator
# (examples/loadgen.rs: fixed rate, latency from each request's scheduled start).
# Starts the stub and two gateways (every account allowed; every request degraded with
# the watermark) and drives each at RATE requests/s: POST /v1/messages, 100-word answers.
# Prints p50/p99 direct to the stub and through each gateway, and the added latency.
#
#   bench/gateway.sh [RATE=2000] [SECONDS=10] [ROUNDS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
RATE="${1:-2000}"
SECONDS_RUN="${2:-10}"
ROUNDS="${3:-2}"

cargo build --quiet --release -p distillguard-gateway --examples
EX="${CARGO_TARGET_DIR:-target}/release/examples"

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_url() {
  local log="$1" url=""
  for _ in $(seq 1 100); do
    url="$(sed -n 's#^.*listening on \(http://[0-9.]*:[0-9]*\)/.*#\1#p' "$log" | head -1)"
    [ -n "$url" ] && { echo "$url"; return 0; }
    sleep 0.1
  done
  echo "did not start:" >&2; cat "$log" >&2; return 1
}

head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/wm.key"
printf 'version = 1\ndefault = "allow"\n' >"$WORK/allow.toml"
KEY_ID="key-$(printf %s sk-bench | sha256sum | cut -c1-16)"
printf 'version = 1\n[[rule]]\naccounts = ["%s"]\naction = "degrade"\nwatermark = true\n' "$KEY_ID" >"$WORK/degrade.toml"

"$EX/stub_upstream" 127.0.0.1:0 >"$WORK/stub.log" 2>&1 & PIDS+=($!)
STUB="$(wait_url "$WORK/stub.log")"
"$EX/gateway_policy" "$STUB" "$WORK/allow.toml" >"$WORK/gw-allow.log" 2>&1 & PIDS+=($!)
GW_ALLOW="$(wait_url "$WORK/gw-allow.log")"
"$EX/gateway_policy" "$STUB" "$WORK/degrade.toml" "$WORK/wm.key" >"$WORK/gw-wm.log" 2>&1 & PIDS+=($!)
GW_MARK="$(wait_url "$WORK/gw-wm.log")"

echo "load: $RATE requests/s for ${SECONDS_RUN}s per run, $ROUNDS rounds; machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-26s %9s %9s %8s %7s\n' round target p50_ms p99_ms req/s errors
for round in $(seq 1 "$ROUNDS"); do
  read -r D50 D99 DRPS DERR < <("$EX/loadgen" "$STUB" "$RATE" "$SECONDS_RUN")
  read -r A50 A99 ARPS AERR < <("$EX/loadgen" "$GW_ALLOW" "$RATE" "$SECONDS_RUN")
  read -r W50 W99 WRPS WERR < <("$EX/loadgen" "$GW_MARK" "$RATE" "$SECONDS_RUN")
  printf '%-6s %-26s %9s %9s %8s %7s\n' "$round" "direct to stub" "$D50" "$D99" "$DRPS" "$DERR"
  printf '%-6s %-26s %9s %9s %8s %7s\n' "$round" "gateway, allow" "$A50" "$A99" "$ARPS" "$AERR"
  printf '%-6s %-26s %9s %9s %8s %7s\n' "$round" "gateway, watermark" "$W50" "$W99" "$WRPS" "$WERR"
  python3 - "$D50" "$D99" "$A50" "$A99" "$W50" "$W99" <<'PY'
import sys
d50, d99, a50, a99, w50, w99 = map(float, sys.argv[1:])
print(f"       added, allow:     p50 {a50-d50:+.3f} ms  p99 {a99-d99:+.3f} ms (target p99 < 2 ms)")
print(f"       added, watermark: p50 {w50-d50:+.3f} ms  p99 {w99-d99:+.3f} ms")
PY
done
