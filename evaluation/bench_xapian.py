"""`qabot bench --backend xapian`: the in-memory sparse index vs 1, 2, 4 … local xapian-tcpsrv shards.

Per synthetic corpus size: sparse build time and query latency, then for each shard count the shard
build time, size on disk and query latency through `remote host:port` shards (the deployed path, over
127.0.0.1), and how many queries' top 10 equal sparse's. Both rank the word run (fusion off): that is
the ranking past fusion_max_chunks, where scaling out matters.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evaluation.bench import machine_description, query_set
from evaluation.bench_worker import TOP_K, latency_summary, peak_rss_mb
from evaluation.shard_servers import remote_stub, shard_servers
from evaluation.synthetic import (
    SyntheticCorpus,
    build_corpus,
    corpus_sentences,
    project_tokenize,
    tokenize_sentences,
)
from retrieval.index import LazyChunks
from retrieval.index.backends import make_backend
from retrieval.settings import RetrieverSettings
from retrieval.types import Chunk, Document, NormalizationReport

DEFAULT_SHARD_COUNTS = (1, 2, 4)
SYNTHETIC_DOC = Document("synthetic", "", "synthetic", "", "utf-8", (), NormalizationReport())


@dataclass(frozen=True)
class ShardBenchOptions:
    sizes: tuple[int, ...]
    shard_counts: tuple[int, ...]
    corpus_dir: Path
    out_dir: Path
    queries: int = 500
    seed: int = 0
    jobs: int | None = None  # shard build processes (default: one per shard, up to the cores)


class SyntheticChunks(LazyChunks):
    """Chunk objects of a synthetic corpus, made on demand (a million texts need not sit in memory)."""

    def __init__(self, corpus: SyntheticCorpus) -> None:
        super().__init__(corpus.size)
        self.corpus = corpus

    def chunk_at(self, i: int) -> Chunk:
        text = self.corpus.chunk_text(i)
        return Chunk(f"syn-{i}", SYNTHETIC_DOC.doc_id, SYNTHETIC_DOC.title, (), i + 1, text, 0, len(text))


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _timed(queries: Sequence[list[str]], rank: Any, label: str) -> tuple[list[float], list[list[int]]]:
    latencies, results = [], []
    for tokens in tqdm(queries, desc=label, leave=False, file=sys.stderr, mininterval=1.0):
        start = time.perf_counter()
        ranked = rank(tokens, TOP_K)
        latencies.append(time.perf_counter() - start)
        results.append([i for i, _ in ranked])
    return latencies, results


def bench_size(
    size: int, options: ShardBenchOptions, queries: Sequence[str], scratch: Path
) -> list[dict[str, Any]]:
    from retrieval.index.backends.xapian_index import open_shard_index
    from retrieval.index.backends.xapian_pool import default_jobs
    from retrieval.index.backends.xapian_scoring import WORD_PREFIX
    from retrieval.index.backends.xapian_writer import shard_name, write_tokenized_shards

    settings = RetrieverSettings(fusion="none")
    tokenize = project_tokenize()
    sentences = corpus_sentences(options.corpus_dir)
    corpus = build_corpus(sentences, tokenize_sentences(sentences, tokenize), size, seed=options.seed)
    query_tokens = [tokenize(q) for q in queries]
    sparse = make_backend("sparse", variant="okapi", k1=settings.k1, b=settings.b, epsilon=settings.epsilon)
    start = time.perf_counter()
    sparse.build(corpus.tokens_view())
    build_s = time.perf_counter() - start
    latencies, expected = _timed(query_tokens, sparse.top_k, f"sparse {size:,}")
    rows = [{"size": size, "engine": "sparse", "shards": 0, "build_s": build_s, **latency_summary(latencies)}]
    del sparse
    for count in options.shard_counts:
        out = scratch / f"{size}-{count}"
        start = time.perf_counter()
        with tqdm(total=size, desc=f"build {count} × {size:,}", leave=False, file=sys.stderr) as bar:
            write_tokenized_shards(
                out,
                (SYNTHETIC_DOC,),
                SyntheticChunks(corpus),
                [(WORD_PREFIX, corpus.tokens_view())],
                settings,
                count,
                progress=bar.update,
                jobs=options.jobs,
            )
        build_s = time.perf_counter() - start
        shards = [out / shard_name(s) for s in range(count)]
        with shard_servers(shards) as servers:
            index = open_shard_index(remote_stub(out / "remote.stub", servers), settings)
            index.top_k(query_tokens[0], TOP_K)  # connect and warm the servers' page cache
            latencies, got = _timed(query_tokens, index.backend.top_k, f"xapian {count} × {size:,}")
        agree = sum(a == b for a, b in zip(expected, got, strict=True)) / len(expected)
        rows.append(
            {
                "size": size,
                "engine": "xapian-tcpsrv",
                "shards": count,
                "build_s": build_s,
                "build_jobs": options.jobs or default_jobs(count),
                "shards_mb": folder_mb(out),
                "top10_equal": agree,
                **latency_summary(latencies),
            }
        )
        shutil.rmtree(out)
    return rows


def run_shard_bench(options: ShardBenchOptions) -> dict[str, Any]:
    queries = query_set(options.corpus_dir, options.queries)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-xapian-", dir=options.out_dir) as scratch:
        for size in options.sizes:
            rows += bench_size(size, options, queries, Path(scratch))
    return {
        "machine": machine_description(),
        "query_count": len(queries),
        "top_k": TOP_K,
        "peak_rss_mb": peak_rss_mb(),
        "load_average_before": load_before,  # the machine is shared: note how busy it was
        "load_average_after": os.getloadavg(),
        "results": rows,
    }
