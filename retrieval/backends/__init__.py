# Interim reference-only backend: the backends package with the fast default replaces it.
from __future__ import annotations

from typing import Any

import numpy as np
from rank_bm25 import BM25Okapi

BACKEND_NAMES = ("rank-bm25", "sparse")


class _Ref:
    name = "rank-bm25"

    def __init__(self, k1: float, b: float, epsilon: float) -> None:
        self.k1, self.b, self.epsilon = k1, b, epsilon

    def build(self, corpus_tokens: Any) -> None:
        self.bm = BM25Okapi([list(t) for t in corpus_tokens], k1=self.k1, b=self.b, epsilon=self.epsilon)
        self.vocab = [set(t) for t in corpus_tokens]

    def scores(self, q: Any) -> Any:
        return np.asarray(self.bm.get_scores(list(q)))

    def top_k(self, q: Any, k: int) -> list[tuple[int, float]]:
        s = self.scores(q)
        qs = set(q)
        cand = [i for i, v in enumerate(self.vocab) if v & qs]
        cand.sort(key=lambda i: (-s[i], i))
        return [(i, float(s[i])) for i in cand[:k]]


def make_backend(
    name: str,
    *,
    variant: str = "okapi",
    k1: float = 1.5,
    b: float = 0.75,
    epsilon: float = 0.25,
    delta: float | None = None,
) -> Any:
    return _Ref(k1, b, epsilon)


Backend = Any
