"""The confidence trade-off curve re-grades recorded signals: a hand-computed case."""

from __future__ import annotations

from evaluation.confidence_sweep import asks_number, confidence_sweep, point
from evaluation.metrics import JudgedQuestion
from retrieval.settings import RetrieverSettings
from tests.fixtures.judged import judged_question


def judged(
    qid: str, relevant: str, coverage: float, known: float, cosine: float | None = None
) -> JudgedQuestion:
    return judged_question(qid, relevant, coverage=coverage, known=known, cosine=cosine)


CASES = (
    judged("a1", "a", 0.9, 1.0),  # high at every grid point
    judged("a2", "b", 0.42, 0.8),  # high at min_coverage 0.4, low at 0.45
    judged("a3", "a", 0.2, 0.37, cosine=0.9),  # none at known 0.4 unless rescued
    judged("u1", "", 0.35, 1.0),  # off-topic-sounding: low from min_coverage 0.4
    judged("u2", "", 0.1, 0.1, cosine=0.8),
)


def test_point_by_hand() -> None:
    base = RetrieverSettings(min_known_share=0.4, min_coverage=0.4, semantic_rescue=1.01)
    p = point(CASES, base)
    assert (p.answerable_refused, p.answerable_high_hit3, p.answerable_low) == (1, 2, 0)
    assert (p.unanswerable_none, p.topic_high) == (1, 0)
    rescued = point(CASES, RetrieverSettings(min_known_share=0.4, min_coverage=0.45, semantic_rescue=0.88))
    assert (rescued.answerable_refused, rescued.answerable_high_hit3, rescued.answerable_low) == (0, 1, 2)
    loose = point(CASES, RetrieverSettings(min_known_share=0.3, min_coverage=0.3, semantic_rescue=1.01))
    assert loose.topic_high == 1 and loose.answerable_refused == 0


def test_sweep_covers_the_grid_and_rescues_only_with_cosines() -> None:
    with_cosines = confidence_sweep(CASES, RetrieverSettings())
    without = confidence_sweep(CASES[:2], RetrieverSettings())
    assert len(with_cosines) == 6 * len(without)
    assert {p.semantic_rescue for p in without} == {RetrieverSettings().semantic_rescue}


def test_number_questions_are_told_apart() -> None:
    assert asks_number("全年罚款总额是多少万元?") and asks_number("第几督察组")
    assert not asks_number("世界杯决赛是哪一天?")
