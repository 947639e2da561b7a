# Shared helpers of the bench scripts (sourced, not run).
#
# BIN: the release binary (built once unless DISTILLGUARD_BIN names another).
# measure OUTFILE CMD...: runs CMD under GNU time, writes "wall_s rss_kib cpu_s" to OUTFILE.
# ensure_sim DIR SCENARIO SEED SCALE [FILLER]: simulates into DIR unless DIR already
#   holds that exact simulation (populations.json + a stamp), and records generation time.
# venv: the Python venv under target/ with the reference stack (reused between runs).

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ensure_gnu_time() {
  if [ ! -x /usr/bin/time ]; then
    if command -v apt-get >/dev/null 2>&1; then
      apt-get install -y -qq time >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
    fi
  fi
  [ -x /usr/bin/time ] || { echo "bench: GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 1; }
}

ensure_bin() {
  if [ -n "${DISTILLGUARD_BIN:-}" ]; then
    BIN="$DISTILLGUARD_BIN"
  else
    (cd "$BENCH_ROOT" && cargo build --quiet --release -p distillguard)
    BIN="$BENCH_ROOT/target/release/distillguard"
  fi
}

# measure OUTFILE CMD... : writes "wall_s rss_kib cpu_s" to OUTFILE: wall seconds
# (from this shell), peak RSS (GNU time's maximum resident set size) and CPU seconds
# (user + system). On a shared machine CPU seconds / cores is the better estimate of
# the wall time an idle machine would give.
measure() {
  local out="$1"; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M %U %S" -o "$out.rss" "$@"
  end=$(date +%s.%N)
  tail -n 1 "$out.rss" | awk -v a="$start" -v b="$end" '{printf "%.3f %d %.2f\n", b-a, $1, $2+$3}' > "$out"
  rm -f "$out.rss"
}

ensure_sim() {
  local dir="$1" scenario="$2" seed="$3" scale="$4" filler="${5:-}"
  local stamp="scenario=$scenario seed=$seed scale=$scale filler=$filler"
  if [ -f "$dir/.bench-stamp" ] && [ "$(head -n 1 "$dir/.bench-stamp")" = "$stamp" ]; then
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  local extra=()
  [ -n "$filler" ] && extra=(--filler "$filler")
  local start end
  start=$(date +%s.%N)
  "$BIN" simulate --scenario "$scenario" --seed "$seed" --scale "$scale" "${extra[@]}" --out "$dir" 2>/dev/null
  end=$(date +%s.%N)
  { echo "$stamp"; awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f\n", b-a}'; } > "$dir/.bench-stamp"
}

# Seconds the last ensure_sim of DIR took to generate (when it generated).
sim_seconds() { sed -n 2p "$1/.bench-stamp"; }

VENV="$BENCH_ROOT/target/bench-venv"
PY="$VENV/bin/python"
BENCH_REQUIREMENTS="polars datasketch networkx zstandard"

ensure_venv() {
  local requirements="${1:-$BENCH_REQUIREMENTS}"
  if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
  fi
  if ! grep -qxF "$requirements" "$VENV/.requirements" 2>/dev/null; then
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet --disable-pip-version-check $requirements
    echo "$requirements" >> "$VENV/.requirements"
  fi
}

json_get() { # json_get FILE python-expression-on-j
  python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}
