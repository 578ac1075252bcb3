"""Metrics against small cases computed by hand."""

from __future__ import annotations

import math

import pytest

from evaluation.metrics import OVERALL, JudgedQuestion, abstention_metrics, summarize


def judged(
    qid: str, kind: str, ranking: str, relevant: str, *, shown: bool = False, abstained: bool = False
) -> JudgedQuestion:
    return JudgedQuestion(
        qid=qid,
        kind=kind,
        question=f"question {qid}",
        ranking=tuple(ranking),
        relevant=frozenset(relevant),
        shown=shown,
        abstained=abstained,
        top_score=1.0 if ranking else 0.0,
        top_citation=f"cite {ranking[:1]}",
    )


CASES = (
    judged("q1", "direct", "bac", "ac", shown=True),  # first relevant at rank 2, two relevant
    judged("q2", "direct", "x", "x", shown=True),  # perfect
    judged("q3", "paraphrase", "yzwvu", "u"),  # relevant at rank 5
    judged("q4", "paraphrase", "", "r", abstained=True),  # nothing retrieved, wrongly abstained
    judged("u1", "unanswerable", "pq", "", abstained=True),
    judged("u2", "unanswerable", "pq", ""),  # answered though the corpus does not answer it
)


def test_rank_metrics_per_kind_match_hand_computation() -> None:
    groups = summarize(CASES).groups
    direct, paraphrase = groups["direct"].scores, groups["paraphrase"].scores
    ndcg_q1 = (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert direct["hit@1"] == pytest.approx(0.5)
    assert direct["hit@3"] == pytest.approx(1.0)
    assert direct["mrr@10"] == pytest.approx((0.5 + 1.0) / 2)
    assert direct["ndcg@10"] == pytest.approx((ndcg_q1 + 1.0) / 2)
    assert direct["shown"] == pytest.approx(1.0)
    assert paraphrase["hit@3"] == pytest.approx(0.0)
    assert paraphrase["hit@5"] == pytest.approx(0.5)
    assert paraphrase["mrr@10"] == pytest.approx(0.2 / 2)
    assert paraphrase["ndcg@10"] == pytest.approx((1 / math.log2(6)) / 2)
    assert paraphrase["abstained"] == pytest.approx(0.5)


def test_overall_covers_answerable_questions_only() -> None:
    overall = summarize(CASES).groups[OVERALL]
    assert overall.n == 4
    assert overall.scores["hit@1"] == pytest.approx(1 / 4)
    assert overall.scores["hit@5"] == pytest.approx(3 / 4)
    assert overall.scores["shown"] == pytest.approx(2 / 4)
    unanswerable = summarize(CASES).groups["unanswerable"]
    assert unanswerable.n == 2 and "hit@1" not in unanswerable.scores
    assert unanswerable.scores["abstained"] == pytest.approx(0.5)


def test_abstention_positive_class_is_should_abstain() -> None:
    result = abstention_metrics(CASES)
    assert (result.true_positive, result.false_positive, result.false_negative) == (1, 1, 1)
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(0.5)
    assert result.f1 == pytest.approx(0.5)


def test_abstention_with_no_abstentions_scores_zero() -> None:
    result = abstention_metrics([judged("u", "unanswerable", "a", "")])
    assert (result.precision, result.recall, result.f1) == (0.0, 0.0, 0.0)


def test_misses_list_rank_and_citation() -> None:
    misses = {m.qid: m for m in summarize(CASES).misses}
    assert set(misses) == {"q3", "q4", "u2"}
    assert misses["q3"].rank == 5
    assert misses["q3"].top_citation == "cite y"
    assert misses["q4"].rank is None and misses["q4"].abstained
    assert not misses["u2"].abstained
