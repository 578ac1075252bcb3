"""Xapian shards rank exactly as the in-memory sparse index: same chunks in the same order, same answers,
scores within 1e-6 — on the seed corpus (dev set), on benchmark passages and on a synthetic corpus."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from evaluation.synthetic import build_corpus, corpus_sentences, make_queries
from retrieval.errors import CorpusError
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings
from retrieval.types import Answer
from tests.xapian_servers import build_shards

pytest.importorskip("xapian")

ROOT = Path(__file__).resolve().parents[3]
DEV = ROOT / "corpus" / "eval" / "dev.jsonl"
BENCHMARKS = ROOT / "tests" / "fixtures" / "benchmarks"
SCORE_TOLERANCE = 1e-6


def dev_questions() -> list[str]:
    return [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line]


def assert_same_answer(expected: Answer, got: Answer) -> None:
    assert got.answered == expected.answered, expected.question
    assert got.message == expected.message
    assert [h.chunk for h in got.hits] == [h.chunk for h in expected.hits], expected.question
    assert [(h.excerpt, h.highlights, h.citation, h.warnings) for h in got.hits] == [
        (h.excerpt, h.highlights, h.citation, h.warnings) for h in expected.hits
    ]
    for a, b in zip(expected.hits, got.hits, strict=True):
        assert b.score == pytest.approx(a.score, abs=SCORE_TOLERANCE)


def assert_same_ranking(memory: Retriever, shards: Retriever, questions: Sequence[str], k: int) -> None:
    for question in questions:
        expected, got = memory.rank(question, k), shards.rank(question, k)
        assert [c.chunk_id for c, _ in got] == [c.chunk_id for c, _ in expected], question
        for (_, a), (_, b) in zip(expected, got, strict=True):
            assert b == pytest.approx(a, abs=SCORE_TOLERANCE)


@pytest.mark.parametrize("shard_count", [1, 2])
def test_dev_set_answers_equal_the_in_memory_index(
    retriever: Retriever, tmp_path: Path, shard_count: int
) -> None:
    settings = RetrieverSettings()
    assert settings.fuses_bigrams(len(retriever.chunks))  # the default ranking fuses: shards must too
    shards = Retriever.from_xapian(build_shards(tmp_path / "v1", retriever, settings, shard_count), settings)
    assert len(shards.chunks) == len(retriever.chunks)
    headers = [(d.doc_id, d.title, d.path, d.truncated) for d in retriever.documents]
    assert [(d.doc_id, d.title, d.path, d.truncated) for d in shards.documents] == headers
    assert shards.skipped == retriever.skipped
    for question in dev_questions():
        assert_same_answer(retriever.ask(question, k=5), shards.ask(question, k=5))


def benchmark_passages() -> tuple[list[tuple[str, str]], list[str]]:
    passages, questions = [], []
    for name in ("drcd_dev", "cmrc2018_dev"):
        rows = (BENCHMARKS / f"{name}.passages.jsonl").read_text(encoding="utf-8").splitlines()
        passages += [(r["pid"], r["text"]) for r in map(json.loads, rows)]
        rows = (BENCHMARKS / f"{name}.questions.jsonl").read_text(encoding="utf-8").splitlines()
        questions += [r["question"] for r in map(json.loads, rows)]
    return passages, questions


@pytest.mark.parametrize("fusion", ["auto", "none"])
def test_benchmark_passages_rank_identically(tmp_path: Path, fusion: str) -> None:
    passages, questions = benchmark_passages()
    settings = RetrieverSettings(fusion=fusion)
    memory = Retriever.from_passages(passages, settings)
    shards = Retriever.from_xapian(build_shards(tmp_path / "v1", memory, settings, 3), settings)
    assert_same_ranking(memory, shards, questions, k=10)
    for question in questions:
        assert_same_answer(memory.ask(question, k=3), shards.ask(question, k=3))


def synthetic(size: int) -> tuple[list[tuple[str, str]], list[str]]:
    sentences = corpus_sentences(ROOT / "corpus")
    corpus = build_corpus(sentences, [()] * len(sentences), size, seed=0)
    return corpus.passages(), make_queries(sentences, 300, seed=7)


def test_three_hundred_synthetic_queries_rank_identically(tmp_path: Path) -> None:
    """Synthetic chunks reuse sentences, so many scores tie exactly: the tie order must hold too."""
    passages, queries = synthetic(3000)
    settings = RetrieverSettings(fusion="none")
    memory = Retriever.from_passages(passages, settings)
    shards = Retriever.from_xapian(build_shards(tmp_path / "v1", memory, settings, 2), settings)
    assert_same_ranking(memory, shards, queries, k=10)
    assert_same_ranking(memory, shards, queries[:100], k=1)


def test_top_k_is_exact_where_xapians_pruning_drops_a_document(tmp_path: Path) -> None:
    """Xapian 1.4 prunes a top-10 document here unless checkatleast covers every document."""
    rows = (BENCHMARKS / "drcd_pruning.passages.jsonl").read_text(encoding="utf-8").splitlines()
    passages = [(r["pid"], r["text"]) for r in map(json.loads, rows)]
    settings = RetrieverSettings(fusion="none")
    memory = Retriever.from_passages(passages, settings)
    shards = Retriever.from_xapian(build_shards(tmp_path / "v1", memory, settings, 1), settings)
    terms = shards.question_terms("法國遠征軍的領導人是誰?")
    expected = memory.index.top_k(terms, 10)
    assert [i for i, _ in shards.index.top_k(terms, 10)] == [i for i, _ in expected]
    searcher = shards.index.backend
    searcher.exhaustive = False  # type: ignore[attr-defined]
    assert [i for i, _ in shards.index.top_k(terms, 10)] != [i for i, _ in expected]


def test_shards_listed_out_of_order_or_built_otherwise_are_refused(tmp_path: Path) -> None:
    passages, _ = benchmark_passages()
    settings = RetrieverSettings()
    memory = Retriever.from_passages(passages, settings)
    stub = build_shards(tmp_path / "v1", memory, settings, 2)
    swapped = tmp_path / "swapped.stub"
    swapped.write_text(f"auto {stub.parent}/shard-1\nauto {stub.parent}/shard-0\n")
    with pytest.raises(CorpusError, match="listed as 0/2"):
        Retriever.from_xapian(swapped, settings)
    with pytest.raises(CorpusError, match="tokenizer='search'"):
        Retriever.from_xapian(stub, RetrieverSettings(tokenizer="jieba"))
    with pytest.raises(CorpusError, match="no bigram run"):
        Retriever.from_xapian(
            build_shards(tmp_path / "v2", memory, RetrieverSettings(fusion="none"), 1), settings
        )
