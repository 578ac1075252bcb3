"""The fast default backend: compact postings (sparse_layout) scored exactly as rank_bm25 scores them.

Each posting keeps the term frequency; its weight is computed at query time with rank_bm25's expression in
its order of operations (sparse_weights), so a query's score is the sum of its terms' contributions in query
order: bit-for-bit rank_bm25's `get_scores`. Okapi and BM25L top-k with every idf > 0 go to the optional C
kernel (on a small index, every posting summed a segment at a time; on a larger one, exact block-max top-k,
never touching all N documents); BM25+ (which adds idf × δ to every document), non-positive idf, and a
missing extension use numpy over the same postings. Postings hold index positions (documents shortest
first, see sparse_layout); `scores` and `top_k` speak document numbers, and ties go to the lower one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from retrieval.errors import CorpusError
from retrieval.index.backends.base import (
    BackendState,
    FloatArray,
    IntArray,
    Variant,
    Weights,
    check_weights,
    select_top_k,
)
from retrieval.index.backends.kernel import load_c_kernel
from retrieval.index.backends.sparse_build import build_postings
from retrieval.index.backends.sparse_layout import SEGMENT_DOCS, Postings, from_arrays
from retrieval.index.backends.sparse_weights import doc_norms, posting_weights

# "auto": the C kernel when it is built, which sums a small index exhaustively and prunes a larger one;
# "pruned": that kernel with block-max pruning at every size (tests and benchmarks); "numpy": no C at all.
KernelChoice = Literal["auto", "pruned", "numpy"]


class SparseBackend:
    """BM25 (Okapi, L or Plus) with rank_bm25's semantics over compact postings."""

    name = "sparse"

    def __init__(
        self,
        *,
        variant: Variant,
        k1: float,
        b: float,
        epsilon: float,
        delta: float,
        kernel: KernelChoice = "auto",
    ) -> None:
        self.variant: Variant = variant
        self.k1, self.b, self.epsilon, self.delta = k1, b, epsilon, delta
        self._c_module = load_c_kernel() if kernel != "numpy" else None
        self._kernel_options = {"exhaustive_docs": 0} if kernel == "pruned" else {}
        self._c: Any = None  # the C kernel over the current postings, when the extension is there
        self._vocab: dict[str, int] = {}
        self._postings: Postings | None = None
        self._norm: FloatArray = np.zeros(0)
        self._idf_positive = False

    @property
    def kernel(self) -> str:
        """ "c" when queries go to the compiled kernel, "numpy" otherwise."""
        return "c" if self._c_module is not None else "numpy"

    def build(self, corpus_tokens: Sequence[Sequence[str]]) -> None:
        if len(corpus_tokens) == 0:
            raise CorpusError("cannot index an empty corpus")
        vocab, postings, norm = build_postings(
            corpus_tokens, self.variant, self.k1, self.b, self.epsilon, self.delta
        )
        self._adopt(vocab, postings, norm)

    def state(self) -> BackendState:
        p = self._require()
        meta = {"size": p.size, "vocab": list(self._vocab), "segment_docs": SEGMENT_DOCS}
        return meta, p.arrays()

    def restore(self, state: BackendState) -> None:
        meta, arrays = state
        size: object = meta.get("size")
        vocab: object = meta.get("vocab")
        if not (isinstance(size, int) and type(size) is int and size > 0):
            raise ValueError("stored backend state: size")
        if not (isinstance(vocab, list) and all(type(t) is str for t in vocab)):
            raise ValueError("stored backend state: vocabulary")
        if meta.get("segment_docs") != SEGMENT_DOCS:
            raise ValueError("stored backend state: segment size")
        postings = from_arrays(arrays, size, len(vocab))
        mapping = {t: i for i, t in enumerate(vocab)}
        if len(mapping) != len(vocab):
            raise ValueError("stored backend state: duplicate terms")
        self._adopt(mapping, postings, doc_norms(self.variant, postings.doc_len, self.k1, self.b))

    def _adopt(self, vocab: dict[str, int], postings: Postings, norm: FloatArray) -> None:
        self._vocab, self._postings, self._norm = vocab, postings, norm
        self._idf_positive = bool(np.all(postings.idf > 0))  # then no query needs the per-term check
        self._c = None
        if self._c_module is not None and self.variant != "plus":
            p = postings
            self._c = self._c_module.Kernel(
                p.idf, norm, p.run_start, p.run_max, p.low, p.tf, p.over_pos, p.over_tf,
                p.term_run_ptr, p.term_runs, p.run_seg, p.doc_at,
                self.variant == "okapi", self.k1, SEGMENT_DOCS, self.delta, **self._kernel_options,
            )  # fmt: skip

    def _require(self) -> Postings:
        if self._postings is None:
            raise CorpusError("the sparse backend has no index yet")
        return self._postings

    def _slots(self, query_tokens: Sequence[str], weights: Weights) -> tuple[list[int], list[float] | None]:
        """Term ids of the known query tokens in query order (repeats kept), with their weights if any."""
        get = self._vocab.get
        if weights is None:
            return [j for j in map(get, query_tokens) if j is not None], None
        pairs = [(j, w) for j, w in zip(map(get, query_tokens), weights, strict=True) if j is not None]
        return [j for j, _ in pairs], [w for _, w in pairs]

    def _weights(self, term: int) -> tuple[IntArray, FloatArray]:
        """(positions, weights) of one term's postings."""
        positions, tf = self._require().term_postings(term)
        idf = float(self._require().idf[term])
        return positions, posting_weights(self.variant, tf, self._norm[positions], idf, self.k1, self.delta)

    def _by_document(self, by_position: FloatArray) -> FloatArray:
        """Per-position values moved to their documents' numbers (a copy, no arithmetic)."""
        out = np.empty_like(by_position)
        out[self._require().doc_at] = by_position
        return out

    def scores(self, query_tokens: Sequence[str], query_weights: Weights = None) -> FloatArray:
        check_weights(query_tokens, query_weights)
        p = self._require()
        terms, weights = self._slots(query_tokens, query_weights)
        out = np.zeros(p.size)
        if not terms:
            return out
        if self.variant == "plus":
            return self._by_document(self._plus_scores(terms, weights, out))
        if self._c is not None:
            self._c.accumulate(terms, weights, out)  # in query order, as bincount adds below
            return self._by_document(out)
        # Non-matching documents add exactly 0.0 per term, so summing postings in query order (bincount
        # adds in array order) reproduces rank_bm25's running sum bit for bit.
        parts = [self._weights(t) for t in terms]
        positions = np.concatenate([d for d, _ in parts])
        if weights is None:
            contributions = np.concatenate([c for _, c in parts])
        else:
            contributions = np.concatenate([w * c for (_, c), w in zip(parts, weights, strict=True)])
        summed: FloatArray = np.bincount(positions, weights=contributions, minlength=p.size)  # type: ignore[assignment]
        return self._by_document(summed)

    def _plus_scores(self, terms: list[int], weights: list[float] | None, out: FloatArray) -> FloatArray:
        """BM25+ adds idf × delta even where a term is absent, so every term touches every document (per
        position, as `out` is)."""
        idf = self._require().idf
        for i, term in enumerate(terms):
            docs, contribution = self._weights(term)
            if weights is None:
                matched = out[docs] + contribution
                out += idf[term] * self.delta
            else:
                matched = out[docs] + weights[i] * contribution
                out += weights[i] * (idf[term] * self.delta)
            out[docs] = matched
        return out

    def top_k(
        self, query_tokens: Sequence[str], k: int, query_weights: Weights = None
    ) -> list[tuple[int, float]]:
        check_weights(query_tokens, query_weights)
        p = self._require()
        terms, weights = self._slots(query_tokens, query_weights)
        if not terms or k <= 0:
            return []
        positive = self._idf_positive or all(p.idf[t] > 0 for t in terms)
        if self._c is not None and positive:
            result: list[tuple[int, float]] = self._c.top_k(terms, weights, k)
            return result
        scores = self.scores(query_tokens, query_weights)
        if self.variant != "plus" and positive:
            # Every match scores > 0 when all idf > 0; a boolean mask is far faster to scan than floats.
            candidates: IntArray = np.flatnonzero(scores > 0)
        else:
            hit = np.zeros(p.size, dtype=bool)
            for term in set(terms):
                hit[p.doc_at[p.term_postings(term)[0]]] = True
            candidates = np.flatnonzero(hit)
        return select_top_k(scores, candidates, k)
