"""The fast default backend: a precomputed term-major (CSC) matrix of per-document BM25 term weights.

Each posting stores the exact float64 contribution rank_bm25 would add for that (term, document), computed
with the same operations in the same order (and idf with math.log, as rank_bm25 does), so a query's score
is the sum of its terms' postings in query order: bit-for-bit rank_bm25's `get_scores`. A query costs
O(total postings of its terms + corpus size) in numpy instead of O(query terms × corpus size) in Python.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse

from retrieval.errors import CorpusError
from retrieval.index.backends.base import FloatArray, IntArray, Variant, Weights, check_weights, select_top_k


class SparseBackend:
    """BM25 (Okapi, L or Plus) with rank_bm25's semantics over a scipy CSC weight matrix."""

    name = "sparse"

    def __init__(self, *, variant: Variant, k1: float, b: float, epsilon: float, delta: float) -> None:
        self.variant: Variant = variant
        self.k1, self.b, self.epsilon, self.delta = k1, b, epsilon, delta
        self._size = 0
        self._vocab: dict[str, int] = {}
        self._idf: FloatArray = np.zeros(0)
        self._indptr: IntArray = np.zeros(1, dtype=np.int64)
        self._docs: np.ndarray = np.zeros(0, dtype=np.int32)  # document index of each posting
        self._weights: FloatArray = np.zeros(0)  # its full score contribution

    def build(self, corpus_tokens: Sequence[Sequence[str]]) -> None:
        size = len(corpus_tokens)
        if size == 0:
            raise CorpusError("cannot index an empty corpus")
        vocab: dict[str, int] = {}
        term_ids, term_freqs = array("i"), array("i")
        doc_len = np.zeros(size, dtype=np.int64)
        row_terms = np.zeros(size, dtype=np.int64)
        for i, doc in enumerate(corpus_tokens):
            counts = Counter(doc)
            if not counts.keys() <= vocab.keys():  # first-seen order, as rank_bm25's idf dict has it
                for term in counts:
                    vocab.setdefault(term, len(vocab))
            term_ids.extend(map(vocab.__getitem__, counts))
            term_freqs.extend(counts.values())
            doc_len[i] = len(doc)
            row_terms[i] = len(counts)
        self._size, self._vocab = size, vocab
        if not vocab:  # every document empty: nothing can ever match
            self._idf = np.zeros(0)
            self._indptr = np.zeros(1, dtype=np.int64)
            return
        ids = np.frombuffer(term_ids, dtype=np.int32)
        freqs = np.frombuffer(term_freqs, dtype=np.int32).astype(np.float64)
        self._idf = self._compute_idf(np.bincount(ids, minlength=len(vocab)), size)
        avgdl = int(doc_len.sum()) / size
        weights = self._weights_for(freqs, np.repeat(doc_len, row_terms), self._idf[ids], avgdl)
        del freqs
        indptr = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(row_terms, out=indptr[1:])
        by_term = scipy.sparse.csr_matrix((weights, ids, indptr), shape=(size, len(vocab))).tocsc()
        self._indptr = by_term.indptr.astype(np.int64)
        self._docs = by_term.indices.astype(np.int32, copy=False)
        self._weights = by_term.data

    def _compute_idf(self, doc_freq: IntArray, size: int) -> FloatArray:
        """Per-term idf exactly as rank_bm25 computes it (math.log, its summation order for the average)."""
        freqs = doc_freq.tolist()
        if self.variant == "l":
            return np.array([math.log(size + 1) - math.log(f + 0.5) for f in freqs])
        if self.variant == "plus":
            return np.array([math.log((size + 1) / f) for f in freqs])
        idf = [math.log(size - f + 0.5) - math.log(f + 0.5) for f in freqs]
        idf_sum = 0.0
        for value in idf:
            idf_sum += value
        floor = self.epsilon * (idf_sum / len(idf))  # Okapi: negative idf becomes epsilon × average idf
        return np.array([floor if value < 0 else value for value in idf])

    def _weights_for(self, tf: FloatArray, dl: IntArray, idf: FloatArray, avgdl: float) -> FloatArray:
        """rank_bm25's per-term score expression, operation for operation, for each posting."""
        k1, b, delta = self.k1, self.b, self.delta
        if self.variant == "l":
            ctd = tf / (1 - b + b * dl / avgdl)
            result: FloatArray = idf * tf * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta)
            return result
        if self.variant == "plus":
            result = idf * (delta + (tf * (k1 + 1)) / (k1 * (1 - b + b * dl / avgdl) + tf))
            return result
        result = idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)))
        return result

    def _postings(self, query_tokens: Sequence[str]) -> list[int]:
        """Term ids of the known query tokens, in query order, repeated as often as they occur."""
        return [j for j in map(self._vocab.get, query_tokens) if j is not None]

    def _weighted_postings(
        self, query_tokens: Sequence[str], weights: Sequence[float]
    ) -> list[tuple[int, float]]:
        """(term id, weight) of the known query tokens, in query order."""
        pairs = zip(map(self._vocab.get, query_tokens), weights, strict=True)
        return [(j, w) for j, w in pairs if j is not None]

    def _slice(self, term: int) -> slice:
        return slice(int(self._indptr[term]), int(self._indptr[term + 1]))

    def scores(self, query_tokens: Sequence[str], query_weights: Weights = None) -> FloatArray:
        check_weights(query_tokens, query_weights)
        if query_weights is not None:
            return self._weighted_scores(self._weighted_postings(query_tokens, query_weights))
        terms = self._postings(query_tokens)
        if not terms:
            return np.zeros(self._size)
        if self.variant == "plus":
            return self._plus_scores(terms)
        # Non-matching documents add exactly 0.0 per term, so summing postings in query order (bincount
        # adds in array order) reproduces rank_bm25's running sum bit for bit.
        docs = np.concatenate([self._docs[self._slice(t)] for t in terms])
        weights = np.concatenate([self._weights[self._slice(t)] for t in terms])
        summed: FloatArray = np.bincount(docs, weights=weights, minlength=self._size)  # type: ignore[assignment]
        return summed

    def _plus_scores(self, terms: list[int]) -> FloatArray:
        """BM25+ adds idf × delta even where a term is absent, so every term touches every document."""
        out = np.zeros(self._size)
        for term in terms:
            part = self._slice(term)
            docs = self._docs[part]
            matched = out[docs] + self._weights[part]
            out += self._idf[term] * self.delta
            out[docs] = matched
        return out

    def _weighted_scores(self, terms: list[tuple[int, float]]) -> FloatArray:
        """The unweighted kernels with each posting scaled: weight × contribution, summed in query order."""
        if not terms:
            return np.zeros(self._size)
        if self.variant == "plus":
            out = np.zeros(self._size)
            for term, weight in terms:
                part = self._slice(term)
                docs = self._docs[part]
                matched = out[docs] + weight * self._weights[part]
                out += weight * (self._idf[term] * self.delta)
                out[docs] = matched
            return out
        docs = np.concatenate([self._docs[self._slice(t)] for t, _ in terms])
        weights = np.concatenate([w * self._weights[self._slice(t)] for t, w in terms])
        summed: FloatArray = np.bincount(docs, weights=weights, minlength=self._size)  # type: ignore[assignment]
        return summed

    def top_k(
        self, query_tokens: Sequence[str], k: int, query_weights: Weights = None
    ) -> list[tuple[int, float]]:
        terms = self._postings(query_tokens)
        if not terms or k <= 0:
            return []
        scores = self.scores(query_tokens, query_weights)
        if self.variant != "plus" and all(self._idf[t] > 0 for t in terms):
            # Every match scores > 0 when all idf > 0; a boolean mask is far faster to scan than floats.
            candidates: IntArray = np.flatnonzero(scores > 0)
        else:
            hit = np.zeros(self._size, dtype=bool)
            for term in set(terms):
                hit[self._docs[self._slice(term)]] = True
            candidates = np.flatnonzero(hit)
        return select_top_k(scores, candidates, k)
