"""The reference backend: rank_bm25 itself (slow: scores every document in Python per query term)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25, BM25L, BM25Okapi, BM25Plus

from retrieval.errors import CorpusError
from retrieval.index.backends.base import FloatArray, IntArray, Variant, Weights, check_weights, select_top_k


class RankBM25Backend:
    """Wraps rank_bm25.BM25Okapi / BM25L / BM25Plus; the semantics every other backend must reproduce."""

    name = "rank-bm25"

    def __init__(self, *, variant: Variant, k1: float, b: float, epsilon: float, delta: float) -> None:
        self.variant: Variant = variant
        self.k1, self.b, self.epsilon, self.delta = k1, b, epsilon, delta
        self._bm25: BM25 | None = None
        self._size = 0

    def build(self, corpus_tokens: Sequence[Sequence[str]]) -> None:
        docs = [list(tokens) for tokens in corpus_tokens]
        if not docs:
            raise CorpusError("cannot index an empty corpus")
        self._size, self._bm25 = len(docs), None
        if not any(docs):  # rank_bm25 divides by zero when every document is empty; nothing can match
            return
        if self.variant == "okapi":
            self._bm25 = BM25Okapi(docs, k1=self.k1, b=self.b, epsilon=self.epsilon)
        elif self.variant == "l":
            self._bm25 = BM25L(docs, k1=self.k1, b=self.b, delta=self.delta)
        else:
            self._bm25 = BM25Plus(docs, k1=self.k1, b=self.b, delta=self.delta)

    def scores(self, query_tokens: Sequence[str], query_weights: Weights = None) -> FloatArray:
        check_weights(query_tokens, query_weights)
        if self._bm25 is None:
            return np.zeros(self._size)
        if query_weights is None:
            return np.asarray(self._bm25.get_scores(list(query_tokens)), dtype=np.float64)
        # rank_bm25's running sum, one token at a time, each contribution scaled by its weight
        total = np.zeros(self._size)
        for token, weight in zip(query_tokens, query_weights, strict=True):
            total += weight * np.asarray(self._bm25.get_scores([token]), dtype=np.float64)
        return total

    def top_k(
        self, query_tokens: Sequence[str], k: int, query_weights: Weights = None
    ) -> list[tuple[int, float]]:
        check_weights(query_tokens, query_weights)
        bm25 = self._bm25
        if bm25 is None or k <= 0:
            return []
        wanted = set(query_tokens)
        candidates: IntArray = np.array(
            [i for i, freqs in enumerate(bm25.doc_freqs) if not wanted.isdisjoint(freqs)], dtype=np.int64
        )
        if len(candidates) == 0:
            return []
        return select_top_k(self.scores(query_tokens, query_weights), candidates, k)
