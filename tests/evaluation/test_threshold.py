"""The min_score sweep against a hand-computed case."""

from __future__ import annotations

import pytest

from evaluation.metrics import JudgedQuestion
from evaluation.threshold import best_threshold, candidate_thresholds, sweep
from tests.fixtures.judged import judged_question


def judged(qid: str, relevant: str, score: float, abstained: bool = False) -> JudgedQuestion:
    return judged_question(qid, relevant, top_score=score, abstained=abstained)


CASES = (
    judged("a1", "a", 9.0),  # answerable, evidence at rank 1
    judged("a2", "b", 5.0),  # answerable, evidence at rank 2
    judged("a3", "a", 2.0, abstained=True),  # the other conditions already abstain
    judged("u1", "", 3.0),
    judged("u2", "", 6.0),
)


def test_sweep_by_hand() -> None:
    at_0, at_4, at_7 = sweep(CASES, [0.0, 4.0, 7.0])
    # t=0: abstain only a3 → TP 0, FP 1, FN 2
    assert (at_0.precision, at_0.recall) == (0.0, 0.0)
    assert at_0.answerable_abstained == pytest.approx(1 / 3)
    # t=4: abstain a3, u1 → TP 1, FP 1, FN 1
    assert (at_4.precision, at_4.recall, at_4.f1) == pytest.approx((0.5, 0.5, 0.5))
    assert at_4.answerable_hit3 == pytest.approx(2 / 3)
    # t=7: abstain a2, a3, u1, u2 → TP 2, FP 2, FN 0
    assert (at_7.precision, at_7.recall) == pytest.approx((0.5, 1.0))
    assert at_7.answerable_hit3 == pytest.approx(1 / 3)


def test_best_threshold_balances_abstention_and_answers() -> None:
    points = sweep(CASES, [0.0, 4.0, 7.0])
    # scores: f1 + hit3 → 0 + 2/3, 0.5 + 2/3, 0.667 + 1/3
    assert best_threshold(points).threshold == 4.0


def test_best_threshold_prefers_the_higher_of_equal_points() -> None:
    points = sweep(CASES, [3.5, 4.0, 5.0])  # 3.5 … 5.0 abstain on the same questions
    assert best_threshold(points).threshold == 5.0


def test_candidates_cover_the_largest_score() -> None:
    candidates = candidate_thresholds(CASES, step=2.0)
    assert candidates[0] == 0.0 and candidates[-1] > 9.0
