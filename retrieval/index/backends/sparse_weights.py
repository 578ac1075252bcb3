"""rank_bm25's arithmetic for the `sparse` backend: idf, per-document length norms, per-posting weights.

Every expression is rank_bm25's, operation for operation, so float64 results are bit-identical to its
`get_scores` (idf with math.log, as rank_bm25 does). The length term `k1 * (1 - b + b * dl / avgdl)` (BM25L:
`1 - b + b * dl / avgdl`) depends only on the document, so it is computed once per document with the same
numpy expression rank_bm25 evaluates per posting; the C kernel (_bm25kernel.c) repeats `posting_weights`
in the same order, compiled without FMA contraction.
"""

from __future__ import annotations

import math

import numpy as np

from retrieval.index.backends.base import FloatArray, IntArray, Variant


def compute_idf(variant: Variant, doc_freq: IntArray, size: int, epsilon: float) -> FloatArray:
    """Per-term idf exactly as rank_bm25 computes it (math.log, its summation order for the average)."""
    freqs = doc_freq.tolist()
    if variant == "l":
        return np.array([math.log(size + 1) - math.log(f + 0.5) for f in freqs], dtype=np.float64)
    if variant == "plus":
        return np.array([math.log((size + 1) / f) for f in freqs], dtype=np.float64)
    idf = [math.log(size - f + 0.5) - math.log(f + 0.5) for f in freqs]
    idf_sum = 0.0
    for value in idf:
        idf_sum += value
    floor = epsilon * (idf_sum / len(idf)) if idf else 0.0  # Okapi: negative idf becomes ε × average idf
    return np.array([floor if value < 0 else value for value in idf], dtype=np.float64)


def doc_norms(variant: Variant, doc_len: np.ndarray, k1: float, b: float) -> FloatArray:
    """The document-only part of the weight: BM25L divides tf by it, Okapi and Plus add it to tf."""
    total = int(doc_len.sum(dtype=np.int64))
    if total == 0:  # every document empty: no posting will ever ask for a norm
        return np.ones(len(doc_len))
    avgdl = total / len(doc_len)
    dl = doc_len.astype(np.int64)
    if variant == "l":
        length: FloatArray = (1 - b + b * dl / avgdl).astype(np.float64, copy=False)
        return length
    norm: FloatArray = (k1 * (1 - b + b * dl / avgdl)).astype(np.float64, copy=False)
    return norm


def posting_weights(
    variant: Variant, tf: FloatArray, norm: FloatArray, idf: float | FloatArray, k1: float, delta: float
) -> FloatArray:
    """rank_bm25's per-term score expression for postings of frequency `tf` in documents of norm `norm`."""
    if variant == "l":
        ctd = tf / norm
        result: FloatArray = idf * tf * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta)
        return result
    if variant == "plus":
        result = idf * (delta + (tf * (k1 + 1)) / (norm + tf))
        return result
    result = idf * (tf * (k1 + 1) / (tf + norm))
    return result
