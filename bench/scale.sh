#!/usr/bin/env bash
# Speed and memory of `distillguard analyze` as the input grows, with detection quality
# at each size (issue 4). Generates inputs with `distillguard simulate` (scenario
# default, .jsonl.zst shards), runs `analyze` under GNU time, scores the report with
# `eval` against the simulator's labels, and prints a markdown table.
#
#   bash bench/scale.sh                      # 1M exchanges (a few minutes, mostly generation)
#   SIZES="1M 4M 16M" bash bench/scale.sh    # memory at 1M, 4M and 16M exchanges
#   FULL=1 bash bench/scale.sh               # the publicly described scale (--scale 100)
#   SCALES="0.05 0.2" bash bench/scale.sh    # explicit --scale values instead of sizes
#
# Environment: SEED (default 1002, held out), WORK (inputs and outputs, reused between
# runs when the same simulation is asked for again; default target/bench-data),
# DISTILLGUARD_BIN (a prebuilt binary instead of building the release one), KEEP=0 to
# delete each generated input after measuring it (the full scale is ~6 GB of .zst).
#
# Columns: exchanges (valid, de-duplicated, as report.json counts them), accounts,
# input MB (compressed bytes on disk), generate s (simulate, not part of analyze),
# wall s (analyze end to end: read, parse, classify, sketch, fingerprint, graph, score,
# write report.json/html/STIX), CPU s (user + system seconds of analyze; on a busy
# shared machine CPU s / cores estimates the idle wall time better than wall s does),
# exchanges/s (exchanges / wall), peak RSS MiB (GNU time's maximum resident set size),
# then eval's account precision / recall / F1, benign false-positive rate and
# attack-exchange recall.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

SEED=${SEED:-1002}
WORK=${WORK:-target/bench-data}
KEEP=${KEEP:-1}

# Exchanges per unit of --scale for scenario default (~350k; measured: see RESULTS.md).
scale_for_size() {
  case "$1" in
    1M) echo 2.8 ;;
    4M) echo 11 ;;
    16M) echo 45 ;;
    full) echo 100 ;;
    *) echo "bench: unknown size $1 (1M, 4M, 16M, full; or set SCALES)" >&2; exit 2 ;;
  esac
}

if [ -n "${SCALES:-}" ]; then
  runs=()
  for scale in $SCALES; do runs+=("scale$scale:$scale"); done
else
  if [ "${FULL:-0}" = 1 ]; then SIZES=${SIZES:-full}; fi
  SIZES=${SIZES:-1M}
  runs=()
  for size in $SIZES; do runs+=("$size:$(scale_for_size "$size")"); done
fi

ensure_gnu_time
ensure_bin
mkdir -p "$WORK"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| size | --scale | exchanges | accounts | input MB | generate s | analyze wall s | CPU s | exchanges/s | peak RSS MiB | precision | recall | F1 | benign FPR | attack-exchange recall |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for run in "${runs[@]}"; do
  size=${run%%:*}
  scale=${run#*:}
  sim="$WORK/default-$SEED-x$scale"
  out="$sim-out"
  ensure_sim "$sim" default "$SEED" "$scale"
  input_mb=$(du -cm "$sim"/events-*.jsonl.zst | tail -n 1 | cut -f1)
  rm -rf "$out"
  measure "$sim.time" "$BIN" analyze "$sim" --out "$out" --quiet
  read -r wall rss_kib cpu < "$sim.time"
  "$BIN" eval --report "$out/report.json" --labels "$sim/labels.jsonl" --json "$out/eval.json" >/dev/null
  python3 - "$size" "$scale" "$input_mb" "$(sim_seconds "$sim")" "$wall" "$rss_kib" "$cpu" "$out/report.json" "$out/eval.json" <<'PY'
import json, sys
size, scale, input_mb, gen_s, wall, rss_kib, cpu, report_path, eval_path = sys.argv[1:10]
report = json.load(open(report_path))
m = json.load(open(eval_path))
exchanges = report["input"]["exchanges"]
accounts = report["input"]["accounts"]
wall = float(wall)
f = lambda v: "n/a" if v is None else f"{v:.3f}"
print(f'| {size} | {scale} | {exchanges:,} | {accounts:,} | {input_mb} | {gen_s} | {wall:.1f} | {float(cpu):.1f} | {exchanges / wall:,.0f} | {int(rss_kib) / 1024:,.0f} | '
      f'{f(m["precision"])} | {f(m["recall"])} | {f(m["f1"])} | {f(m["benign_false_positive_rate"])} | {f(m["attack_exchange_recall"])} |')
PY
  if [ "$KEEP" = 0 ]; then rm -rf "$sim" "$out"; fi
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
