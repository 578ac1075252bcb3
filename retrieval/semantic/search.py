"""Dense retrieval over the chunks and its weighted reciprocal-rank fusion with the lexical run.

Both sides are folded to simplified script (and NFKC) before embedding: e5 places a traditional question
far from the same words in simplified text. Plain RRF (k = 60) let dense-only hits push exact-word answers
off the top; a small k with the lexical run weighted above the dense one keeps lexical #1 first on direct
questions while dense hits still fill the list (measured: docs/evaluation.md).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from retrieval.normalize import fold_for_matching
from retrieval.semantic.embedder import Embedder, Vectors
from retrieval.settings import RetrieverSettings

# Question vectors kept per process (384 float32 = 1.5 KB each): ask, rank and signals on one question, a
# repeated question and a follow-up's rewrite embed once (an embedding costs ~10-30 ms, a lookup ~1 us)
RECENT_QUERIES = 512


class SemanticIndex:
    """Chunk vectors (rows in chunk order) and the embedder that made them, for query-time search."""

    def __init__(self, embedder: Embedder, vectors: Vectors) -> None:
        self.embedder = embedder
        self.vectors = vectors
        self._recent: OrderedDict[str, Vectors] = OrderedDict()  # LRU keyed by the folded question
        self._recent_lock = threading.Lock()  # bot worker threads share one index

    def query_vector(self, question: str) -> Vectors:
        """The question's vector, folded like the passages (idempotent on an already folded question).

        Surrounding whitespace is dropped: `ask` strips the question and `rank` does not, and a chat's
        conversation path calls both on one message, which must embed once.
        """
        folded = fold_for_matching(question).strip()
        with self._recent_lock:
            vector = self._recent.get(folded)
            if vector is not None:
                self._recent.move_to_end(folded)
                return vector
        vector = self.embedder.embed_query(folded)  # outside the lock: embedding is the slow part
        vector.setflags(write=False)  # shared by every later caller: nobody may change it in place
        with self._recent_lock:
            self._recent[folded] = vector
            while len(self._recent) > RECENT_QUERIES:
                self._recent.popitem(last=False)
        return vector

    def fuse(
        self, lexical: Sequence[tuple[int, float]], folded_question: str, k: int, settings: RetrieverSettings
    ) -> tuple[list[tuple[int, float]], float | None]:
        """The lexical run fused with the dense one: k (chunk position, lexical score) and the top cosine.

        A chunk only the dense run found keeps score 0, so the BM25 score floor keeps its meaning.
        """
        dense = self.top_k(folded_question, max(k, settings.fusion_depth))
        fused = weighted_rrf(
            [i for i, _ in lexical],
            [i for i, _ in dense],
            settings.semantic_rrf_k,
            settings.semantic_lexical_weight,
        )
        scores = dict(lexical)
        return [(i, scores.get(i, 0.0)) for i, _ in fused[:k]], (dense[0][1] if dense else None)

    def top_k(self, folded_question: str, k: int) -> list[tuple[int, float]]:
        """(chunk position, cosine) of the k most similar chunks, best first; ties in chunk order."""
        if k <= 0 or len(self.vectors) == 0:
            return []
        cosines = self.vectors @ self.query_vector(folded_question)
        candidates = np.arange(len(cosines))
        if k < len(cosines):  # a full sort of 100k cosines costs ~10 ms; keep the k best and every tie
            kth = np.partition(cosines, len(cosines) - k)[len(cosines) - k]
            candidates = np.flatnonzero(cosines >= kth)
        order = candidates[np.lexsort((candidates, -cosines[candidates]))][:k]
        return [(int(i), float(cosines[i])) for i in order]


def passage_text(chunk_text: str) -> str:
    """What a chunk is embedded as: its text folded like questions (t2s, NFKC)."""
    return fold_for_matching(chunk_text)


def weighted_rrf(
    lexical: Sequence[int], dense: Sequence[int], rrf_k: int, lexical_weight: float
) -> list[tuple[int, float]]:
    """(item, w / (k + lexical rank) + (1 - w) / (k + dense rank)), best first; ties keep item order."""
    fused: dict[int, float] = {}
    for weight, run in ((lexical_weight, lexical), (1.0 - lexical_weight, dense)):
        for rank, item in enumerate(run, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (rrf_k + rank)
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))
