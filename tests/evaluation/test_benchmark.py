"""Benchmark loading and scoring on the small DRCD/CMRC2018 samples in tests/fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.benchmark import BenchmarkError, load_benchmark, run_benchmark, score_rankings
from evaluation.stock import stock_ranker, stock_tokenize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "benchmarks"


@pytest.mark.parametrize("name", ["drcd", "cmrc2018"])
def test_samples_load_with_every_question_on_a_known_passage(name: str) -> None:
    data = load_benchmark(name, FIXTURES)
    assert len(data.passages) == 30 and len(data.questions) == 60
    assert {q.pid for q in data.questions} <= {pid for pid, _ in data.passages}


def test_missing_data_dir_names_the_file_and_the_option(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkError, match=r"drcd_dev\.passages\.jsonl not found; pass --data"):
        load_benchmark("drcd", tmp_path)


def test_unknown_benchmark_is_rejected() -> None:
    with pytest.raises(BenchmarkError, match="unknown benchmark"):
        load_benchmark("squad", FIXTURES)


def test_score_rankings_by_hand() -> None:
    gold = {"a": "p1", "b": "p2", "c": "p3", "d": "p4"}
    rankings = {"a": ["p1", "p9"], "b": ["p9", "p8", "p2"], "c": ["x1", "x2", "x3", "x4", "x5", "p3"]}
    scores = score_rankings(rankings, gold)  # "d" was never ranked: counts as a miss
    assert scores["R@1"] == pytest.approx(1 / 4)
    assert scores["R@5"] == pytest.approx(2 / 4)
    assert scores["MRR@10"] == pytest.approx((1 + 1 / 3 + 1 / 6) / 4)


def test_stock_tokenizer_drops_punctuation_only_tokens() -> None:
    tokens = stock_tokenize("梵語儘管非常古老，構造卻精妙絕倫：比希臘語還完美。")
    assert tokens and all(token not in {"，", "：", "。"} for token in tokens)


@pytest.mark.parametrize("name", ["drcd", "cmrc2018"])
def test_stock_pipeline_finds_most_sample_passages_first(name: str) -> None:
    data = load_benchmark(name, FIXTURES)
    result = run_benchmark(data, "stock", stock_ranker, progress=False)
    assert result.questions == 60
    assert result.scores["R@1"] <= result.scores["R@5"] <= 1.0
    assert result.scores["R@1"] >= 0.8
