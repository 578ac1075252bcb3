"""Building the compact postings one segment at a time, so build memory stays near the index's own size.

Documents are read in order, a window of `WINDOW_DOCS` at a time: their tokens are mapped to term ids
(first-seen order over the whole corpus, as rank_bm25's idf dict has it), then the window's documents are
laid out shortest first (a stable sort by length; `doc_at` records where each went) and cut into
segments of `SEGMENT_DOCS`. One sort of (term id, position) keys gives a segment's runs with their term
frequencies. Only the compact arrays grow with the corpus: the temporary arrays are the term ids of one
window (2 or 4 bytes a token) and a few bytes per token of one segment. A window is enough: its segments
span the same length quantiles a global sort would give, so a block's documents have nearly the same
length norm. Upper bounds (`run_max`) are computed at the end, when idf and the average length are known,
whole runs of about `BOUND_BATCH` postings at a time.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from retrieval.index.backends.base import FloatArray, Variant
from retrieval.index.backends.sparse_layout import SEGMENT_DOCS, Postings
from retrieval.index.backends.sparse_weights import compute_idf, doc_norms, posting_weights

SHIFT = SEGMENT_DOCS.bit_length() - 1
MAX_SMALL_TF = 255  # tf at or above this lives in the overflow table
WINDOW_DOCS = 8 * SEGMENT_DOCS  # sorted by length together (4 segments measured slower, 16 no faster)
BOUND_BATCH = 1 << 16  # postings whose weights are computed at once for the runs' bounds


class _Growing:
    """The output arrays; array.array grows in place (realloc), so no doubling copy of the whole index."""

    def __init__(self) -> None:
        self.low, self.tf = array("H"), array("B")
        self.run_term, self.run_len, self.seg_runs = array("i"), array("q"), array("q", [0])
        self.over_pos, self.over_tf = array("q"), array("i")

    def add_segment(self, token_keys: np.ndarray) -> None:
        """Append one segment, given one key per token (int32 or int64): term id << SHIFT | position in the
        segment."""
        if len(token_keys) == 0:
            self.seg_runs.append(len(self.run_term))
            return
        token_keys.sort()  # in place (np.unique would sort a copy): equal keys are one posting's tokens
        first = np.flatnonzero(np.concatenate(([True], token_keys[1:] != token_keys[:-1])))
        tf = np.diff(np.append(first, len(token_keys)))
        keys = token_keys[first]
        terms = keys >> SHIFT
        starts = np.flatnonzero(np.concatenate(([True], terms[1:] != terms[:-1])))
        big = np.flatnonzero(tf >= MAX_SMALL_TF)
        if len(big):
            self.over_pos.frombytes((big + len(self.low)).astype(np.int64).tobytes())
            self.over_tf.frombytes(tf[big].astype(np.int32).tobytes())
        self.low.frombytes((keys & (SEGMENT_DOCS - 1)).astype(np.uint16).tobytes())
        self.tf.frombytes(np.minimum(tf, MAX_SMALL_TF).astype(np.uint8).tobytes())
        self.run_term.frombytes(terms[starts].astype(np.int32).tobytes())
        self.run_len.frombytes(np.diff(np.append(starts, len(keys))).astype(np.int64).tobytes())
        self.seg_runs.append(len(self.run_term))


def build_postings(
    corpus_tokens: Sequence[Sequence[str]],
    variant: Variant,
    k1: float,
    b: float,
    epsilon: float,
    delta: float,
) -> tuple[dict[str, int], Postings, FloatArray]:
    """(vocabulary in first-seen order, postings, per-position norms) for the documents' token lists."""
    size = len(corpus_tokens)
    vocab: dict[str, int] = {}
    doc_at = np.zeros(size, dtype=np.int32)
    doc_len = np.zeros(size, dtype=np.int32)
    out = _Growing()
    for window in range(0, size, WINDOW_DOCS):
        stop = min(window + WINDOW_DOCS, size)
        # one piece of term ids a segment's worth of input: no window-sized array to grow or copy
        pieces = [_map_docs(corpus_tokens, first, min(first + SEGMENT_DOCS, stop), vocab)
                  for first in range(window, stop, SEGMENT_DOCS)]  # fmt: skip
        lengths = np.concatenate([piece.lengths for piece in pieces])
        order = np.argsort(lengths, kind="stable")  # shortest first; equal lengths in document order
        doc_at[window:stop] = window + order
        doc_len[window:stop] = lengths[order]
        for first in range(0, stop - window, SEGMENT_DOCS):
            out.add_segment(_segment_keys(pieces, order[first : first + SEGMENT_DOCS]))
        del pieces
    run_term, run_len = _view(out.run_term, np.int32), _view(out.run_len, np.int64)
    # a run holds each of its segment's documents with the term once: its length adds to the term's df
    doc_freq = np.bincount(run_term, weights=run_len, minlength=len(vocab)).astype(np.int64)
    idf = compute_idf(variant, doc_freq, size, epsilon)
    norm = doc_norms(variant, doc_len, k1, b)
    run_start = np.zeros(len(run_term) + 1, dtype=np.int64)
    np.cumsum(run_len, out=run_start[1:])
    postings = Postings(
        idf=idf,
        doc_at=doc_at,
        doc_len=doc_len,
        seg_runs=np.frombuffer(out.seg_runs, dtype=np.int64),
        run_term=run_term,
        run_start=run_start,
        run_max=np.zeros(len(run_term)),
        low=_view(out.low, np.uint16),
        tf=_view(out.tf, np.uint8),
        over_pos=_view(out.over_pos, np.int64),
        over_tf=_view(out.over_tf, np.int32),
    )
    _fill_run_max(postings, norm, variant, k1, delta)
    return vocab, postings, norm


class _Piece(NamedTuple):
    """The term ids of up to SEGMENT_DOCS consecutive documents, concatenated, and where each one's are."""

    ids: np.ndarray  # uint16 or int32
    lengths: np.ndarray  # int64, per document
    starts: np.ndarray  # int64, per document: its first id in `ids`


def _map_docs(corpus_tokens: Sequence[Sequence[str]], first: int, stop: int, vocab: dict[str, int]) -> _Piece:
    """Documents first..stop-1 as a piece; new terms join `vocab`. The ids come in the narrowest type that
    holds them: a window's ids are most of the build's extra memory."""
    get, setdefault = vocab.__getitem__, vocab.setdefault
    ids = array("i")
    lengths = np.zeros(stop - first, dtype=np.int64)
    for i in range(first, stop):
        doc = corpus_tokens[i]
        lengths[i - first] = len(doc)
        mark = len(ids)
        try:
            ids.extend(map(get, doc))
        except KeyError:  # a new term: give it the next id, in order of first occurrence
            del ids[mark:]
            ids.extend([setdefault(t, len(vocab)) for t in doc])
    narrow = len(vocab) <= np.iinfo(np.uint16).max + 1
    mapped = _view(ids, np.int32).astype(np.uint16) if narrow else _view(ids, np.int32)
    return _Piece(mapped, lengths, np.cumsum(lengths) - lengths)


def _segment_keys(pieces: list[_Piece], chosen: np.ndarray) -> np.ndarray:
    """One key (term id << SHIFT | position in the segment) per token of the window's documents `chosen`
    (in segment order), read piece by piece: window document d is document d % SEGMENT_DOCS of piece
    d // SEGMENT_DOCS."""
    parts = []
    piece_of = chosen // SEGMENT_DOCS
    for number, (ids, lengths, starts) in enumerate(pieces):
        mine = np.flatnonzero(piece_of == number)  # positions in the segment of this piece's documents
        if not len(mine):
            continue
        docs = chosen[mine] - number * SEGMENT_DOCS
        counts = lengths[docs]
        # each document's ids: its start, then one step per token
        shift = np.repeat(starts[docs] - (np.cumsum(counts) - counts), counts)
        # uint16 ids (< 2**16) shifted by SHIFT fit int32: half the memory and sort time of int64 keys
        key_type = np.int32 if ids.dtype == np.uint16 else np.int64
        tokens = ids[np.arange(int(counts.sum()), dtype=np.int64) + shift].astype(key_type)
        parts.append((tokens << SHIFT) | np.repeat(mine.astype(key_type), counts))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _view(values: array, dtype: type[np.generic]) -> np.ndarray:  # type: ignore[type-arg]
    return np.frombuffer(values, dtype=dtype) if len(values) else np.zeros(0, dtype=dtype)


def _fill_run_max(postings: Postings, norm: FloatArray, variant: Variant, k1: float, delta: float) -> None:
    """Each run's largest weight, computed with the scoring expression itself, whole runs of about
    BOUND_BATCH postings at a time (segments of long documents hold several times the average)."""
    p = postings
    runs = len(p.run_term)
    first_run = 0
    while first_run < runs:
        a = int(p.run_start[first_run])
        end_run = int(np.searchsorted(p.run_start, a + BOUND_BATCH, side="right")) - 1
        end_run = min(max(end_run, first_run + 1), runs)
        z = int(p.run_start[end_run])
        lengths = np.diff(p.run_start[first_run : end_run + 1])
        tf = p.tf[a:z].astype(np.float64)
        big = np.flatnonzero(tf == MAX_SMALL_TF)
        if len(big):
            tf[big] = p.over_tf[np.searchsorted(p.over_pos, big + a)]
        idf = np.repeat(p.idf[p.run_term[first_run:end_run]], lengths)
        docs = np.repeat(p.run_seg[first_run:end_run].astype(np.int64) * SEGMENT_DOCS, lengths) + p.low[a:z]
        weights = posting_weights(variant, tf, norm[docs], idf, k1, delta)
        p.run_max[first_run:end_run] = np.maximum.reduceat(weights, p.run_start[first_run:end_run] - a)
        first_run = end_run
