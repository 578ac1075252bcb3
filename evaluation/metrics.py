"""Dev-set metrics: ranking quality through ir-measures, plus shown@3 and abstention, per kind and overall.

Rank metrics are computed on answerable questions only (an unanswerable question has no relevant chunk);
abstention is scored with "should abstain" as the positive class.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ir_measures
from ir_measures import RR, Success, nDCG

OVERALL = "overall"
CONFIDENCE_LEVELS = ("high", "low", "none")
UNANSWERABLE = "unanswerable"
RANK_MEASURES = {
    "hit@1": Success @ 1,
    "hit@3": Success @ 3,
    "hit@5": Success @ 5,
    "mrr@10": RR @ 10,
    "ndcg@10": nDCG @ 10,
}


@dataclass(frozen=True)
class JudgedQuestion:
    """One question's outcome, already judged against its evidence strings."""

    qid: str
    kind: str
    question: str
    ranking: tuple[str, ...]  # retrieved chunk ids, best first
    relevant: frozenset[str]  # every chunk id in the corpus that contains an evidence string
    shown: bool  # an excerpt the user sees in the top 3 contains an evidence string
    abstained: bool
    top_score: float  # 0.0 when nothing was retrieved
    top_citation: str
    confidence: str = "high"  # "high" | "low" | "none" (abstained == confidence is "none")
    coverage: float = 0.0  # the confidence signals (retrieval/confidence.py); 0 when nothing was retrieved
    known: float = 0.0
    cosine: float | None = None  # top cosine when the semantic signal is on
    missing_figure: bool = False

    @property
    def answerable(self) -> bool:
        return bool(self.relevant)

    @property
    def first_relevant_rank(self) -> int | None:
        return next((i for i, cid in enumerate(self.ranking, start=1) if cid in self.relevant), None)


@dataclass(frozen=True)
class GroupMetrics:
    """Averages over one group of questions (a kind, or all answerable questions)."""

    n: int
    scores: dict[str, float]  # hit@1 … ndcg@10, shown@3, abstained (share of questions abstained on)


@dataclass(frozen=True)
class AbstentionMetrics:
    precision: float
    recall: float
    f1: float
    true_positive: int
    false_positive: int
    false_negative: int


@dataclass(frozen=True)
class Miss:
    qid: str
    kind: str
    question: str
    rank: int | None  # rank of the first relevant chunk within the retrieved list, None if absent
    top_citation: str
    abstained: bool


@dataclass(frozen=True)
class Summary:
    groups: dict[str, GroupMetrics]  # per kind, and OVERALL over answerable questions
    abstention: AbstentionMetrics
    misses: tuple[Miss, ...]  # answerable not in the top 3, and unanswerable that were answered


def rank_scores(questions: Sequence[JudgedQuestion]) -> dict[str, dict[str, float]]:
    """Per-question rank metrics from ir-measures, keyed by measure name then qid."""
    qrels = [ir_measures.Qrel(q.qid, cid, 1) for q in questions for cid in sorted(q.relevant)]
    # Scores fall strictly with rank so that ir-measures keeps our order (it sorts by score).
    run = [
        ir_measures.ScoredDoc(q.qid, cid, float(len(q.ranking) - i))
        for q in questions
        for i, cid in enumerate(q.ranking)
    ]
    by_measure = {name: dict.fromkeys((q.qid for q in questions), 0.0) for name in RANK_MEASURES}
    names = {measure: name for name, measure in RANK_MEASURES.items()}
    if qrels:
        for metric in ir_measures.iter_calc(list(RANK_MEASURES.values()), qrels, run):
            by_measure[names[metric.measure]][metric.query_id] = float(metric.value)
    return by_measure


def abstention_metrics(questions: Iterable[JudgedQuestion]) -> AbstentionMetrics:
    """Precision/recall/F1 of abstaining, the positive class being "the corpus does not answer this"."""
    tp = fp = fn = 0
    for q in questions:
        should = not q.answerable
        tp += should and q.abstained
        fp += (not should) and q.abstained
        fn += should and not q.abstained
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return AbstentionMetrics(precision, recall, f1, tp, fp, fn)


def summarize(questions: Sequence[JudgedQuestion]) -> Summary:
    """All dev-set numbers for one configuration."""
    answerable = [q for q in questions if q.answerable]
    per_question = rank_scores(answerable)
    groups: dict[str, GroupMetrics] = {}
    kinds = sorted({q.kind for q in questions}, key=lambda k: (k == UNANSWERABLE, k))
    for kind in kinds:
        members = [q for q in questions if q.kind == kind]
        groups[kind] = _group(members, per_question)
    groups[OVERALL] = _group(answerable, per_question)
    return Summary(groups=groups, abstention=abstention_metrics(questions), misses=_misses(questions))


def _group(members: Sequence[JudgedQuestion], per_question: dict[str, dict[str, float]]) -> GroupMetrics:
    n = len(members)
    scores = {"abstained": _mean(q.abstained for q in members)}
    scores |= {level: _mean(q.confidence == level for q in members) for level in CONFIDENCE_LEVELS}
    answerable = [q for q in members if q.answerable]
    if answerable:
        for name in RANK_MEASURES:
            scores[name] = _mean(per_question[name][q.qid] for q in answerable)
        scores["shown"] = _mean(q.shown for q in answerable)
    return GroupMetrics(n=n, scores=scores)


def _misses(questions: Iterable[JudgedQuestion]) -> tuple[Miss, ...]:
    misses = []
    for q in questions:
        rank = q.first_relevant_rank
        missed = (rank is None or rank > 3) if q.answerable else not q.abstained
        if missed:
            misses.append(Miss(q.qid, q.kind, q.question, rank, q.top_citation, q.abstained))
    return tuple(misses)


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0
