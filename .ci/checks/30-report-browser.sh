#!/usr/bin/env bash
# Opens the fixture report page in a real browser (headless Chromium): renders
# fixtures/report/sample-report.json to HTML, takes a screenshot, dumps the DOM after
# scripts ran, and fails unless the picture is non-trivial and the key sections exist.
# Installs Debian's chromium when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$candidate"; break; fi
done
if [ -z "$browser" ]; then
  echo "installing chromium (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -qq update >/dev/null
  apt-get -qq install -y chromium fonts-dejavu-core >/dev/null
  browser=chromium
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
page="$work/report.html"
cargo run --quiet -p distillguard-report --example render -- \
  fixtures/report/sample-report.json "$page" >/dev/null

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$work/profile")

timeout 120 "$browser" "${flags[@]}" --screenshot="$work/shot.png" --window-size=1400,2000 \
  "file://$page" >/dev/null 2>&1 || true
if [ ! -s "$work/shot.png" ]; then
  echo "FAIL: no screenshot written" >&2; exit 1
fi
size=$(stat -c %s "$work/shot.png")
if [ "$size" -lt 60000 ]; then
  echo "FAIL: screenshot is only $size bytes (blank page?)" >&2; exit 1
fi

timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$page" >"$work/dom.html" 2>/dev/null || true
missing=0
for needle in '<h2>Overview</h2>' '<h2>Campaigns</h2>' '<h2>Clusters</h2>' \
  '<h2>Score distribution</h2>' '<h2>Top accounts</h2>' 'Campaign campaign-1' \
  'Cluster cl-01' '31 of 31 listed accounts shown' 'startup-&lt;b&gt;swift&lt;/b&gt;'; do
  if ! grep -qF -- "$needle" "$work/dom.html"; then
    echo "FAIL: rendered DOM lacks: $needle" >&2; missing=1
  fi
done
# The fixture's hostile account id must stay text after the browser parsed the page.
if grep -qF '<b>swift</b>' "$work/dom.html"; then
  echo "FAIL: markup from an account id was parsed as HTML" >&2; missing=1
fi
[ "$missing" -eq 0 ] || exit 1
echo "report page renders in $browser: screenshot $size bytes, all sections present"
if [ -n "${REPORT_SCREENSHOT_OUT:-}" ]; then cp "$work/shot.png" "$REPORT_SCREENSHOT_OUT"; fi
