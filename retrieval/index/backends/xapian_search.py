"""Exact BM25 top-k over one run (word or bigram) of Xapian shards, as a read-only `Backend`."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import xapian

from retrieval.errors import ConfigError
from retrieval.index.backends.base import FloatArray, Weights, check_weights
from retrieval.index.backends.xapian_order import TIE_MARGIN, ShardLayout, settle_ties, tolerance
from retrieval.index.backends.xapian_records import NGRAM_KEY_PREFIX
from retrieval.index.backends.xapian_scoring import RunWeighting, xapian_term
from retrieval.index.backends.xapian_stub import ShardDatabase

# Term statistics asked for by the answer layer (idf, known terms) are cached: over a remote shard each
# lookup is a round trip. The cache is dropped when full rather than managed as an LRU: it is a speed-up.
MAX_CACHED_LOOKUPS = 200_000


class TermStats:
    """Merged document frequencies and vocabulary n-grams of the shards, cached per term."""

    def __init__(self, database: ShardDatabase) -> None:
        self.database = database
        self._freqs: dict[str, int] = {}
        self._ngrams: dict[str, bool] = {}
        self._lock = threading.Lock()

    def freqs(self, terms: Sequence[str]) -> dict[str, int]:
        """Document frequency of each Xapian term (summed over shards)."""
        with self._lock:
            known = {t: self._freqs[t] for t in terms if t in self._freqs}
        missing = [t for t in dict.fromkeys(terms) if t not in known]
        if missing:
            found: dict[str, int] = self.database.run(
                lambda db: {t: int(db.get_termfreq(t)) for t in missing}
            )
            known.update(found)
            with self._lock:
                if len(self._freqs) + len(found) > MAX_CACHED_LOOKUPS:
                    self._freqs.clear()
                self._freqs.update(found)
        return known

    def has_ngram(self, gram: str) -> bool:
        """Whether a character or character bigram occurs in some word of the vocabulary."""
        with self._lock:
            known = self._ngrams.get(gram)
        if known is None:
            known = bool(self.database.run(lambda db: db.get_metadata(NGRAM_KEY_PREFIX + gram)))
            with self._lock:
                if len(self._ngrams) >= MAX_CACHED_LOOKUPS:
                    self._ngrams.clear()
                self._ngrams[gram] = known
        return known


class ShardSearcher:
    """One run of the shards (terms under `prefix`) scored exactly as rank-bm25's BM25Okapi scores it."""

    name = "xapian"

    def __init__(
        self,
        stats: TermStats,
        layout: ShardLayout,
        *,
        prefix: str,
        weighting: RunWeighting,
        exhaustive: bool = True,
    ) -> None:
        self.stats, self.layout = stats, layout
        self.prefix, self.weighting = prefix, weighting
        # checkatleast = every document: Xapian 1.4's pruning otherwise sometimes drops a document that
        # belongs in the top k (tests/retrieval/index/test_xapian_parity.py keeps such a query). False
        # lets it prune: faster, not exact.
        self.exhaustive = exhaustive

    def doc_freq(self, token: str) -> int:
        term = xapian_term(self.prefix, token)
        return self.stats.freqs([term])[term]

    def build(self, corpus_tokens: Sequence[Sequence[str]]) -> None:
        raise ConfigError("Xapian shards are read-only here; build them with `qabot shards build`")

    def _matches(
        self, query_tokens: Sequence[str], k: int | None, weights: Weights = None
    ) -> list[tuple[int, float]]:
        """(chunk position, score) of the best k matching chunks (every match when k is None)."""
        terms = {t: xapian_term(self.prefix, t) for t in query_tokens}
        freqs = self.stats.freqs(list(terms.values()))
        by_token = {t: freqs[terms[t]] for t in terms}

        def search(db: Any) -> list[tuple[int, float]]:
            size = int(db.get_doccount())
            scales = self.weighting.term_scales(query_tokens, by_token, size, weights)
            if not scales:
                return []
            query = xapian.Query(
                xapian.Query.OP_OR,
                [
                    xapian.Query(xapian.Query.OP_SCALE_WEIGHT, xapian.Query(terms[token]), scale)
                    for token, scale in scales
                ],
            )
            enquire = xapian.Enquire(db)
            enquire.set_weighting_scheme(
                xapian.BM25Weight(self.weighting.xapian_k1, 0, 1, self.weighting.xapian_b, 0)
            )
            enquire.set_query(query)
            wanted = size if k is None else k
            check = size if self.exhaustive else 0
            items = [(int(m.docid), float(m.weight)) for m in enquire.get_mset(0, wanted + TIE_MARGIN, check)]
            if len(items) == wanted + TIE_MARGIN:
                # more documents may lie within rounding of the k-th: take every one down to it
                floor = items[wanted - 1][1] - tolerance(items[wanted - 1][1])
                if items[-1][1] >= floor:
                    enquire.set_cutoff(0, floor)
                    items = [(int(m.docid), float(m.weight)) for m in enquire.get_mset(0, size, check)]

            by_term = sorted((terms[t].encode("utf-8"), t) for t in by_token if by_token[t])

            def exact(docid: int) -> float:
                tf: dict[str, int] = {}
                listed = db.termlist(docid)
                for term, token in by_term:  # the document's terms are listed in byte order
                    try:
                        item = listed.skip_to(term)
                    except StopIteration:
                        break
                    if item.term == term:
                        tf[token] = int(item.wdf)
                length = int(db.get_doclength(docid))
                return self.weighting.exact_score(query_tokens, tf, by_token, length, weights)

            return settle_ties(items, exact, self.layout)[:wanted]

        return self.stats.database.run(search)

    def top_k(
        self, query_tokens: Sequence[str], k: int, query_weights: Weights = None
    ) -> list[tuple[int, float]]:
        check_weights(query_tokens, query_weights)
        if k <= 0 or not query_tokens:
            return []
        return self._matches(query_tokens, k, query_weights)

    def scores(self, query_tokens: Sequence[str], query_weights: Weights = None) -> FloatArray:
        check_weights(query_tokens, query_weights)
        out = np.zeros(self.weighting.chunks)
        for position, score in self._matches(query_tokens, None, query_weights) if query_tokens else []:
            out[position] = score
        return out
