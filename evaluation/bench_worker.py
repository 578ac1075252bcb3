"""One benchmark measurement, run in its own process so each configuration's peak RSS is its own.

Usage (from `evaluation.bench`): python -m evaluation.bench_worker '<BenchJob as JSON>' → one JSON line.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import multiprocessing
import resource
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from evaluation.synthetic import (
    SyntheticCorpus,
    build_corpus,
    corpus_sentences,
    project_tokenize,
    tokenize_sentences,
)
from retrieval.index import Index, store
from retrieval.index.backends import make_backend
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings
from retrieval.types import Chunk

TOP_K = 10
TOKENIZE_SAMPLE_CHUNKS = 5000


@dataclass(frozen=True)
class BenchJob:
    kind: str  # "retrieval", "e2e" or "tokenize"
    size: int
    backend: str
    queries: tuple[str, ...]
    corpus_dir: str
    scratch_dir: str
    seed: int = 0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1000.0
    return {
        "queries": len(ms),
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "p99_ms": float(np.percentile(ms, 99)),
        "qps": float(len(ms) / (ms.sum() / 1000.0)) if ms.sum() else 0.0,
    }


def _timed_each(items: Sequence[Any], call: Callable[[Any], object], label: str) -> list[float]:
    latencies = []
    for item in tqdm(items, desc=label, leave=False, file=sys.stderr, mininterval=1.0):
        start = time.perf_counter()
        call(item)
        latencies.append(time.perf_counter() - start)
    return latencies


def _setup(job: BenchJob) -> tuple[SyntheticCorpus, Callable[[str], list[str]]]:
    tokenize = project_tokenize()
    sentences = corpus_sentences(Path(job.corpus_dir))
    corpus = build_corpus(sentences, tokenize_sentences(sentences, tokenize), job.size, seed=job.seed)
    return corpus, tokenize


def measure_retrieval(job: BenchJob) -> dict[str, Any]:
    """Build, store, reload (memory-mapped) and query one backend on `job.size` synthetic chunks."""
    corpus, tokenize = _setup(job)
    query_tokens = [tokenize(q) for q in job.queries]
    setup_rss = peak_rss_mb()
    settings = RetrieverSettings()
    backend = make_backend(
        job.backend, variant=settings.variant, k1=settings.k1, b=settings.b, epsilon=settings.epsilon
    )
    start = time.perf_counter()
    backend.build(corpus.tokens_view())
    build_s = time.perf_counter() - start
    folder = Path(job.scratch_dir) / f"index-{job.backend}-{job.size}"
    folder.mkdir(parents=True, exist_ok=True)
    store.save_backend(backend, folder, "word")
    index_bytes = sum(p.stat().st_size for p in folder.iterdir())
    del backend
    gc.collect()
    start = time.perf_counter()
    backend = store.load_backend(folder, "word", dataclasses.replace(settings, backend=job.backend), job.size)
    load_s = time.perf_counter() - start
    shutil.rmtree(folder)
    latencies = _timed_each(query_tokens, lambda q: backend.top_k(q, TOP_K), f"{job.backend} {job.size:,}")
    return {
        "build_s": build_s,
        "index_mb": index_bytes / 1e6,
        "load_s": load_s,
        "setup_rss_mb": setup_rss,
        "peak_rss_mb": peak_rss_mb(),
        **latency_summary(latencies),
    }


def measure_end_to_end(job: BenchJob) -> dict[str, Any]:
    """`Retriever.ask` latency (tokenization, ranking, abstention, excerpts) over synthetic chunks."""
    corpus, _ = _setup(job)
    settings = RetrieverSettings(backend=job.backend)
    chunks = [
        Chunk(
            chunk_id=f"syn-{i}",
            doc_id=f"syn-{i}",
            title=f"syn-{i}",
            section=(),
            paragraph=1,
            text=(text := corpus.chunk_text(i)),
            start=0,
            end=len(text),
        )
        for i in range(corpus.size)
    ]
    start = time.perf_counter()
    retriever = Retriever(Index.from_tokens((), chunks, corpus.tokens_view(), settings))
    build_s = time.perf_counter() - start
    latencies = _timed_each(job.queries, retriever.ask, f"ask {job.backend} {job.size:,}")
    return {"build_s": build_s, "peak_rss_mb": peak_rss_mb(), **latency_summary(latencies)}


_worker_tokenize: Callable[[str], list[str]] | None = None


def _init_tokenizer() -> None:
    global _worker_tokenize
    _worker_tokenize = project_tokenize()
    _worker_tokenize("预热")  # load jieba's dictionary before timing starts


def _tokenize_in_worker(text: str) -> int:
    assert _worker_tokenize is not None
    return len(_worker_tokenize(text))


def measure_tokenization(job: BenchJob) -> dict[str, Any]:
    """Characters per second of the project tokenizer on chunk texts: one process, then a 2-process pool."""
    corpus, tokenize = _setup(job)
    texts = [corpus.chunk_text(i) for i in range(min(corpus.size, TOKENIZE_SAMPLE_CHUNKS))]
    chars = sum(map(len, texts))
    tokenize("预热")
    start = time.perf_counter()
    for text in texts:
        tokenize(text)
    single_s = time.perf_counter() - start
    processes = 2
    # spawn, not fork: forked workers would first copy-on-write the parent's jieba dictionary pages.
    with multiprocessing.get_context("spawn").Pool(processes, initializer=_init_tokenizer) as pool:
        pool.map(_tokenize_in_worker, texts[: processes * 4], chunksize=1)  # workers ready before timing
        start = time.perf_counter()
        pool.map(_tokenize_in_worker, texts, chunksize=64)
        parallel_s = time.perf_counter() - start
    return {
        "chunks": len(texts),
        "chars": chars,
        "chars_per_s": chars / single_s,
        "parallel_processes": processes,
        "parallel_chars_per_s": chars / parallel_s,
        "mean_chunk_chars": chars / len(texts),
    }


MEASURES = {"retrieval": measure_retrieval, "e2e": measure_end_to_end, "tokenize": measure_tokenization}


def main(argv: Sequence[str]) -> int:
    fields = json.loads(argv[0])
    job = BenchJob(**{**fields, "queries": tuple(fields["queries"])})
    described = {k: v for k, v in dataclasses.asdict(job).items() if k in ("kind", "size", "backend", "seed")}
    print(json.dumps({**described, **MEASURES[job.kind](job)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
