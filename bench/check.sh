#!/usr/bin/env bash
# Latency of `POST /v1/check` over HTTP, as a gateway calling out sees it.
#
# Simulates a small population (default scenario, held-out seed 1002), starts
# `distillguard serve` on it, ingests it, runs one analysis (so the decision table holds
# every account, flagged ones included), then drives /v1/check at fixed rates with the
# open-loop load generator (crates/distillguard-gateway/examples/loadgen.rs: latency
# from each request's scheduled start). Prints p50/p99 per rate; target p99 < 1 ms.
#
#   bench/check.sh [SCALE=0.05] [SECONDS=10] [RATES="1000 2000 5000"]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
SCALE="${1:-0.05}"
SECONDS_RUN="${2:-10}"
RATES="${3:-1000 2000 5000}"

ensure_bin
cargo build --quiet --release -p distillguard-gateway --example loadgen
LOADGEN="${CARGO_TARGET_DIR:-target}/release/examples/loadgen"

WORK="$(mktemp -d)"
SERVE_PID=""
cleanup() {
  [ -n "$SERVE_PID" ] && { kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" simulate --out "$WORK/sim" --scale "$SCALE" --seed 1002 --format jsonl >/dev/null
"$BIN" serve --listen 127.0.0.1:0 --data "$WORK/data" --analyze-every 100000000 \
  --analyze-interval-s 100000 >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
URL=""
for _ in $(seq 1 100); do
  URL="$(sed -n 's#^.*listening on \(http://[0-9.]*:[0-9]*\).*#\1#p' "$WORK/serve.log" | head -1)"
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { echo "serve did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
TOKEN="$(cat "$WORK/data/admin.token")"

split -l 5000 "$WORK/sim/events.jsonl" "$WORK/part-"
for part in "$WORK"/part-*; do
  curl -sf -H "Authorization: Bearer $TOKEN" --data-binary @"$part" "$URL/v1/exchanges" >/dev/null
done
curl -sf -X POST -H "Authorization: Bearer $TOKEN" "$URL/v1/analyze" >"$WORK/run.json"
read -r ACCOUNTS FLAGGED < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["accounts"], d["flagged"])' "$WORK/run.json")
ACCOUNT="$(curl -sf -H "Authorization: Bearer $TOKEN" "$URL/v1/accounts?verdict=attack" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); a=d.get("accounts",d) if isinstance(d,dict) else d; print(a[0]["account_id"] if a else "")')"
[ -n "$ACCOUNT" ] || ACCOUNT="unknown-account"
DECISION="$(curl -sf -H "Authorization: Bearer $TOKEN" -d "{\"account_id\":\"$ACCOUNT\"}" "$URL/v1/check" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["action"])')"

echo "decision table: $ACCOUNTS accounts ($FLAGGED flagged); checking $ACCOUNT (answer: $DECISION)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# "scheduled": from each request's scheduled start (open loop, includes the generator's
# timer lateness); "sent": from when it was actually sent (the answer time).
printf '%-8s %-10s %9s %9s %8s %7s\n' rate from p50_ms p99_ms req/s errors
for rate in $RATES; do
  for from in scheduled sent; do
    read -r P50 P99 RPS ERR < <(LOADGEN_FROM="$from" LOADGEN_PATH=/v1/check LOADGEN_BEARER="$TOKEN" \
      LOADGEN_BODY="{\"account_id\":\"$ACCOUNT\"}" "$LOADGEN" "$URL" "$rate" "$SECONDS_RUN")
    printf '%-8s %-10s %9s %9s %8s %7s\n' "$rate" "$from" "$P50" "$P99" "$RPS" "$ERR"
  done
done
