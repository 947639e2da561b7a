#!/usr/bin/env bash
# distillguard against the Python reference pipeline (bench/python/reference.py:
# polars + datasketch MinHash LSH + networkx) on the same .jsonl.zst input, one run
# each, under GNU time. Prints wall time, CPU time (user + system), peak RSS,
# exchanges/s and the ratios
# (issue 4's target: distillguard >= 30x faster and >= 5x less memory).
# A third row times distillguard's reader alone (the `ingest_count` example:
# decompress, cut lines, parse, de-duplicate; no analysis), the floor under `analyze`,
# and the last line says what the 30x target leaves once the input is read.
#
#   bash bench/compare.sh                 # scenario default, seed 1002, --scale 1 (~370k exchanges)
#   SCALE=2.8 bash bench/compare.sh       # ~1M exchanges (Python takes minutes)
#
# The Python stack is installed from PyPI into target/bench-venv (reused). Inputs are
# kept in WORK (default target/bench-data) and reused by scale.sh and fraudar.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

SEED=${SEED:-1002}
SCALE=${SCALE:-1}
SCENARIO=${SCENARIO:-default}
WORK=${WORK:-target/bench-data}

ensure_gnu_time
ensure_bin
ensure_venv
mkdir -p "$WORK"
cargo build --quiet --release -p distillguard-ingest --example ingest_count
READER=target/release/examples/ingest_count

sim="$WORK/$SCENARIO-$SEED-x$SCALE"
ensure_sim "$sim" "$SCENARIO" "$SEED" "$SCALE"
rust_out="$sim-out"
py_out="$sim-reference"
rm -rf "$rust_out" "$py_out"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input: $sim ($(du -cm "$sim"/events-*.jsonl.zst | tail -n 1 | cut -f1) MB of .jsonl.zst; scenario $SCENARIO, seed $SEED, --scale $SCALE)"
measure "$sim.rust.time" "$BIN" analyze "$sim" --out "$rust_out" --quiet
measure "$sim.read.time" "$READER" "$sim"/events-*.jsonl.zst > "$sim.read.log"
measure "$sim.python.time" "$PY" bench/python/reference.py "$sim" --out "$py_out" 2> "$py_out.log" \
  || { cat "$py_out.log"; exit 1; }
echo "python phases:"; sed 's/^/  /' "$py_out.log"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

python3 - "$sim.rust.time" "$sim.python.time" "$rust_out/report.json" "$py_out/summary.json" "$sim.read.time" "$sim.read.log" <<'PY'
import json, sys
rust_time, py_time, report_path, summary_path, read_time, read_log = sys.argv[1:7]
rust_wall, rust_rss, rust_cpu = (float(x) for x in open(rust_time).read().split())
py_wall, py_rss, py_cpu = (float(x) for x in open(py_time).read().split())
read_wall, read_rss, read_cpu = (float(x) for x in open(read_time).read().split())
# The reader's statistics: the JSON object at the top of its output.
read_stats, _ = json.JSONDecoder().raw_decode(open(read_log).read())
report = json.load(open(report_path))
summary = json.load(open(summary_path))
rust_ex = report["input"]["exchanges"]
py_ex = summary["exchanges"]
rust_clusters = len(report["clusters"])
print("| pipeline | exchanges | accounts | clusters | wall s | CPU s | exchanges/s | peak RSS MiB |")
print("|---|---|---|---|---|---|---|---|")
print(f"| distillguard analyze | {rust_ex:,} | {report['input']['accounts']:,} | {rust_clusters} | {rust_wall:.1f} | {rust_cpu:.1f} | {rust_ex / rust_wall:,.0f} | {rust_rss / 1024:,.0f} |")
print(f"| Python reference (polars, datasketch, networkx) | {py_ex:,} | {summary['accounts']:,} | {summary['clusters']} | {py_wall:.1f} | {py_cpu:.1f} | {py_ex / py_wall:,.0f} | {py_rss / 1024:,.0f} |")
print(f"| ratio (Python / distillguard) | | | | {py_wall / rust_wall:.1f}x | {py_cpu / rust_cpu:.1f}x | | {py_rss / rust_rss:.1f}x |")
read_ex = read_stats["exchanges"]
print(f"| distillguard reading only (decompress, parse, de-duplicate; no analysis) | {read_ex:,} | | | {read_wall:.1f} | {read_cpu:.1f} | {read_ex / read_wall:,.0f} | {read_rss / 1024:,.0f} |")
print()
print(f"30x the Python reference's speed would be {py_wall / 30:.2f} s for everything; reading the input alone took {read_wall:.2f} s ({py_wall / read_wall:.1f}x the reference), analyze {rust_wall:.2f} s.")
PY
