"""The confidence thresholds' trade-off curve, from one dev-set run.

Ranking does not depend on the thresholds, so every question's signals (coverage, known share, top score,
top cosine) recorded once are re-graded with `retrieval.confidence.grade` for each candidate
(min_known_share, min_coverage) — and each semantic_rescue when the semantic signal is on — without
re-asking anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from evaluation.metrics import JudgedQuestion
from retrieval.chunk.markers import QUANTITY_QUESTION
from retrieval.confidence import Signals, grade
from retrieval.normalize import fold_for_matching
from retrieval.settings import RetrieverSettings

KNOWN_SHARES = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
COVERAGES = (0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
RESCUES = (0.84, 0.86, 0.88, 0.9, 0.92, 1.01)  # 1.01: rescue off


@dataclass(frozen=True)
class ConfidencePoint:
    min_known_share: float
    min_coverage: float
    semantic_rescue: float
    answerable_refused: int  # answerable graded none: the visible failure
    answerable_high_hit3: int  # answerable, high, evidence in the top 3
    answerable_low: int
    unanswerable_none: int
    topic_high: int  # unanswerable questions that do not ask for a (redacted) number, graded high


def asks_number(question: str) -> bool:
    """多少/几/第几 … questions: the unanswerable ones ask for a figure the source redacted."""
    return bool(QUANTITY_QUESTION.search(fold_for_matching(question)))


def regrade(q: JudgedQuestion, settings: RetrieverSettings) -> str:
    if not q.ranking:
        return "none"
    return grade(Signals(q.coverage, q.known, q.top_score, q.cosine, q.missing_figure), settings)


def confidence_sweep(judged: Sequence[JudgedQuestion], base: RetrieverSettings) -> list[ConfidencePoint]:
    """One point per threshold combination (rescues only when the run recorded cosines)."""
    rescues = RESCUES if any(q.cosine is not None for q in judged) else (base.semantic_rescue,)
    points = []
    for known in KNOWN_SHARES:
        for coverage in COVERAGES:
            for rescue in rescues:
                settings = dataclasses.replace(
                    base, min_known_share=known, min_coverage=coverage, semantic_rescue=rescue
                )
                points.append(point(judged, settings))
    return points


def point(judged: Sequence[JudgedQuestion], settings: RetrieverSettings) -> ConfidencePoint:
    grades = [(q, regrade(q, settings)) for q in judged]
    answerable = [(q, g) for q, g in grades if q.answerable]
    unanswerable = [(q, g) for q, g in grades if not q.answerable]
    return ConfidencePoint(
        min_known_share=settings.min_known_share,
        min_coverage=settings.min_coverage,
        semantic_rescue=settings.semantic_rescue,
        answerable_refused=sum(g == "none" for _, g in answerable),
        answerable_high_hit3=sum(g == "high" and (q.first_relevant_rank or 99) <= 3 for q, g in answerable),
        answerable_low=sum(g == "low" for _, g in answerable),
        unanswerable_none=sum(g == "none" for _, g in unanswerable),
        topic_high=sum(g == "high" and not asks_number(q.question) for q, g in unanswerable),
    )


def confidence_markdown(
    points: Sequence[ConfidencePoint],
    settings: RetrieverSettings,
    format_table: Callable[[Sequence[dict[str, Any]]], str],
) -> str:
    """The report.md section: the trade-off table, the configured point in bold."""
    several_rescues = len({p.semantic_rescue for p in points}) > 1
    rows = []
    for p in points:
        configured = (p.min_known_share, p.min_coverage) == (settings.min_known_share, settings.min_coverage)
        if several_rescues:
            configured = configured and p.semantic_rescue == settings.semantic_rescue
        row = dataclasses.asdict(p)
        row["min_known_share"] = f"**{p.min_known_share:g}**" if configured else f"{p.min_known_share:g}"
        rows.append(row)
    return (
        "Re-graded from this run's signals (retrieval/confidence.py): none below min_known_share, high at "
        "min_coverage and above, low between; counts of questions. answerable_refused = answerable graded "
        "none; topic_high = unanswerable questions that do not ask for a (redacted) number graded high "
        f"(must be 0). Configured: min_known_share {settings.min_known_share:g}, min_coverage "
        f"{settings.min_coverage:g}, semantic_rescue {settings.semantic_rescue:g} (bold).\n\n"
        + format_table(rows)
    )
