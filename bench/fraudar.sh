#!/usr/bin/env bash
# Fraudar (the rgmining-fraudar PyPI package) against distillguard on the held-out
# scenario seeds (issue 3). For each scenario and seed: simulate, run
# bench/python/fraudar_bench.py (account x resource bipartite graph from the records:
# payment fingerprints, IPs, /24 subnets, template frames), score its report.json with
# `distillguard eval` (the same definitions as the detector's rows), and run the full
# detector on the same files for the row beside it. Prints a markdown table.
#
#   bash bench/fraudar.sh                                  # seeds 1002 1003, scale 1
#   SEEDS=1002 SCENARIOS=default BLOCKS="1 10" bash bench/fraudar.sh
#
# BLOCKS: how many dense blocks Fraudar extracts (the package's default is 1; each
# block is one cluster in the report). The package is installed from PyPI into
# target/bench-venv; it is never linked into distillguard.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

SEEDS=${SEEDS:-"1002 1003"}
SCALE=${SCALE:-1}
SCENARIOS=${SCENARIOS:-"default evasive lowslow hard-benign"}
BLOCKS=${BLOCKS:-"1 10"}
WORK=${WORK:-target/bench-data}

ensure_gnu_time
ensure_bin
ensure_venv "$BENCH_REQUIREMENTS rgmining-fraudar"
mkdir -p "$WORK"

row() { # scenario seed detector eval.json wall
  python3 - "$@" <<'PY'
import json, sys
scenario, seed, detector, path, wall = sys.argv[1:6]
m = json.load(open(path))
fmt = lambda v: "n/a" if v is None else f"{v:.3f}"
pops = [p for p in m["populations"] if p["flagged"]]
fp = ", ".join(f'{p["population"]} {p["flagged"]}/{p["accounts"]}' for p in pops) or "none"
ari = m["cluster_agreement"]["ari"]
print(f'| {scenario} | {seed} | {detector} | {fmt(m["precision"])} | {fmt(m["recall"])} | {fmt(m["f1"])} | {fmt(m["benign_false_positive_rate"])} | {fmt(m["attack_exchange_recall"])} | {fmt(ari)} | {float(wall):.1f} | {fp} |')
PY
}

echo "| scenario | seed | detector | precision | recall | F1 | benign FPR | attack-exchange recall | ARI (campaigns) | wall s | benign populations flagged |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for scenario in $SCENARIOS; do
  for seed in $SEEDS; do
    sim="$WORK/$scenario-$seed-x$SCALE"
    ensure_sim "$sim" "$scenario" "$seed" "$SCALE"
    out="$sim-out"
    measure "$sim.full.time" "$BIN" analyze "$sim" --out "$out" --quiet
    "$BIN" eval --report "$out/report.json" --labels "$sim/labels.jsonl" --json "$out/eval.json" >/dev/null
    row "$scenario" "$seed" "distillguard (full)" "$out/eval.json" "$(cut -d' ' -f1 "$sim.full.time")"
    for blocks in $BLOCKS; do
      fout="$sim-fraudar-$blocks"
      measure "$fout.time" "$PY" bench/python/fraudar_bench.py "$sim" --out "$fout" --blocks "$blocks" 2> "$fout.log" \
        || { cat "$fout.log"; exit 1; }
      "$BIN" eval --report "$fout/report.json" --labels "$sim/labels.jsonl" --json "$fout/eval.json" >/dev/null
      row "$scenario" "$seed" "Fraudar ($blocks block$([ "$blocks" = 1 ] || echo s))" "$fout/eval.json" "$(cut -d' ' -f1 "$fout.time")"
    done
  done
done
