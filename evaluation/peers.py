"""`qabot bench --peers`: the project's `sparse` backend beside rank_bm25, bm25s and tantivy.

Every engine runs in its own process (`python -m evaluation.peers '<job JSON>'`) on the same synthetic token
lists (`evaluation.synthetic`), so peak RSS is its own. Reported per engine and size: build seconds, peak
RSS, index size on disk, p50/p95 top-10 latency, QPS (single-threaded), and how many top-10 id sets equal
rank_bm25's on the queries rank_bm25 was timed on.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.bench import query_set, reference_query_count
from evaluation.bench_worker import latency_summary, peak_rss_mb
from evaluation.peer_engines import ENGINES, build_engine, clear
from evaluation.synthetic import build_corpus, corpus_sentences, project_tokenize, tokenize_sentences


@dataclass(frozen=True)
class PeerJob:
    engine: str
    size: int
    queries: tuple[str, ...]
    corpus_dir: str
    scratch_dir: str


def measure(job: PeerJob) -> dict[str, Any]:
    tokenize = project_tokenize()
    sentences = corpus_sentences(Path(job.corpus_dir))
    corpus = build_corpus(sentences, tokenize_sentences(sentences, tokenize), job.size, seed=0)
    queries = [tokenize(q) for q in job.queries]
    setup_rss = peak_rss_mb()
    folder = Path(tempfile.mkdtemp(dir=job.scratch_dir))
    gc.collect()
    start = time.perf_counter()
    top_k, index_bytes = build_engine(job.engine, corpus.tokens_view(), folder)
    build_s = time.perf_counter() - start
    top_k(queries[0])  # first call: numba compiles, tantivy warms its searcher
    latencies, results = [], []
    for query in queries:
        start = time.perf_counter()
        results.append(top_k(query))
        latencies.append(time.perf_counter() - start)
    clear(folder)
    return {
        "engine": job.engine,
        "size": job.size,
        "build_s": build_s,
        "index_mb": index_bytes / 1e6,
        "setup_rss_mb": setup_rss,
        "peak_rss_mb": peak_rss_mb(),
        "top10": results,
        **latency_summary(latencies),
    }


def run_peers(
    sizes: tuple[int, ...], corpus_dir: Path, query_count: int, rounds: int = 1
) -> list[dict[str, Any]]:
    """One row per engine and size. With rounds > 1 every engine but rank-bm25 (the slow reference, run
    once) runs that many times, the engines interleaved round by round so a busy moment of the machine
    falls on all of them, and each figure is the median over the rounds (`rounds` and the per-round p95
    in `p95_rounds_ms`)."""
    queries = tuple(query_set(corpus_dir, query_count))
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="qabot-peers-") as scratch:
        for size in sizes:
            reference_n = reference_query_count(size, len(queries))
            runs: dict[str, list[dict[str, Any]]] = {engine: [] for engine in ENGINES}
            for round_no in range(rounds):
                for engine in ENGINES:
                    if engine == "rank-bm25" and round_no:
                        continue
                    qs = queries[:reference_n] if engine == "rank-bm25" else queries
                    job = PeerJob(engine, size, qs, str(corpus_dir), scratch)
                    runs[engine].append(_measure_in_child(job))
            size_rows = [median_row(runs[engine]) for engine in ENGINES]
            reference: list[list[int]] = next(
                (r["top10"] for r in size_rows if r["engine"] == "rank-bm25" and "top10" in r), []
            )
            for row in size_rows:
                if "top10" in row:
                    found: list[list[int]] = row["top10"]
                    pairs = list(zip(reference, found, strict=False))
                    row["agree"] = sum(set(a) == set(b) for a, b in pairs)
                    row["agree_of"] = len(pairs)
            rows.extend(size_rows)
    return rows


def _measure_in_child(job: PeerJob) -> dict[str, Any]:
    print(f"peers: {job.engine} at {job.size:,} chunks …", file=sys.stderr, flush=True)
    done = subprocess.run(
        [sys.executable, "-m", "evaluation.peers", json.dumps(dataclasses.asdict(job))],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"engine": job.engine, "size": job.size, "error": f"exit {done.returncode}"}
    row: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return row


def median_row(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The first run's row with every timing replaced by its median over the runs (errors win)."""
    failed = [r for r in runs if "error" in r]
    if failed:
        return failed[0]
    row = dict(runs[0])
    for key in ("build_s", "peak_rss_mb", "p50_ms", "p95_ms", "p99_ms", "qps"):
        row[key] = statistics.median(r[key] for r in runs)
    row["rounds"] = len(runs)
    row["p95_rounds_ms"] = [r["p95_ms"] for r in runs]
    return row


def markdown_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| chunks | engine | build s | peak RSS MB | index MB | p50 ms | p95 ms | QPS | top-10 = rank_bm25 |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['size']:,} | {r['engine']} | {r['error']} | | | | | | |")
            continue
        lines.append(
            f"| {r['size']:,} | {r['engine']} | {r['build_s']:.2f} | {r['peak_rss_mb']:,.0f} | "
            f"{r['index_mb']:.1f} | {r['p50_ms']:.3f} | {r['p95_ms']:.3f} | {r['qps']:,.0f} | "
            f"{r['agree']}/{r['agree_of']} |"
        )
    return "\n".join(lines)


def write_plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for engine in ENGINES:
        mine = [r for r in rows if r["engine"] == engine and "p95_ms" in r]
        if mine:
            ax.plot([r["size"] for r in mine], [r["p95_ms"] for r in mine], marker="o", label=engine)
    ax.set(xscale="log", yscale="log", xlabel="chunks", ylabel="top-10 p95 ms", title="qabot bench --peers")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    result = measure(PeerJob(**json.loads(sys.argv[1])))
    print(json.dumps(result))
