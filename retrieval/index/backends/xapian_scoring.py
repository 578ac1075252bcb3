"""rank-bm25's Okapi scores out of Xapian's BM25Weight: term names, idf correction, length normalisation.

Xapian's idf differs from rank-bm25's (rank-bm25 floors a negative idf at epsilon × the mean idf; Xapian
shifts small ratios), and no BM25Weight parameter fixes that. So each distinct query term is wrapped in
OP_SCALE_WEIGHT with `count × idf_rank_bm25 / idf_xapian`, which leaves rank-bm25's term weight.

A shard that also carries the character-bigram run holds two Xapian documents per chunk (one per run), so
Xapian's average document length mixes both runs. Xapian's length term is k1'·(b'·len/avg_mixed + 1 − b');
choosing k1' = k1·(1 − b + b/r) and b' = (b/r)/(1 − b + b/r) with r = avg_run / avg_mixed makes it equal
k1·(b·len/avg_run + 1 − b) for every length, and b' stays within [0, 1]. The (k1' + 1) factor Xapian puts
in its term weight is divided out by the same scale.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Term prefixes: every indexed term carries one, so a word term never collides with a bigram term.
WORD_PREFIX = "W"
BIGRAM_PREFIX = "B"
# Xapian refuses terms longer than 245 bytes; longer tokens are indexed (and queried) by their digest.
MAX_TERM_BYTES = 245
HASHED_MARK = "#"


def xapian_term(prefix: str, token: str) -> str:
    """The Xapian term of a token: prefixed, and replaced by a sha256 digest if too long for Xapian."""
    term = prefix + token
    if len(term.encode("utf-8")) <= MAX_TERM_BYTES:
        return term
    return prefix + HASHED_MARK + hashlib.sha256(token.encode("utf-8")).hexdigest()


def rank_bm25_idf(doc_freq: int, size: int) -> float:
    """rank-bm25's raw Okapi idf (before the epsilon floor), with math.log as rank-bm25 computes it."""
    return math.log(size - doc_freq + 0.5) - math.log(doc_freq + 0.5)


def mean_idf(doc_freqs: Iterable[int], size: int) -> float:
    """rank-bm25's mean idf over the vocabulary (first-seen order, summed as it sums), for the floor."""
    total, count = 0.0, 0
    for freq in doc_freqs:
        total += rank_bm25_idf(freq, size)
        count += 1
    return total / count if count else 0.0


def floored_idf(doc_freq: int, size: int, epsilon: float, average_idf: float) -> float:
    """The idf rank-bm25's BM25Okapi uses: negative values become epsilon × the mean idf."""
    idf = rank_bm25_idf(doc_freq, size)
    return epsilon * average_idf if idf < 0 else idf


def xapian_idf(term_freq: int, collection_size: int) -> float:
    """log of the termweight ratio Xapian 1.4's BM25Weight computes without a relevance set."""
    ratio = (collection_size - term_freq + 0.5) / (term_freq + 0.5)
    if ratio < 2:
        ratio = ratio * 0.5 + 1
    return math.log(ratio)


@dataclass(frozen=True)
class RunWeighting:
    """BM25Weight parameters and the per-term scale that give one run rank-bm25's scores."""

    k1: float  # rank-bm25's
    b: float
    xapian_k1: float
    xapian_b: float
    epsilon: float
    chunks: int  # rank-bm25's corpus size: chunks, not Xapian documents
    average_idf: float
    average_length: float  # rank-bm25's avgdl of this run

    @classmethod
    def for_run(
        cls,
        *,
        k1: float,
        b: float,
        epsilon: float,
        chunks: int,
        average_idf: float,
        run_length: int,
        mixed_average_length: float,
    ) -> RunWeighting:
        """Weighting for a run whose documents total `run_length` tokens over `chunks` documents, stored
        in a database whose average document length (all runs together) is `mixed_average_length`."""
        ratio = (run_length / chunks) / mixed_average_length if run_length and mixed_average_length else 1.0
        shrunk = b / ratio
        xapian_k1 = k1 * ((1 - b) + shrunk)
        xapian_b = shrunk / ((1 - b) + shrunk) if shrunk else 0.0
        return cls(k1, b, xapian_k1, xapian_b, epsilon, chunks, average_idf, run_length / chunks)

    def term_scales(
        self,
        query_tokens: Sequence[str],
        term_freq: dict[str, int],
        collection_size: int,
        weights: Sequence[float] | None = None,
    ) -> list[tuple[str, float]]:
        """(token, OP_SCALE_WEIGHT factor) per distinct known token, in first-seen order; a token counts
        as often as the query repeats it, as rank-bm25 adds it once per occurrence (with query weights:
        the sum of its occurrences' weights)."""
        counts: dict[str, float] = {}
        for n, token in enumerate(query_tokens):
            counts[token] = counts.get(token, 0.0) + (1.0 if weights is None else weights[n])
        scales = []
        for token, count in counts.items():
            freq = term_freq.get(token, 0)
            if freq <= 0:
                continue
            idf = floored_idf(freq, self.chunks, self.epsilon, self.average_idf)
            xidf = xapian_idf(freq, collection_size)
            scales.append((token, count * idf * (self.k1 + 1) / (xidf * (self.xapian_k1 + 1))))
        return scales

    def exact_score(
        self,
        query_tokens: Sequence[str],
        tf: dict[str, int],
        doc_freq: dict[str, int],
        dl: int,
        weights: Sequence[float] | None = None,
    ) -> float:
        """The score the sparse backend computes for one document, operation for operation: per query
        token occurrence, in query order, [weight ×] idf × (tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)))."""
        k1, b, avgdl = self.k1, self.b, self.average_length
        total = 0.0
        for n, token in enumerate(query_tokens):
            freq = tf.get(token, 0)
            if freq:
                idf = floored_idf(doc_freq[token], self.chunks, self.epsilon, self.average_idf)
                part = idf * (freq * (k1 + 1) / (freq + k1 * (1 - b + b * dl / avgdl)))
                total += part if weights is None else weights[n] * part
        return total
