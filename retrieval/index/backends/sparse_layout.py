"""The `sparse` backend's compact postings: ~3 bytes a posting, as plain arrays the cache stores as data.

Documents are stored shortest first, a window at a time (`sparse_build`): `doc_at[position]` is the
document at each index position, and everything below is per position. Neighbouring positions then have
nearly the same length norm, so the C kernel's per-block bounds are close to the weights they bound, and
the blocks of long documents (which score low) are seldom opened. Positions are cut into segments of
`SEGMENT_DOCS`. Within a segment each term it holds has one run of postings: `low` (uint16, the
position within the segment, ascending) and `tf` (uint8; 255 means "255 or more, see
`over_pos`/`over_tf`", an exact side table sorted by posting position). Runs are stored segment by
segment, terms ascending within a segment (`seg_runs`, `run_term`, `run_start`), which is how
`sparse_build` produces them one segment at a time. `run_max` is the largest weight in a run: the
per-term upper bound in that segment (the C kernel derives finer per-block bounds from the postings when
it is made). Per-position lengths `doc_len` give the length norms; idf per term is kept as computed at
build time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from retrieval.index.backends.base import FloatArray, IntArray, is_array, require

SEGMENT_DOCS = 1 << 11  # small: tight per-segment bounds, an L1-sized accumulator, little build memory
ARRAYS = (
    "idf",
    "doc_at",
    "doc_len",
    "seg_runs",
    "run_term",
    "run_start",
    "run_max",
    "low",
    "tf",
    "over_pos",
    "over_tf",
)


@dataclass(frozen=True)
class Postings:
    idf: FloatArray
    doc_at: np.ndarray  # int32: the document at each position (a permutation of the document numbers)
    doc_len: np.ndarray  # int32, per position
    seg_runs: IntArray  # runs of segment s: seg_runs[s]:seg_runs[s + 1]
    run_term: np.ndarray  # int32
    run_start: IntArray  # postings of run r: run_start[r]:run_start[r + 1]
    run_max: FloatArray
    low: np.ndarray  # uint16
    tf: np.ndarray  # uint8
    over_pos: IntArray
    over_tf: np.ndarray  # int32
    # Derived on construction: each term's runs in segment order, and each run's segment.
    term_run_ptr: IntArray = field(init=False)
    term_runs: IntArray = field(init=False)
    run_seg: np.ndarray = field(init=False)  # int32

    def __post_init__(self) -> None:
        runs = len(self.run_term)
        run_seg = np.repeat(np.arange(len(self.seg_runs) - 1, dtype=np.int32), np.diff(self.seg_runs))
        order = np.argsort(self.run_term, kind="stable").astype(np.int64)
        ptr = np.zeros(len(self.idf) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.run_term, minlength=len(self.idf)), out=ptr[1:])
        object.__setattr__(self, "run_seg", run_seg if runs else np.zeros(0, dtype=np.int32))
        object.__setattr__(self, "term_runs", order)
        object.__setattr__(self, "term_run_ptr", ptr)

    @property
    def size(self) -> int:
        return len(self.doc_len)

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in ARRAYS}

    def term_postings(self, term: int) -> tuple[IntArray, FloatArray]:
        """(positions ascending, exact term frequencies as float64) of one term's postings."""
        runs = self.term_runs[self.term_run_ptr[term] : self.term_run_ptr[term + 1]]
        starts, ends = self.run_start[runs], self.run_start[runs + 1]
        lengths = ends - starts
        shift = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        positions = np.arange(int(lengths.sum()), dtype=np.int64) + shift
        docs = np.repeat(self.run_seg[runs].astype(np.int64) * SEGMENT_DOCS, lengths) + self.low[positions]
        tf = self.tf[positions].astype(np.float64)
        big = np.flatnonzero(tf == 255)
        if len(big):
            tf[big] = self.over_tf[np.searchsorted(self.over_pos, positions[big])]
        return docs, tf


def from_arrays(arrays: dict[str, np.ndarray], size: int, terms: int) -> Postings:
    """Postings from stored arrays, every dtype, shape, bound and ordering checked; ValueError if off."""
    get = arrays.get
    require(is_array(get("idf"), np.float64, (terms,)), "idf")
    require(is_array(get("doc_len"), np.int32, (size,)), "document lengths")
    doc_at = get("doc_at")
    require(is_array(doc_at, np.int32, (size,)), "document order")
    assert doc_at is not None
    require(
        size == 0
        or (int(doc_at.min()) >= 0 and int(doc_at.max()) < size and bool(np.all(np.bincount(doc_at) == 1))),
        "document order",
    )
    segments = -(-size // SEGMENT_DOCS)
    seg_runs = get("seg_runs")
    require(is_array(seg_runs, np.int64, (segments + 1,)), "segment runs")
    assert seg_runs is not None
    require(int(seg_runs[0]) == 0 and bool(np.all(np.diff(seg_runs) >= 0)), "segment runs order")
    runs = int(seg_runs[-1])
    run_term, run_start, run_max = get("run_term"), get("run_start"), get("run_max")
    require(is_array(run_term, np.int32, (runs,)) and is_array(run_max, np.float64, (runs,)), "runs")
    require(is_array(run_start, np.int64, (runs + 1,)), "run offsets")
    assert run_term is not None and run_start is not None and run_max is not None
    require(int(run_start[0]) == 0 and bool(np.all(np.diff(run_start) > 0)), "run offsets order")
    require(runs == 0 or (int(run_term.min()) >= 0 and int(run_term.max()) < terms), "run terms")
    starts = np.repeat(np.arange(segments), np.diff(seg_runs))  # each run's segment
    ascending = np.diff(run_term.astype(np.int64)) > 0
    require(bool(np.all(ascending | (np.diff(starts) != 0))), "run terms order")
    require(bool(np.all(np.isfinite(run_max))) and bool(np.all(run_max >= 0)), "run bounds")
    postings = int(run_start[-1])
    low, tf, over_pos, over_tf = get("low"), get("tf"), get("over_pos"), get("over_tf")
    require(is_array(low, np.uint16, (postings,)) and is_array(tf, np.uint8, (postings,)), "postings")
    assert low is not None and tf is not None and over_pos is not None
    last = int(run_start[seg_runs[-2]]) if segments and runs else postings
    room = size - (segments - 1) * SEGMENT_DOCS
    require(
        (last == 0 or int(low[:last].max()) < SEGMENT_DOCS)
        and (last == postings or int(low[last:].max()) < room),
        "document numbers",
    )
    require(postings == 0 or int(tf.min()) >= 1, "term frequencies")
    overflow = len(over_pos) if isinstance(over_pos, np.ndarray) else -1
    require(
        is_array(over_pos, np.int64, (overflow,)) and is_array(over_tf, np.int32, (overflow,)), "overflow"
    )
    assert over_tf is not None
    require(bool(np.all(np.diff(over_pos) > 0)) and int(np.count_nonzero(tf == 255)) == overflow, "overflow")
    require(overflow == 0 or (int(over_pos[0]) >= 0 and int(over_pos[-1]) < postings), "overflow positions")
    require(overflow == 0 or (bool(np.all(tf[over_pos] == 255)) and int(over_tf.min()) >= 255), "overflow")
    doc_len = get("doc_len")
    assert doc_len is not None
    require(size == 0 or int(doc_len.min()) >= 0, "document lengths")
    return Postings(**{name: arrays[name] for name in ARRAYS})
