"""The abstention threshold (`min_score`) from the top-1 score distribution on the dev set.

The rule in `retrieval/answer.py` answers only when every condition holds, so abstaining at threshold t is
"abstained with min_score=0 (the other conditions failed) or top-1 score < t". One run with min_score=0
therefore gives the whole precision/recall curve without re-asking any question.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from evaluation.metrics import JudgedQuestion, abstention_metrics
from retrieval.retriever import Retriever


@dataclass(frozen=True)
class ThresholdPoint:
    threshold: float
    precision: float
    recall: float
    f1: float
    answerable_abstained: float  # share of answerable questions wrongly abstained on
    answerable_hit3: float  # share of answerable questions answered with the evidence in the top 3


def without_score_threshold(retriever: Retriever) -> Retriever:
    """The same index with `min_score` = 0, so only the other abstention conditions apply."""
    settings = dataclasses.replace(retriever.settings, min_score=0.0)
    return Retriever(
        dataclasses.replace(retriever.index, settings=settings), retriever.corpus_dir, retriever.semantic
    )


def sweep(unthresholded: Sequence[JudgedQuestion], thresholds: Sequence[float]) -> list[ThresholdPoint]:
    """Abstention quality at each candidate `min_score`, from one min_score=0 run."""
    points = []
    answerable = [q for q in unthresholded if q.answerable]
    for t in thresholds:
        at_t = [dataclasses.replace(q, abstained=q.abstained or q.top_score < t) for q in unthresholded]
        m = abstention_metrics(at_t)
        wrongly = sum(q.abstained for q in at_t if q.answerable)
        good = sum(1 for q in at_t if q.answerable and not q.abstained and (q.first_relevant_rank or 99) <= 3)
        n = max(len(answerable), 1)
        points.append(ThresholdPoint(t, m.precision, m.recall, m.f1, wrongly / n, good / n))
    return points


def candidate_thresholds(judged: Sequence[JudgedQuestion], step: float = 0.5) -> list[float]:
    """0, step, 2·step … up to just above the largest top-1 score."""
    top = max((q.top_score for q in judged), default=0.0)
    return [round(i * step, 3) for i in range(int(top / step) + 2)]


def best_threshold(points: Sequence[ThresholdPoint]) -> ThresholdPoint:
    """Highest F1 of abstaining plus answered-and-correct share (both matter to a user).

    On ties the highest threshold wins: the score floor then guards against weak matches at no cost here.
    """
    return max(points, key=lambda p: (round(p.f1 + p.answerable_hit3, 6), p.threshold))
