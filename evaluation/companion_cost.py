"""What the character-bigram companion costs a real build: `python -m evaluation.companion_cost N`.

`qabot bench` builds its word index from pre-tokenized synthetic chunks, so its "ask" rows compare a
companion tokenized from text with a word index that never ran jieba. This measures what a user pays:
`Index.build` from the chunk texts with an empty token cache, once with `fusion=none` and once with
`fusion=bigram`, each in its own process (peak RSS is per process), printing one JSON line per build.
The fused build also reports `companion_s`, the part of its own wall time spent building the companion:
jieba's share swings with the machine's other load from one process to the next, so
`build_s / (build_s - companion_s)` is the steadier ratio on a shared machine.
"""

from __future__ import annotations

import contextlib
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from evaluation.synthetic import build_corpus, corpus_sentences, project_tokenize, tokenize_sentences
from retrieval.index import Index
from retrieval.index.bm25 import CompanionIndex
from retrieval.index.tokencache import TokenCache
from retrieval.settings import RetrieverSettings
from retrieval.types import Chunk


def synthetic_chunks(corpus_dir: Path, size: int, seed: int = 0) -> list[Chunk]:
    sentences = corpus_sentences(corpus_dir)
    corpus = build_corpus(sentences, tokenize_sentences(sentences, project_tokenize()), size, seed=seed)
    chunks = []
    for i in range(size):
        text = corpus.chunk_text(i)
        chunks.append(Chunk(f"syn-{i}", f"syn-{i}", f"syn-{i}", (), 1, text, 0, len(text)))
    return chunks


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (the tokenizer's spawned workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextlib.contextmanager
def timing_companion(spent: list[float]) -> Iterator[None]:
    """Within: every `CompanionIndex.over` call appends its wall time to `spent`."""
    original = CompanionIndex.over

    def over(*args: Any, **kwargs: Any) -> CompanionIndex:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    CompanionIndex.over = over  # type: ignore[method-assign]
    try:
        yield
    finally:
        CompanionIndex.over = original  # type: ignore[method-assign]


def measure_build(corpus_dir: Path, size: int, fusion: str) -> dict[str, Any]:
    chunks = synthetic_chunks(corpus_dir, size)
    setup_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    spent: list[float] = []
    start, start_cpu = time.perf_counter(), cpu_seconds()
    with timing_companion(spent):
        index = Index.build((), chunks, RetrieverSettings(fusion=fusion), (), TokenCache())
    wall, cpu = time.perf_counter() - start, cpu_seconds() - start_cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "chunks": size,
        "fusion": fusion,
        "companion": index.bigram is not None,
        "build_s": round(wall, 2),
        "setup_rss_mb": round(setup_mb),
        "peak_rss_mb": round(peak_mb),
        # wall time swings with the machine's other load (the build spreads over the cores); CPU time less
        "build_cpu_s": round(cpu, 2),
        "companion_s": round(sum(spent), 2),
    }


def main(argv: Sequence[str]) -> int:
    if len(argv) >= 2 and argv[0] == "--one":  # the child: one build, one JSON line
        size, fusion = int(argv[1]), argv[2]
        print(json.dumps(measure_build(Path(argv[3]), size, fusion)))
        return 0
    size = int(argv[0]) if argv else 20_000
    corpus_dir = argv[1] if len(argv) > 1 else "corpus"
    rows = []
    for fusion in ("none", "bigram"):
        command = [sys.executable, "-m", "evaluation.companion_cost", "--one", str(size), fusion, corpus_dir]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]))
    words, fused = rows
    grown = [max(1, r["peak_rss_mb"] - r["setup_rss_mb"]) for r in rows]
    within = fused["build_s"] / max(0.01, fused["build_s"] - fused["companion_s"])
    print(
        f"companion: build {fused['build_s'] / words['build_s']:.2f}x "
        f"(CPU {fused['build_cpu_s'] / max(0.01, words['build_cpu_s']):.2f}x, within the fused build "
        f"{within:.2f}x), peak RSS {fused['peak_rss_mb'] / words['peak_rss_mb']:.2f}x "
        f"(above setup: {grown[1] / grown[0]:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
