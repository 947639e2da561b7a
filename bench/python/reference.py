#!/usr/bin/env python3
"""Reference pipeline: what a team would write in Python instead of distillguard.

The usual stack, used the way its documentation recommends: polars for reading and
vectorised per-exchange and per-account features, datasketch MinHash LSH for prompt
templates, networkx for the account graph (connected components, then Louvain
communities inside large components).

Reads the same inputs as `distillguard analyze` (`.jsonl` / `.jsonl.zst` files or
folders of them; files named accounts*, labels*, releases*, populations* are skipped)
and computes the same kinds of things:

- per exchange: capability by a weighted keyword lexicon (metadata first: images are
  vision, tool definitions tool use), chain-of-thought elicitation by phrases, a
  template frame (lowercased, numbers / quoted spans / code / URLs masked, first and
  last 8 tokens), /24 subnet, day, week;
- per account: volume, rate (exchanges per active day), active days and hours,
  capability shares and focus (entropy), chain-of-thought / thinking / log-prob
  shares, output/input token ratio, repetition (share of prompts whose template frame
  recurs in the account), distinct IPs and subnets;
- templates: MinHash (word 3-shingles, 64 permutations) over each recurring frame,
  LSH (Jaccard >= 0.8) groups near-identical frames into template keys;
- the account graph: accounts sharing a payment fingerprint, an IP in the same week,
  a /24 in the same week, or a template key, weighted by how rare the shared thing is; an
  edge needs a shared payment fingerprint or two different kinds of link;
- a robust-z suspicion score per account, clusters = communities with >= 2 accounts.

Writes OUT/summary.json (counts, phase timings, clusters) and OUT/accounts.parquet
(the per-account feature table). Prints one line per phase to stderr.

    python reference.py sim/ --out ref-out/
"""

from __future__ import annotations

import argparse
import io
import json
import math
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import networkx as nx
import numpy as np
import polars as pl
import zstandard
from datasketch import MinHash, MinHashLSH

SKIP_PREFIXES = ("accounts", "labels", "releases", "populations")

# (capability, weight, phrases): the same kind of lexicon the Rust classifier uses.
LEXICON: list[tuple[str, int, list[str]]] = [
    ("reasoning", 3, ["prove", "proof", "equation", "integral", "derivative", "probability",
                      "puzzle", "riddle", "theorem", "algebra", "geometry", "word problem",
                      "数学", "证明"]),
    ("reasoning", 2, ["solve", "calculate", "logic", "math", "maths", "mathematics",
                      "how many", "deduce", "计算", "推理", "resuelve", "résous"]),
    ("reasoning", 1, ["compute", "how much", "percent", "ratio", "infer", "answer"]),
    ("coding", 3, ["python", "javascript", "typescript", "golang", r"c\+\+", "sql", "regex",
                   "debug", "compile", "compiler", "stack trace", "traceback", "refactor",
                   "unit test", "```", "代码", "函数", "编程"]),
    ("coding", 2, ["code", "function", "rust", "java", "bug", "exception", "implement",
                   "algorithm", "script", "repository"]),
    ("coding", 1, ["api", "class", "method", "return", "import"]),
    ("tool_use", 3, ["function call", "tool call", "orchestrate", "工具"]),
    ("tool_use", 2, ["tool", "tools", "agent", "browse", "json schema"]),
    ("tool_use", 1, ["execute", "workflow"]),
    ("vision", 3, ["image", "picture", "photo", "screenshot", "ocr", "图片", "图像"]),
    ("vision", 2, ["diagram"]),
    ("sensitive_rewrite", 3, ["politically", "censorship", "censored", "dissident",
                              "propaganda", "human rights", "authoritarian", "tibet",
                              "敏感", "政治"]),
    ("sensitive_rewrite", 4, ["tiananmen", "xinjiang", "uyghur", "falun gong"]),
    ("sensitive_rewrite", 2, ["sensitive", "political", "protest", "protests", "regime",
                              "democracy", "taiwan", "改写"]),
    ("sensitive_rewrite", 1, ["rewrite", "rephrase", "reword", "neutral", "government"]),
    ("data_analysis", 3, ["dataset", "csv", "spreadsheet", "pandas", "statistics",
                          "statistical", "regression", "correlation", "数据"]),
    ("data_analysis", 2, ["excel", "median", "column", "columns", "chart"]),
    ("data_analysis", 1, ["data", "table", "plot", "analyze", "analyse"]),
    ("creative", 3, ["story", "poem", "poetry", "haiku", "lyrics", "slogan", "tagline",
                     "limerick"]),
    ("creative", 2, ["song", "fiction", "novel", "creative"]),
    ("creative", 1, ["character", "imagine"]),
    ("summarization", 3, ["summarize", "summarise", "summary", r"tl;dr", "tldr", "总结",
                          "摘要"]),
    ("summarization", 2, ["key points", "condense"]),
    ("summarization", 1, ["bullet points", "extract"]),
    ("translation", 4, ["translate", "traduce", "traduis", "übersetze", "翻译"]),
    ("translation", 3, ["translation"]),
]
CAPABILITIES = ["general", "reasoning", "coding", "tool_use", "vision", "sensitive_rewrite",
                "data_analysis", "creative", "summarization", "translation"]
TARGET_CAPABILITIES = ["reasoning", "coding", "tool_use", "vision", "sensitive_rewrite"]

COT_PHRASES = [
    "step by step", "step-by-step", "show your reasoning", "show all your reasoning",
    "show your full reasoning", "show your work", "show all your work", "show your thinking",
    "show every step", "show all steps", "show all the steps", "every intermediate step",
    "all intermediate steps", "each intermediate step", "intermediate reasoning",
    "your thought process", "thinking process", "reasoning process", "chain of thought",
    "chain-of-thought", "think out loud", "think aloud", "reason through",
    "walk me through your reasoning", "walk through your reasoning", "explain your reasoning",
    "detail your reasoning", "full reasoning", "complete reasoning", "reasoning trace",
    "before giving the final answer", "let's think", "lets think", "write out your reasoning",
    "internal monologue", "scratchpad", "一步一步", "逐步", "推理过程", "思考过程", "思维链",
    "详细推理", "解题过程", "每一步", "paso a paso", "razonamiento completo", "tu razonamiento",
    "proceso de pensamiento", "passo a passo", "seu raciocínio", "étape par étape",
    "ton raisonnement", "votre raisonnement", "chaque étape", "schritt für schritt",
    "gedankengang", "denkprozess", "шаг за шагом", "ход рассуждений", "ход мыслей",
    "段階的に", "思考過程", "단계별로", "추론 과정",
]

FRAME_TOKENS = 8
MAX_SCAN_CHARS = 8192
NUM_PERM = 64
LSH_THRESHOLD = 0.8
# Shared things used by more accounts than this are too common to be evidence of
# common control (an office NAT, a popular template, a reseller's card).
MAX_GROUP = {"payment": 200, "ip_week": 50, "subnet_week": 50, "template": 100}

SCHEMA = {
    "ts": pl.String,
    "account_id": pl.String,
    "request_id": pl.String,
    "org_id": pl.String,
    "ip": pl.String,
    "user_agent": pl.String,
    "model": pl.String,
    "prompt": pl.String,
    "input_tokens": pl.Int64,
    "output_tokens": pl.Int64,
    "max_tokens": pl.Int64,
    "thinking": pl.Boolean,
    "tools": pl.Int64,
    "images": pl.Int64,
    "logprobs": pl.Int64,
    "payment_fp": pl.String,
}


def log(phase: str, start: float, **fields) -> None:
    extra = " ".join(f"{k}={v}" for k, v in fields.items())
    print(f"[reference] {phase}: {time.perf_counter() - start:.2f}s {extra}", file=sys.stderr)


def input_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in candidates:
            if not file.is_file() or file.name.startswith(SKIP_PREFIXES):
                continue
            if file.name.endswith((".jsonl", ".jsonl.zst")):
                files.append(file)
    return files


def read_file(path: Path) -> pl.DataFrame:
    if path.name.endswith(".zst"):
        with path.open("rb") as raw:
            data = zstandard.ZstdDecompressor().stream_reader(raw).read()
    else:
        data = path.read_bytes()
    # Only the columns the features need; `ts` may be RFC 3339 text or epoch millis.
    frame = pl.read_ndjson(io.BytesIO(data), infer_schema_length=1000)
    columns = []
    for name, dtype in SCHEMA.items():
        if name in frame.columns:
            columns.append(pl.col(name).cast(dtype, strict=False))
        else:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
    if "ts" in frame.columns and frame.schema["ts"] != pl.String:
        columns[0] = pl.col("ts").cast(pl.Int64).alias("ts_ms")
    else:
        ts = pl.col("ts").cast(pl.String)
        columns[0] = (
            pl.when(ts.str.contains(r"^\d+$"))
            .then(ts.cast(pl.Int64, strict=False))
            .otherwise(ts.str.to_datetime(time_zone="UTC", strict=False).dt.epoch("ms"))
            .alias("ts_ms")
        )
    return frame.select(columns)


def lexicon_codes() -> tuple[str, dict[str, int]]:
    """One alternation over the whole lexicon (longest phrases first, ASCII phrases as
    whole words), and each phrase's code: capability index * 10 + weight."""
    codes: dict[str, int] = {}
    for cap, weight, phrases in LEXICON:
        for phrase in phrases:
            codes[phrase.replace("\\", "")] = CAPABILITIES.index(cap) * 10 + weight
    parts = []
    for phrase in sorted(codes, key=len, reverse=True):
        escaped = re.escape(phrase)
        if phrase.isascii() and phrase[0].isalnum() and phrase[-1].isalnum():
            parts.append(rf"\b{escaped}\b")
        else:
            parts.append(escaped)
    return "(?:" + "|".join(parts) + ")", codes


LEXICON_REGEX, LEXICON_CODES = lexicon_codes()
COT_REGEX = "(?i)(?:" + "|".join(p.replace("+", r"\+") for p in COT_PHRASES) + ")"
QUOTE_RE = r'"[^"]*"|`[^`]*`'
CODE_RE = r"```[\s\S]*?```"
URL_RE = r"https?://\S+"
NUM_RE = r"\d+(?:[.,]\d+)*"


def exchange_features(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per-exchange signals (vectorised), and the distinct template frames with counts."""
    text = pl.col("prompt").fill_null("").str.slice(0, MAX_SCAN_CHARS)
    # One regex pass finds every lexicon phrase; each match maps to its code, and the
    # weights per capability are sums over the (short) list of matches.
    codes = (
        text.str.to_lowercase()
        .str.extract_all(LEXICON_REGEX)
        .list.eval(pl.element().replace_strict(LEXICON_CODES, default=0, return_dtype=pl.Int32))
    )
    scored = frame.with_columns(codes.alias("lexicon_codes"), text.str.contains(COT_REGEX).alias("cot"))
    scored = scored.with_columns(
        [
            pl.col("lexicon_codes")
            .list.eval(pl.when(pl.element() // 10 == index).then(pl.element() % 10).otherwise(0))
            .list.sum()
            .alias(f"w_{cap}")
            for index, cap in enumerate(CAPABILITIES)
            if index > 0
        ]
    ).drop("lexicon_codes")
    weight_cols = [f"w_{cap}" for cap in CAPABILITIES[1:]]
    best = pl.concat_list(weight_cols).list.arg_max()
    best_weight = pl.max_horizontal(weight_cols)
    text_class = (
        pl.when(best_weight >= 2)
        .then(best + 1)
        .otherwise(0)
    )
    capability = (
        pl.when(pl.col("images").fill_null(0) > 0)
        .then(CAPABILITIES.index("vision"))
        .when((pl.col("tools").fill_null(0) > 0) & (text_class == CAPABILITIES.index("coding")))
        .then(CAPABILITIES.index("coding"))
        .when(pl.col("tools").fill_null(0) > 0)
        .then(CAPABILITIES.index("tool_use"))
        .otherwise(text_class)
    )
    # Template frame: mask what varies between fills, keep the wrapper.
    tokens = (
        text.str.to_lowercase()
        .str.replace_all(CODE_RE, " C ")
        .str.replace_all(QUOTE_RE, " Q ")
        .str.replace_all(URL_RE, " U ")
        .str.replace_all(NUM_RE, " 0 ")
        .str.replace_all(r"[^\w\s]", " ")
        .str.extract_all(r"\w+")
    )
    out = scored.with_columns(
        capability.cast(pl.Int8).alias("capability"),
        tokens.list.head(FRAME_TOKENS).list.join(" ").alias("head"),
        tokens.list.tail(FRAME_TOKENS).list.join(" ").alias("tail"),
        pl.col("ip").str.replace(r"\.\d+$", "").alias("subnet"),
        (pl.col("ts_ms") // 86_400_000).alias("day"),
        (pl.col("ts_ms") // (7 * 86_400_000)).alias("week"),
        ((pl.col("ts_ms") // 3_600_000) % 24).alias("hour"),
    ).with_columns(
        pl.col("head").hash().alias("head_h"),
        pl.col("tail").hash().alias("tail_h"),
    )
    frames = (
        out.filter(pl.col("head") != "")
        .group_by("head_h")
        .agg(pl.col("head").first(), pl.len().alias("uses"))
    )
    exchanges = out.drop(["prompt", "head", "tail"] + weight_cols)
    return exchanges, frames


def template_keys(frames: pl.DataFrame) -> dict[int, int]:
    """MinHash LSH over recurring frames: head hash -> template key (a representative)."""
    recurring = frames.filter(pl.col("uses") >= 2)
    hashes = recurring["head_h"].to_list()
    texts = recurring["head"].to_list()
    shingle_sets = []
    for text in texts:
        words = text.split()
        shingles = {" ".join(words[i:i + 3]).encode() for i in range(max(1, len(words) - 2))}
        shingle_sets.append(shingles)
    sketches = MinHash.bulk(shingle_sets, num_perm=NUM_PERM)
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    for h, sketch in zip(hashes, sketches):
        lsh.insert(h, sketch)
    # Union near-identical frames into one key.
    parent: dict[int, int] = {h: h for h in hashes}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for h, sketch in zip(hashes, sketches):
        for other in lsh.query(sketch):
            a, b = find(h), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {h: find(h) for h in hashes}


def robust_z(values: pl.Expr) -> pl.Expr:
    median = values.median()
    mad = (values - median).abs().median()
    return ((values - median) / (1.4826 * mad + 1e-9)).clip(-10, 10)


def account_features(exchanges: pl.DataFrame) -> pl.DataFrame:
    target_codes = [CAPABILITIES.index(c) for c in TARGET_CAPABILITIES]
    in_account = exchanges.group_by(["account_id", "head_h"]).agg(pl.len().alias("n"))
    repetition = in_account.group_by("account_id").agg(
        (pl.col("n").filter(pl.col("n") >= 2).sum() / pl.col("n").sum()).alias("repetition")
    )
    shares = [
        (pl.col("capability") == i).mean().alias(f"share_{cap}") for i, cap in enumerate(CAPABILITIES)
    ]
    accounts = exchanges.group_by("account_id").agg(
        [
            pl.len().alias("exchanges"),
            pl.col("ts_ms").min().alias("first_ms"),
            pl.col("ts_ms").max().alias("last_ms"),
            pl.col("day").n_unique().alias("active_days"),
            pl.col("hour").n_unique().alias("active_hours"),
            pl.col("cot").mean().alias("cot_share"),
            pl.col("thinking").fill_null(False).mean().alias("thinking_share"),
            (pl.col("logprobs").fill_null(0) > 0).mean().alias("logprobs_share"),
            (pl.col("output_tokens").sum() / (pl.col("input_tokens").sum() + 1)).alias("out_in_ratio"),
            pl.col("capability").is_in(target_codes).mean().alias("target_share"),
            pl.col("ip").n_unique().alias("ips"),
            pl.col("subnet").n_unique().alias("subnets"),
            pl.col("payment_fp").drop_nulls().first().alias("payment_fp"),
            pl.col("org_id").drop_nulls().first().alias("org_id"),
        ]
        + shares
    )
    share_cols = [f"share_{cap}" for cap in CAPABILITIES]
    entropy = -pl.sum_horizontal(
        [pl.when(pl.col(c) > 0).then(pl.col(c) * pl.col(c).log(2)).otherwise(0.0) for c in share_cols]
    )
    accounts = accounts.join(repetition, on="account_id", how="left").with_columns(
        (pl.col("exchanges") / pl.col("active_days")).alias("rate"),
        entropy.alias("focus_entropy"),
    )
    z = [
        robust_z(pl.col("exchanges").log1p()).alias("z_volume"),
        robust_z(pl.col("rate").log1p()).alias("z_rate"),
        robust_z(pl.col("cot_share")).alias("z_cot"),
        robust_z(pl.col("target_share")).alias("z_target"),
        robust_z(pl.col("repetition")).alias("z_repetition"),
        robust_z(-pl.col("focus_entropy")).alias("z_focus"),
        robust_z(pl.col("active_hours").cast(pl.Float64)).alias("z_hours"),
    ]
    accounts = accounts.with_columns(z)
    z_cols = ["z_volume", "z_rate", "z_cot", "z_target", "z_repetition", "z_focus", "z_hours"]
    return accounts.with_columns(
        (pl.sum_horizontal([pl.col(c).clip(0, 5) for c in z_cols]) / (5 * len(z_cols))).alias("score")
    )


def link_groups(exchanges: pl.DataFrame, accounts: pl.DataFrame, keys: dict[int, int]) -> dict[str, pl.DataFrame]:
    """Per link kind: (key, list of accounts sharing it), for keys shared by 2..max accounts."""
    template = pl.DataFrame(
        {"head_h": list(keys.keys()), "template": list(keys.values())},
        schema={"head_h": pl.UInt64, "template": pl.UInt64},
    )
    sources = {
        "payment": accounts.select("account_id", pl.col("payment_fp").alias("key")),
        "ip_week": exchanges.select("account_id", pl.concat_str(["ip", "week"], separator="|").alias("key")),
        "subnet_week": exchanges.select(
            "account_id", pl.concat_str(["subnet", "week"], separator="|").alias("key")
        ),
        "template": exchanges.select("account_id", "head_h")
        .join(template, on="head_h", how="inner")
        .select("account_id", pl.col("template").cast(pl.String).alias("key")),
    }
    groups = {}
    for kind, pairs in sources.items():
        grouped = (
            pairs.drop_nulls()
            .unique()
            .group_by("key")
            .agg(pl.col("account_id"))
            .with_columns(pl.col("account_id").list.len().alias("size"))
            .filter((pl.col("size") >= 2) & (pl.col("size") <= MAX_GROUP[kind]))
        )
        groups[kind] = grouped
    return groups


def account_graph(groups: dict[str, pl.DataFrame]) -> nx.Graph:
    pair_kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    pair_weight: dict[tuple[str, str], float] = defaultdict(float)
    for kind, grouped in groups.items():
        for members, size in grouped.select("account_id", "size").iter_rows():
            weight = 1.0 / math.log2(1 + size)
            members = sorted(members)
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    pair_kinds[(a, b)].add(kind)
                    pair_weight[(a, b)] += weight
    graph = nx.Graph()
    for pair, kinds in pair_kinds.items():
        if "payment" in kinds or len(kinds) >= 2:
            graph.add_edge(pair[0], pair[1], weight=pair_weight[pair], kinds=",".join(sorted(kinds)))
    return graph


def clusters_of(graph: nx.Graph, seed: int = 7) -> list[set[str]]:
    clusters: list[set[str]] = []
    for component in nx.connected_components(graph):
        if len(component) <= 50:
            clusters.append(set(component))
            continue
        sub = graph.subgraph(component)
        for community in nx.community.louvain_communities(sub, weight="weight", seed=seed):
            if len(community) >= 2:
                clusters.append(set(community))
    return clusters


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    start = time.perf_counter()

    phase = time.perf_counter()
    files = input_files(args.inputs)
    if not files:
        print(f"no .jsonl or .jsonl.zst files in {args.inputs}", file=sys.stderr)
        return 2
    exchange_parts, frame_parts = [], []
    records = 0
    for file in files:
        raw = read_file(file)
        records += raw.height
        exchanges, frames = exchange_features(raw)
        del raw
        exchange_parts.append(exchanges)
        frame_parts.append(frames)
    exchanges = pl.concat(exchange_parts, how="vertical_relaxed").filter(
        pl.col("account_id").is_not_null() & (pl.col("account_id") != "") & pl.col("ts_ms").is_not_null()
    )
    # A repeated request_id is one exchange (first copy counts).
    exchanges = pl.concat(
        [
            exchanges.filter(pl.col("request_id").is_null()),
            exchanges.filter(pl.col("request_id").is_not_null()).unique(subset="request_id", keep="first", maintain_order=True),
        ]
    )
    frames = pl.concat(frame_parts).group_by("head_h").agg(pl.col("head").first(), pl.col("uses").sum())
    del exchange_parts, frame_parts
    timings["read_and_exchange_features"] = time.perf_counter() - phase
    log("read + per-exchange features", phase, files=len(files), records=records, exchanges=exchanges.height)

    phase = time.perf_counter()
    accounts = account_features(exchanges)
    timings["account_features"] = time.perf_counter() - phase
    log("per-account features", phase, accounts=accounts.height)

    phase = time.perf_counter()
    keys = template_keys(frames)
    timings["minhash_lsh"] = time.perf_counter() - phase
    log("MinHash LSH templates", phase, recurring_frames=len(keys), template_keys=len(set(keys.values())))

    phase = time.perf_counter()
    groups = link_groups(exchanges, accounts, keys)
    graph = account_graph(groups)
    timings["graph_build"] = time.perf_counter() - phase
    log("graph build", phase, nodes=graph.number_of_nodes(), edges=graph.number_of_edges())

    phase = time.perf_counter()
    clusters = clusters_of(graph)
    timings["clustering"] = time.perf_counter() - phase
    log("components + communities", phase, clusters=len(clusters))

    phase = time.perf_counter()
    score = dict(accounts.select("account_id", "score").iter_rows())
    cluster_rows = []
    for index, members in enumerate(sorted(clusters, key=lambda c: (-len(c), min(c)))):
        member_scores = [score.get(m, 0.0) for m in members]
        cluster_rows.append(
            {
                "id": f"ref-{index}",
                "accounts": sorted(members),
                "median_score": float(np.median(member_scores)),
            }
        )
    accounts.write_parquet(out_dir / "accounts.parquet")
    summary = {
        "files": len(files),
        "records": records,
        "exchanges": exchanges.height,
        "accounts": accounts.height,
        "recurring_template_frames": len(keys),
        "template_keys": len(set(keys.values())),
        "graph": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()},
        "clusters": len(cluster_rows),
        "clustered_accounts": sum(len(c["accounts"]) for c in cluster_rows),
        "timings_s": timings,
        "top_accounts": accounts.sort("score", descending=True)
        .head(20)
        .select("account_id", "score", "exchanges", "cot_share", "target_share", "repetition")
        .to_dicts(),
        "cluster_list": cluster_rows,
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1))
    timings["write"] = time.perf_counter() - phase
    log("total", start, clusters=len(cluster_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
