"""How sure an answer is: high, low (tentative) or none (not covered) — the documented rule.

Signals, all shares in [0, 1] (comparable across corpus sizes) except the score:
  coverage — the idf-weighted share of the question's terms that occur (as text) in the top chunk;
  known    — the idf-weighted share of the question's terms the corpus knows at all (`Index.is_known`);
  score    — the top chunk's BM25 score;
  cosine   — the top chunk's cosine similarity to the question, when the optional semantic signal is on;
  missing_figure — the question asks for a quantity (多少, 几, 第几, 比例 …) and no sentence of the top
             chunk holding a question term has a digit: 经济增长了多少 matched by a passage on 经济增长点.
A question term that is part of a colloquial phrase from the lexicon (罚钱, 冒黑烟) counts as present or
known when one of its official equivalents (罚款, 尾气 …) is. Terms absent from the corpus carry the largest
idf, so one unknown key word (北京, 护照, 世界杯) weighs most.

Rule (thresholds in `RetrieverSettings`, chosen with `qabot eval`, docs/evaluation.md):
  none — no term or no hit, or known < `min_known_share`: the question's key words are not corpus
         vocabulary (天气 in 明天北京天气, 护照, 世界杯) — unless the semantic signal is on and the top
         cosine ≥ `semantic_rescue`, which makes it low;
  high — known ≥ `min_known_share`, coverage ≥ `min_coverage`, score ≥ `min_score` (today's answer)
         and not missing_figure;
  low  — otherwise: the words are the corpus's, but the top chunk covers them weakly. The closest passages
         are shown, still cited, under "可能相关（未必直接回答）".
Text containment (not token identity) keeps segmentation quirks ("排" in the question, "排名" in the
speech) from sinking real questions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.chunk.markers import QUANTITY_QUESTION, SENTENCE
from retrieval.index import Index, index_text
from retrieval.index.expansion import Query
from retrieval.settings import RetrieverSettings
from retrieval.types import Confidence


@dataclass(frozen=True)
class Signals:
    coverage: float
    known: float
    score: float
    cosine: float | None = None  # None: semantic signal off
    missing_figure: bool = False


def weighted_share(terms: Sequence[str], present: Callable[[str], bool], index: Index) -> float:
    """idf-weighted fraction of `terms` for which `present` holds (0.0 for no terms)."""
    total = sum(index.idf(t) for t in terms)
    return sum(index.idf(t) for t in terms if present(t)) / total if total else 0.0


def measure(query: Query, top: tuple[int, float], index: Index, cosine: float | None = None) -> Signals:
    """The signals of the top hit `top` = (chunk position, score) for `query`."""
    position, score = top
    top_text = index_text(index.chunks[position], index.settings)

    def in_top(term: str) -> bool:
        return term in top_text or any(o in top_text for o in query.equivalents(term))

    def known(term: str) -> bool:
        return index.is_known(term) or any(index.is_known(o) for o in query.equivalents(term))

    return Signals(
        coverage=weighted_share(query.terms, in_top, index),
        known=weighted_share(query.terms, known, index),
        score=score,
        cosine=cosine,
        missing_figure=bool(QUANTITY_QUESTION.search(query.folded)) and not states_figure(top_text, query),
    )


def states_figure(text: str, query: Query) -> bool:
    """Whether a sentence of `text` that holds a question term states a figure (has a digit)."""
    for sentence in SENTENCE.finditer(text):
        words = sentence.group()
        if any(c.isdigit() for c in words) and any(t in words for t in query.all_terms):
            return True
    return False


def grade(signals: Signals | None, settings: RetrieverSettings) -> Confidence:
    """The documented rule (module docstring); `signals` None means nothing was retrieved."""
    if signals is None:
        return "none"
    if signals.known < settings.min_known_share:
        rescued = signals.cosine is not None and signals.cosine >= settings.semantic_rescue
        return "low" if rescued else "none"
    covered = signals.coverage >= settings.min_coverage and signals.score >= settings.min_score
    if covered and not signals.missing_figure:
        return "high"
    return "low"
