#!/usr/bin/env python3
"""Fraudar (the `rgmining-fraudar` PyPI package) on the same input as distillguard.

Builds the account x resource bipartite graph from the exchange records (resources:
payment fingerprints, IP addresses, /24 subnets, template frames: the hash of the
first and of the last 8 normalised prompt tokens, as in reference.py), keeps the
resources that at least two accounts share (a resource of one account cannot be
shared evidence), runs Fraudar's greedy dense-block search with the package's
default log-weighted column suspiciousness (which discounts popular resources, the
camouflage resistance of the method), and flags the accounts of the detected blocks.

Writes OUT/report.json in distillguard's report shape (shared/spec/report.md): every
account with verdict `attack` (score 1) when it lies in a detected block, `benign`
(score 0) otherwise, one cluster per block, so `distillguard eval` scores it with the
same definitions as the detector (precision, recall, F1, benign FPR, attack-exchange
recall, ARI of blocks against campaigns). Also OUT/fraudar.json (blocks, sizes, times).

    python fraudar_bench.py sim/ --out fraudar-out/ --blocks 1
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
from fraudar import ReviewGraph
from fraudar.export import greedy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference import exchange_features, input_files, read_file  # noqa: E402


def resources(exchanges: pl.DataFrame) -> pl.DataFrame:
    """(account_id, resource) pairs, for resources shared by >= 2 accounts."""
    pairs = pl.concat(
        [
            exchanges.select("account_id", ("pay:" + pl.col("payment_fp")).alias("resource")),
            exchanges.select("account_id", ("ip:" + pl.col("ip")).alias("resource")),
            exchanges.select("account_id", ("net:" + pl.col("subnet")).alias("resource")),
            exchanges.select("account_id", ("head:" + pl.col("head_h").cast(pl.String)).alias("resource")),
            exchanges.select("account_id", ("tail:" + pl.col("tail_h").cast(pl.String)).alias("resource")),
        ]
    ).drop_nulls().unique()
    shared = pairs.group_by("resource").agg(pl.len().alias("accounts")).filter(pl.col("accounts") >= 2)
    return pairs.join(shared.select("resource"), on="resource", how="inner")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--blocks", type=int, default=1, help="dense blocks to detect (package default: 1)")
    args = parser.parse_args()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}

    start = time.perf_counter()
    parts = []
    for file in input_files(args.inputs):
        exchanges, _frames = exchange_features(read_file(file))
        parts.append(exchanges.select("account_id", "request_id", "payment_fp", "ip", "subnet", "head_h", "tail_h"))
    exchanges = pl.concat(parts).filter(pl.col("account_id").is_not_null() & (pl.col("account_id") != ""))
    exchanges = pl.concat(
        [
            exchanges.filter(pl.col("request_id").is_null()),
            exchanges.filter(pl.col("request_id").is_not_null()).unique(subset="request_id", keep="first"),
        ]
    )
    per_account = exchanges.group_by("account_id").agg(pl.len().alias("exchanges"))
    pairs = resources(exchanges)
    times["read_and_bipartite"] = time.perf_counter() - start

    # The package's own graph API: reviewers are accounts, products are resources.
    start = time.perf_counter()
    graph = ReviewGraph(blocks=args.blocks)
    reviewers = {a: graph.new_reviewer(a) for a in pairs["account_id"].unique().to_list()}
    products = {r: graph.new_product(r) for r in pairs["resource"].unique().to_list()}
    for account, resource in pairs.iter_rows():
        graph.add_review(reviewers[account], products[resource], 1.0)
    # ReviewGraph.update() runs greedy.detectMultiple and keeps only the union of the
    # blocks' rows; the same two calls here keep each block apart (for cluster ARI).
    with tempfile.NamedTemporaryFile(mode="w") as matrix_file, contextlib.redirect_stdout(io.StringIO()):
        graph._store_matrix(matrix_file)  # noqa: SLF001 (what update() does)
        matrix_file.flush()
        matrix = greedy.readData(matrix_file.name)
        blocks = greedy.detectMultiple(matrix, greedy.logWeightedAveDegree, args.blocks)
    times["fraudar"] = time.perf_counter() - start

    block_accounts: list[list[str]] = []
    flagged: dict[str, int] = {}
    for index, ((rows, _cols), _score) in enumerate(blocks):
        members = sorted(graph.reviewers[i].name for i in rows)
        block_accounts.append(members)
        for member in members:
            flagged.setdefault(member, index)

    accounts = []
    for account_id, count in per_account.sort("account_id").iter_rows():
        block = flagged.get(account_id)
        accounts.append(
            {
                "account_id": account_id,
                "score": 1.0 if block is not None else 0.0,
                "verdict": "attack" if block is not None else "benign",
                "cluster": f"fraudar-{block}" if block is not None else None,
                "exchanges": count,
                "evidence": [],
            }
        )
    exchange_counts = dict(per_account.iter_rows())
    clusters = [
        {
            "id": f"fraudar-{index}",
            "accounts": [m for m in members if flagged.get(m) == index],
            "score": 1.0,
            "exchanges": sum(exchange_counts.get(m, 0) for m in members if flagged.get(m) == index),
            "first_seen": None,
            "last_seen": None,
            "targets": [],
            "shared": {"ips": [], "asns": [], "payment_fps": [], "templates": 0},
            "evidence": [],
        }
        for index, members in enumerate(block_accounts)
    ]
    report = {
        "version": 1,
        "input": {
            "exchanges": exchanges.height,
            "accounts": len(accounts),
            "rejected": 0,
            "duplicates": 0,
            "from": None,
            "to": None,
        },
        "accounts": accounts,
        "clusters": clusters,
        "campaigns": [],
    }
    (out_dir / "report.json").write_text(json.dumps(report))
    summary = {
        "blocks": [
            {"accounts": len(rows), "resources": len(cols), "score": float(score)}
            for ((rows, cols), score) in blocks
        ],
        "graph": {"accounts": len(reviewers), "resources": len(products), "edges": pairs.height},
        "flagged": len(flagged),
        "times_s": times,
    }
    (out_dir / "fraudar.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
