"""The scoring-backend interface: rank-bm25's `get_scores` semantics, plus top-k over matching documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

Variant = Literal["okapi", "l", "plus"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Weights = Sequence[float] | None  # per query token; None = every token weighs 1 (plain rank_bm25)

# rank-bm25's defaults for the free parameter of BM25L and BM25+.
DEFAULT_DELTA: dict[Variant, float] = {"okapi": 0.0, "l": 0.5, "plus": 1.0}


class Backend(Protocol):
    """A BM25 index over token lists; scores equal rank_bm25's for the same tokens and parameters."""

    name: str

    def build(self, corpus_tokens: Sequence[Sequence[str]]) -> None:
        """Index the documents (one token list each); replaces any previous index."""
        ...

    def scores(self, query_tokens: Sequence[str], query_weights: Weights = None) -> FloatArray:
        """One score per document; query tokens count with multiplicity, unknown tokens add nothing.

        With `query_weights` (one positive float per token) the score is the weighted sum of the tokens' BM25
        contributions, added in query order; without, exactly rank_bm25's `get_scores`.
        """
        ...

    def top_k(
        self, query_tokens: Sequence[str], k: int, query_weights: Weights = None
    ) -> list[tuple[int, float]]:
        """Up to k (document index, score) among documents holding a query token, best first."""
        ...


def check_weights(query_tokens: Sequence[str], weights: Weights) -> None:
    """Weights must pair up with the tokens and be positive (a zero or negative weight is a caller bug)."""
    if weights is None:
        return
    if len(weights) != len(query_tokens) or not all(w > 0 for w in weights):
        raise ValueError("query weights: one positive weight per query token")


def select_top_k(scores: FloatArray, candidates: IntArray, k: int) -> list[tuple[int, float]]:
    """Best k of `candidates` (ascending document indices) by score descending, then index ascending.

    argpartition finds the k-th best score without sorting everything; candidates tied with it are
    taken in index order so the result does not depend on the partition's arbitrary tie order.
    """
    if k <= 0 or len(candidates) == 0:
        return []
    cand_scores = scores[candidates]
    if k < len(candidates):
        kth = np.partition(cand_scores, len(cand_scores) - k)[len(cand_scores) - k]
        above = candidates[cand_scores > kth]
        tied = candidates[cand_scores == kth][: k - len(above)]
        chosen = np.concatenate([above, tied])
    else:
        chosen = candidates
    chosen_scores = scores[chosen]
    order = np.lexsort((chosen, -chosen_scores))
    return [(int(chosen[i]), float(chosen_scores[i])) for i in order]
