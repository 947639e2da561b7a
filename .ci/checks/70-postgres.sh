#!/usr/bin/env bash
# The live service on PostgreSQL (`serve --database postgres://...`): installs Debian's
# postgresql if it is missing, starts a private throwaway cluster (own directory, own
# port, trust auth on 127.0.0.1), and runs the tests that need it: the backend contract
# tests (the same ones SQLite passes), several instances on one database (one log, one
# analyzer, failover), and restart without loss. They are #[ignore]d in the plain test
# run and named *postgres*.
set -euo pipefail
cd "$(dirname "$0")/../.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "installing postgresql (Debian package)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
fi
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

WORK="$(mktemp -d)"
# The server refuses to run as root: run it as the postgres user when we are root.
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$WORK"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

as_pg "$PGBIN/initdb" -D "$WORK/data" -A trust -U distillguard >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null
echo "postgresql $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"

export DISTILLGUARD_TEST_POSTGRES_URL="postgres://distillguard@127.0.0.1:$PORT/postgres"
# cargo test (not nextest) so this check needs nothing beyond cargo; `postgres` filters
# to the tests that use the server, `--ignored` runs them.
cargo test --quiet -p distillguard-live -- --ignored postgres 2>&1 | tee "$WORK/tests.log"
ran="$(grep -Eo '[0-9]+ passed' "$WORK/tests.log" | awk '{s+=$1} END {print s+0}')"
if [ "$ran" -lt 7 ]; then
  echo "FAIL: expected at least 7 PostgreSQL tests to run, $ran did"
  exit 1
fi
echo "postgres: $ran tests passed"

# The binary end to end: two `serve` instances (own data dirs, own tokens) on one
# database. Ingest through one, analyse there, read the results through the other,
# which refuses to analyse (409: it follows).
cargo build --quiet -p distillguard
BIN=target/debug/distillguard
start_serve() {
  local name="$1"
  "$BIN" serve --listen 127.0.0.1:0 --data "$WORK/$name" \
    --database "$DISTILLGUARD_TEST_POSTGRES_URL" --analyze-interval-s 0.2 \
    >"$WORK/$name.log" 2>&1 &
  echo $! >"$WORK/$name.pid"
  for _ in $(seq 1 100); do
    url="$(sed -n 's#^.*listening on \(http://[0-9.]*:[0-9]*\).*#\1#p' "$WORK/$name.log" | head -1)"
    if [ -n "$url" ]; then echo "$url"; return 0; fi
    sleep 0.1
  done
  echo "FAIL: serve $name did not start" >&2; cat "$WORK/$name.log" >&2; return 1
}
stop_serves() { for p in "$WORK"/*.pid; do kill "$(cat "$p")" 2>/dev/null || true; done; }
trap 'stop_serves; cleanup' EXIT
A="$(start_serve a)"
B="$(start_serve b)"
TA="$(cat "$WORK/a/admin.token")"
TB="$(cat "$WORK/b/admin.token")"
for i in $(seq 1 40); do
  printf '{"ts":%d,"account_id":"pg-acct","request_id":"pg-%d","model":"m-1","prompt":"Explain step by step: %d * 7"}\n' \
    "$((1793500000000 + i * 60000))" "$i" "$i"
done >"$WORK/batch.ndjson"
accepted="$(curl -sf -H "Authorization: Bearer $TA" --data-binary @"$WORK/batch.ndjson" "$A/v1/exchanges" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["accepted"])')"
[ "$accepted" = 40 ] || { echo "FAIL: instance a accepted $accepted of 40"; exit 1; }
code_a="$(curl -s -o "$WORK/run.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TA" "$A/v1/analyze")"
code_b="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TB" "$B/v1/analyze")"
echo "analyze: a -> $code_a, b -> $code_b"
[ "$code_a" = 200 ] && [ "$code_b" = 409 ] || { echo "FAIL: a must analyse (200), b must follow (409)"; cat "$WORK/a.log" "$WORK/b.log"; exit 1; }
seen=""
for _ in $(seq 1 50); do
  seen="$(curl -sf -H "Authorization: Bearer $TB" "$B/v1/accounts/pg-acct" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d.get("timeline",[])), "report" in d)' || true)"
  [ "$seen" = "40 True" ] && break
  sleep 0.1
done
[ "$seen" = "40 True" ] || { echo "FAIL: instance b shows ($seen) for pg-acct, want its 40 exchanges and a's report"; exit 1; }
echo "serve on postgres: ingest through a, results through b: ok"
