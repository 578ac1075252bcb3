"""Start-up figures of the real command on the bundled corpus: cold start and incremental rebuilds."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from retrieval.index import TokenCache
from retrieval.retriever import build_index
from retrieval.settings import RetrieverSettings

QUESTION = "督察指出的个性问题是什么？"
WARM_RUNS = 3


def time_ask(corpus_dir: Path, cache_dir: Path) -> float:
    """Wall time of one `qabot ask` process, interpreter start included."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "qabot.cli",
            "ask",
            "--corpus",
            str(corpus_dir),
            "--cache-dir",
            str(cache_dir),
            QUESTION,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    return time.perf_counter() - started


def added_document(source: Path, target: Path) -> None:
    """A new speech for the rebuild test: an existing one with its paragraphs in reverse order."""
    lines = source.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join(lines[:1] + lines[:0:-1]), encoding="utf-8")


def measure_startup(corpus_dir: Path, scratch: Path) -> dict[str, Any]:
    """Cold start (index built), warm start (index loaded from cache), and the cost of adding one speech."""
    cache_dir = scratch / "startup-cache"
    cold = time_ask(corpus_dir, cache_dir)
    warm = statistics.median(time_ask(corpus_dir, cache_dir) for _ in range(WARM_RUNS))

    copy = scratch / "startup-corpus"
    shutil.copytree(corpus_dir, copy, ignore=shutil.ignore_patterns("eval", "README.md"))
    settings = RetrieverSettings()
    tokens = TokenCache(scratch / "startup-tokens.pkl")
    started = time.perf_counter()
    first = build_index(copy, settings, tokens)
    full_build = time.perf_counter() - started
    added_document(sorted(copy.glob("*.txt"))[-1], copy / "zz_added.txt")
    started = time.perf_counter()
    reused = TokenCache(scratch / "startup-tokens.pkl")
    second = build_index(copy, settings, reused)
    rebuild = time.perf_counter() - started
    return {
        "cold_start_s": round(cold, 3),
        "warm_start_s": round(warm, 3),
        "full_build_s": round(full_build, 3),
        "rebuild_after_adding_one_s": round(rebuild, 3),
        "chunks_before": len(first.chunks),
        "chunks_after": len(second.chunks),
        "chunks_added": len(second.chunks) - len(first.chunks),
        # one tokenization per chunk per index (word index, plus the bigram companion when fusion is on)
        "indexes": 2 if second.bigram is not None else 1,
        "texts_retokenized": reused.misses,
    }


def startup_line(startup: dict[str, Any]) -> str:
    return (
        f"qabot ask on the bundled corpus: cold start {startup['cold_start_s']:.2f} s (index built), "
        f"warm start {startup['warm_start_s']:.2f} s (index from cache); adding a speech of "
        f"{startup['chunks_added']} chunks re-tokenized {startup['texts_retokenized']} of "
        f"{startup['chunks_after'] * startup['indexes']} chunk texts ({startup['indexes']} indexes) "
        f"({startup['full_build_s']:.2f} s full build, "
        f"{startup['rebuild_after_adding_one_s']:.2f} s rebuild)"
    )
