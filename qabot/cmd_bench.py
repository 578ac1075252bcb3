"""`qabot bench`: retrieval speed of the reference and fast backends on synthetic corpora."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console

from evaluation.bench import DEFAULT_SIZES, QUICK_SIZES, BenchOptions, run_bench
from retrieval.errors import ConfigError
from retrieval.index import BACKEND_NAMES, DEFAULT_BACKEND

_SUFFIXES = {"k": 1_000, "m": 1_000_000}
TABLE_WIDTH = 132


def parse_sizes(text: str) -> tuple[int, ...]:
    """'10k,100000,1m' → (10000, 100000, 1000000)."""
    sizes = []
    for part in text.split(","):
        word = part.strip().lower()
        scale = _SUFFIXES.get(word[-1:], 1)
        digits = word[:-1] if scale > 1 else word
        if not digits.isdigit() or int(digits) * scale < 2:
            raise ConfigError(f"--sizes: {part!r} is not a corpus size (e.g. 10k,100k,1m)")
        sizes.append(int(digits) * scale)
    return tuple(sorted(set(sizes)))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "bench",
        help="benchmark the reference and fast BM25 backends",
        description="Build, load and query synthetic corpora (10k/100k/1M chunks made "
        "from the corpus's sentences); print a table, write JSON and a plot.",
    )
    parser.add_argument("--quick", action="store_true", help="10k chunks only")
    parser.add_argument("--sizes", help="comma-separated corpus sizes, e.g. 10k,100k,1m")
    parser.add_argument(
        "--backend",
        default=DEFAULT_BACKEND,
        choices=(*BACKEND_NAMES, "xapian"),
        help=f"backend to compare with rank-bm25 (default {DEFAULT_BACKEND}); xapian: sparse vs shards",
    )
    parser.add_argument(
        "--shard-counts", default="1,2,4", metavar="N,N", help="xapian: shard servers per run (default 1,2,4)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="J",
        help="xapian: shard build processes (default: one per shard, up to the cores)",
    )
    parser.add_argument("--queries", type=int, default=500, help="queries per configuration (default 500)")
    parser.add_argument("--corpus", default="corpus", help="corpus folder whose sentences are recombined")
    parser.add_argument("--out", default="bench-out", help="folder for bench.json and latency.png")
    parser.add_argument(
        "--peers",
        action="store_true",
        help="compare with rank_bm25, bm25s and tantivy (needs the bench extra); writes peers.md/.json/.png",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="peers: run each engine this many times, interleaved, and report medians (default 1)",
    )
    parser.set_defaults(func=run)


def run_peer_bench(args: argparse.Namespace, sizes: tuple[int, ...]) -> int:
    from evaluation.peers import markdown_table, run_peers, write_plot  # peers: the bench extra

    if args.rounds < 1:
        raise ConfigError("--rounds must be at least 1")
    rows = run_peers(sizes, Path(args.corpus), args.queries, args.rounds)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table = markdown_table(rows)
    (out / "peers.md").write_text(table + "\n", encoding="utf-8")
    kept = [{k: v for k, v in r.items() if k != "top10"} for r in rows]
    (out / "peers.json").write_text(json.dumps(kept, indent=2) + "\n", encoding="utf-8")
    write_plot(rows, out / "peers.png")
    print(table)
    return 0


def run(args: argparse.Namespace) -> int:
    sizes = parse_sizes(args.sizes) if args.sizes else QUICK_SIZES if args.quick else DEFAULT_SIZES
    if args.queries < 1:
        raise ConfigError("--queries must be at least 1")
    if args.peers:
        return run_peer_bench(args, sizes)
    if args.backend == "xapian":
        return run_xapian(args, parse_sizes(args.sizes) if args.sizes else XAPIAN_SIZES)
    options = BenchOptions(
        sizes=sizes,
        backend=args.backend,
        corpus_dir=Path(args.corpus),
        out_dir=Path(args.out),
        queries=args.queries,
    )
    # The table has 11 columns: never squeeze it below its natural width (piped output defaults to 80).
    console = Console(width=max(Console().width, TABLE_WIDTH))
    from evaluation.bench_report import publish  # matplotlib: loaded only when a bench actually runs

    publish(run_bench(options), options.out_dir, console)
    return 0


XAPIAN_SIZES = (100_000,)


def run_xapian(args: argparse.Namespace, sizes: tuple[int, ...]) -> int:
    """Sparse in memory vs 1, 2, 4 … local xapian-tcpsrv shards: one table, bench-xapian.json."""
    import json

    from rich.table import Table

    from evaluation.bench_xapian import ShardBenchOptions, run_shard_bench

    counts = tuple(int(c) for c in args.shard_counts.split(",") if c.strip().isdigit() and int(c) > 0)
    if not counts:
        raise ConfigError("--shard-counts: e.g. 1,2,4")
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    options = ShardBenchOptions(
        sizes, counts, Path(args.corpus), Path(args.out), args.queries, jobs=args.jobs
    )
    report = run_shard_bench(options)
    (options.out_dir / "bench-xapian.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    table = Table("chunks", "engine", "shards", "build s", "shards MB", "p50 ms", "p95 ms", "top-10 equal")
    for row in report["results"]:
        table.add_row(
            f"{row['size']:,}",
            row["engine"],
            str(row["shards"] or "-"),
            f"{row['build_s']:.1f}",
            f"{row['shards_mb']:.0f}" if "shards_mb" in row else "-",
            f"{row['p50_ms']:.2f}",
            f"{row['p95_ms']:.2f}",
            f"{row['top10_equal']:.4f}" if "top10_equal" in row else "-",
        )
    Console(width=max(Console().width, TABLE_WIDTH)).print(table)
    return 0
