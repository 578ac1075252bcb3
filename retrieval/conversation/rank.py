"""Ranking a follow-up: the follow-up's own terms lead, the earlier topic disambiguates, and the speech (and
section) the earlier answer came from is preferred.

    score(c) = (own(c) + FILLER_WEIGHT · filler(c) + TOPIC_WEIGHT · topic(c)) / best such sum
               + SAME_DOC_BONUS · [same speech as the earlier answer]
               + SAME_SECTION_BONUS · [… and the same top-level section]
               + PARALLEL_BONUS · [… or the matching item of another part: other top-level section, same
                                   item marker — (五) of 一、 problems ↔ (五) of 三、 remedies]

own/filler/topic are BM25 scores of three term sets: the follow-up's terms that carry content (整改, 2025 —
generic only by document frequency), its follow-up words (具体, 措施, 要求: they say what kind of passage is
wanted, so they only tip the balance) and the earlier topic's terms. A follow-up with no terms of its own
ranks by the topic alone. Plain concatenation of the two questions gives the earlier topic's rare terms full
weight and pulls back the passage already shown; here the new question keeps the lead and "那怎么整改" is
read inside the speech that listed the problem. Bonuses only reorder chunks that match some term.
Weights chosen with the follow-up cases of `qabot eval` (docs/evaluation.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from retrieval.chunk.markers import ENUMERATION_PATTERNS, HEADING_PATTERNS
from retrieval.conversation.rule import followup_words
from retrieval.conversation.turns import Turn
from retrieval.index import Index, Positions, walk_positions
from retrieval.index.backends.base import select_top_k
from retrieval.normalize import fold_for_matching

FILLER_WEIGHT = 0.3
TOPIC_WEIGHT = 0.5
SAME_DOC_BONUS = 0.4
SAME_SECTION_BONUS = 0.1
PARALLEL_BONUS = 0.3

_MARKERS = (*HEADING_PATTERNS, *ENUMERATION_PATTERNS)


def item_marker(section: Sequence[str]) -> str:
    """Level and ordinal of the deepest numbered item in a section path ("2:(五)", "5:三是"), or ""."""
    for label in reversed(section):
        folded = fold_for_matching(label)
        for level, pattern in _MARKERS:
            match = pattern.match(folded)
            if match:
                return f"{level}:{match.group()}"
    return ""


def _bm25(index: Index, terms: Sequence[str]) -> npt.NDArray[np.float64]:
    if not terms:
        return np.zeros(len(index.chunks))
    return np.asarray(index.backend.scores(list(terms)), dtype=np.float64)


def rank_followup(
    index: Index, own: Sequence[str], topic: Sequence[str], earlier: Turn, depth: int
) -> list[tuple[int, float]]:
    """Up to `depth` (chunk position, BM25 score of own + topic terms), best first by the combined score."""
    words = followup_words()
    content = [t for t in own if t not in words]
    filler = [t for t in own if t in words]
    weighted = (
        _bm25(index, content) + FILLER_WEIGHT * _bm25(index, filler) + TOPIC_WEIGHT * _bm25(index, topic)
    )
    best = float(weighted.max()) if len(weighted) else 0.0
    if best <= 0:
        return []
    combined = weighted / best
    matching = weighted > 0
    marker = item_marker(earlier.section)
    for position in positions(index).by_doc.get(earlier.doc_id, ()):
        if not matching[position]:
            continue
        section = index.chunks[position].section
        combined[position] += SAME_DOC_BONUS
        if section and section[:1] == earlier.section[:1]:
            combined[position] += SAME_SECTION_BONUS
        elif marker and item_marker(section) == marker:
            combined[position] += PARALLEL_BONUS
    # the best `depth` by combined score, ties in corpus order, without sorting every matching chunk
    order = select_top_k(combined, np.flatnonzero(matching), depth)
    bm25 = _bm25(index, [*own, *topic])
    return [(p, float(bm25[p])) for p, _ in order]


_positions_cache: list[tuple[Sequence[object], Positions]] = []


def positions(index: Index) -> Positions:
    """Chunk positions per document and per id: the index's own (shards: from metadata), else walked
    once per index (only the latest is kept)."""
    known = index.known_positions()
    if known is not None:
        return known
    if _positions_cache and _positions_cache[0][0] is index.chunks:
        return _positions_cache[0][1]
    found = walk_positions(index.chunks)
    _positions_cache[:] = [(index.chunks, found)]
    return found
