#!/usr/bin/env bash
# Intelligence sharing, checked with the reference tools of the STIX/TAXII ecosystem:
#  1. `intel export` of fixtures/report/sample-report.json passes stix2-validator --strict,
#     stix2-patterns, stix2.parse(allow_custom=False) and the privacy checks;
#  2. `serve` is driven by taxii2-client (discovery, collections, paging, added_after,
#     partner push, rights, 401s), keeps partner pushes across a restart, and `intel
#     publish` of an unchanged report adds nothing;
#  3. `intel import` reads a partner bundle from a file and from a medallion TAXII server.
# Python tools live in a venv under target/ (reused between runs).
# DISTILLGUARD_BIN=path uses a prebuilt binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=target/sharing-venv
PY="$VENV/bin/python"
REQUIREMENTS="stix2-validator==3.2.0 stix2-patterns stix2 taxii2-client medallion requests"
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
if ! "$BIN" intel --help >/dev/null 2>&1 || ! "$BIN" serve --help >/dev/null 2>&1; then
  echo "FAIL: $BIN has no 'intel'/'serve' subcommands (commands::intel and commands::serve are not wired in main.rs)"
  exit 1
fi

WORK="$(mktemp -d)"
SERVER_PID=""
MEDALLION_PID=""
cleanup() {
  for pid in "$SERVER_PID" "$MEDALLION_PID"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

REPORT=fixtures/report/sample-report.json
PARTNER_BUNDLE=fixtures/stix/partner-bundle.json

step() { echo "-- sharing: $*"; }

# Starts `serve` on a free port; sets SERVER_PID and PORT.
start_server() {
  "$BIN" serve --listen 127.0.0.1:0 --data "$DATA" --config "$WORK/serve.toml" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 1 100); do
    PORT="$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$WORK/serve.log")"
    [ -n "$PORT" ] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [ -z "$PORT" ]; then
    echo "FAIL: distillguard serve did not start:"; cat "$WORK/serve.log"; exit 1
  fi
}

stop_server() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

step "export and validate"
"$BIN" intel export --report "$REPORT" --out "$WORK/bundle.json"
"$PY" tests/python/validate_bundle.py "$WORK/bundle.json" "$REPORT"

step "serve, with taxii2-client"
DATA="$WORK/data"
mkdir -p "$DATA"
cp "$REPORT" "$DATA/report.json"
PARTNER_TOKEN="partner-$("$PY" -c 'import secrets; print(secrets.token_hex(16))')"
PARTNER_DIGEST="$(printf %s "$PARTNER_TOKEN" | sha256sum | cut -d' ' -f1)"
cat >"$WORK/serve.toml" <<TOML
version = 1
[sharing]
producer_name = "distillguard CI"
[[tokens]]
name = "partner-a"
token_sha256 = "$PARTNER_DIGEST"
read = ["distillguard-indicators"]
write = ["partner-intel"]
TOML
start_server
grep -q "admin token written to" "$WORK/serve.log" || { echo "FAIL: no admin token message"; cat "$WORK/serve.log"; exit 1; }
MODE="$(stat -c %a "$DATA/admin.token")"
[ "$MODE" = "600" ] || { echo "FAIL: admin.token has mode $MODE"; exit 1; }
ADMIN_TOKEN="$(cat "$DATA/admin.token")"
"$PY" tests/python/taxii_client_check.py "http://127.0.0.1:$PORT/taxii2/" "$ADMIN_TOKEN" "$PARTNER_TOKEN" "$PARTNER_BUNDLE"

step "partner pushes survive a restart"
stop_server
start_server
"$BIN" intel import "http://127.0.0.1:$PORT/api/collections/partner-intel/" \
  --user admin --password "$ADMIN_TOKEN" --out "$WORK/pushed-intel.json"
"$PY" tests/python/check_import.py "$WORK/pushed-intel.json"
PUBLISHED="$("$BIN" intel publish --report "$REPORT" --data "$DATA" --config "$WORK/serve.toml")"
echo "$PUBLISHED"
echo "$PUBLISHED" | grep -q ": 0 new or changed objects" || { echo "FAIL: republishing an unchanged report added objects"; exit 1; }
stop_server

step "import from a file"
"$BIN" intel import "$PARTNER_BUNDLE" --out "$WORK/file-intel.json"
"$PY" tests/python/check_import.py "$WORK/file-intel.json"

step "import from medallion"
MPORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
COLLECTION_URL="$("$PY" tests/python/medallion_setup.py config "$WORK" "$MPORT")"
"$VENV/bin/medallion" --host 127.0.0.1 --port "$MPORT" "$WORK/medallion.json" >"$WORK/medallion.log" 2>&1 &
MEDALLION_PID=$!
"$PY" - "$MPORT" <<'WAIT'
import socket, sys, time
for _ in range(150):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("medallion did not start")
WAIT
"$PY" tests/python/medallion_setup.py push "$COLLECTION_URL" "$PARTNER_BUNDLE"
"$BIN" intel import "$COLLECTION_URL" --user partner --password medallion-secret --out "$WORK/medallion-intel.json"
"$PY" tests/python/check_import.py "$WORK/medallion-intel.json"

echo "sharing check passed"
