"""Closed-pool passage retrieval on public reading-comprehension dev sets (DRCD, CMRC2018).

Every dev paragraph is indexed; each question ranks paragraphs; the relevant one is the paragraph the
question was asked on. Data layout and licenses: `../shared/benchmarks/README.md`.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import ir_measures
from ir_measures import RR, R
from tqdm import tqdm

from evaluation.stock import Ranker
from retrieval.errors import QabotError
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings

BENCHMARK_FILES = {"drcd": "drcd_dev", "cmrc2018": "cmrc2018_dev"}
DEFAULT_DATA_DIR = Path("../shared/benchmarks")
MEASURES = {"R@1": R @ 1, "R@5": R @ 5, "MRR@10": RR @ 10}
DEPTH = 10


class BenchmarkError(QabotError):
    """Benchmark data is missing or malformed."""


@dataclass(frozen=True)
class BenchmarkQuestion:
    qid: str
    question: str
    pid: str


@dataclass(frozen=True)
class BenchmarkData:
    name: str
    passages: tuple[tuple[str, str], ...]  # (pid, text)
    questions: tuple[BenchmarkQuestion, ...]


@dataclass(frozen=True)
class BenchmarkResult:
    label: str
    scores: dict[str, float]  # R@1, R@5, MRR@10
    seconds: float  # index build + ranking every question
    questions: int


def load_benchmark(name: str, data_dir: Path, limit: int | None = None) -> BenchmarkData:
    """Read `<set>_dev.passages.jsonl` and `<set>_dev.questions.jsonl`; `limit` keeps the first questions."""
    if name not in BENCHMARK_FILES:
        raise BenchmarkError(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARK_FILES)}")
    stem = BENCHMARK_FILES[name]
    passages_path, questions_path = data_dir / f"{stem}.passages.jsonl", data_dir / f"{stem}.questions.jsonl"
    for path in (passages_path, questions_path):
        if not path.is_file():
            raise BenchmarkError(
                f"benchmark file {path} not found; pass --data DIR "
                f"(the folder holding {stem}.*.jsonl, by default {DEFAULT_DATA_DIR})"
            )
    passages = tuple((str(r["pid"]), str(r["text"])) for r in _read_jsonl(passages_path))
    questions = tuple(
        BenchmarkQuestion(str(r["qid"]), str(r["question"]), str(r["pid"]))
        for r in _read_jsonl(questions_path)
    )
    known = {pid for pid, _ in passages}
    orphans = [q.qid for q in questions if q.pid not in known]
    if orphans:
        raise BenchmarkError(
            f"{questions_path}: {len(orphans)} questions name unknown passages, e.g. {orphans[0]}"
        )
    return BenchmarkData(name, passages, questions[:limit] if limit else questions)


def run_benchmark(
    data: BenchmarkData,
    label: str,
    build: Callable[[Sequence[tuple[str, str]]], Ranker],
    *,
    progress: bool = True,
) -> BenchmarkResult:
    """Build a ranker over all passages and score every question; time covers both."""
    start = time.perf_counter()
    rank = build(data.passages)
    rankings = {
        q.qid: rank(q.question, DEPTH)
        for q in tqdm(
            data.questions,
            desc=f"{data.name} {label}",
            unit="q",
            file=sys.stderr,
            disable=not progress,
            leave=False,
        )
    }
    seconds = time.perf_counter() - start
    return BenchmarkResult(
        label, score_rankings(rankings, {q.qid: q.pid for q in data.questions}), seconds, len(data.questions)
    )


def score_rankings(rankings: dict[str, list[str]], gold: dict[str, str]) -> dict[str, float]:
    """R@1, R@5, MRR@10 over every gold question (a question with no ranking scores 0)."""
    qrels = [ir_measures.Qrel(qid, pid, 1) for qid, pid in gold.items()]
    run = [
        ir_measures.ScoredDoc(qid, pid, float(len(ranked) - i))
        for qid, ranked in rankings.items()
        for i, pid in enumerate(ranked)
    ]
    aggregate = ir_measures.calc_aggregate(list(MEASURES.values()), qrels, run)
    return {name: float(aggregate.get(measure, 0.0)) for name, measure in MEASURES.items()}


def _read_jsonl(path: Path) -> list[dict[str, object]]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise BenchmarkError(f"{path}:{number}: not JSON ({exc.msg})") from None
    return records


def project_builder(settings: RetrieverSettings) -> Callable[[Sequence[tuple[str, str]]], Ranker]:
    """The project's pipeline (normalizer, tokenizer, backend) as a benchmark ranker builder."""

    def build(passages: Sequence[tuple[str, str]]) -> Ranker:
        retriever = Retriever.from_passages(passages, settings)

        def rank(question: str, k: int) -> list[str]:
            return [chunk.doc_id for chunk, _ in retriever.rank(question, k)]

        return rank

    return build
