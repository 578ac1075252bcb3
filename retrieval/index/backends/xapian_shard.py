"""One shard's Xapian documents, written by one process, and the run statistics it saw on the way.

`qabot shards build --jobs J` runs one `write_shard` per shard in J processes. Each returns the document
frequencies of its chunks with where every term was first seen, so the builder merges them into the
corpus-wide first-seen order rank-bm25 sums its mean idf in, without a separate pass over every token.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar, overload

import xapian

from retrieval.index.backends.xapian_records import chunk_to_data
from retrieval.index.backends.xapian_scoring import xapian_term
from retrieval.index.positions import ordinal_of
from retrieval.types import Chunk

T = TypeVar("T")
Progress = Callable[[int], None]  # called with the number of chunks just written
PROGRESS_EVERY = 500  # chunks between progress reports (a worker's report crosses a process boundary)


class Strided(Sequence[T], Generic[T]):
    """Items start, start + step, … of `items`, read through on access: a shard's share of a lazy
    sequence (synthetic chunks, token lists) without copying it. Picklable when `items` is."""

    def __init__(self, items: Sequence[T], start: int, step: int) -> None:
        self.items, self.start, self.step = items, start, step
        self.size = len(range(start, len(items), step))

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self.size))]
        if not -self.size <= i < self.size:
            raise IndexError(i)
        return self.items[self.start + (i % self.size) * self.step]

    def __iter__(self) -> Iterator[T]:
        return (self.items[p] for p in range(self.start, len(self.items), self.step))


def shard_part(items: Sequence[T], shard: int, count: int) -> Sequence[T]:
    """Shard `shard`'s items (positions shard mod count): a slice of a list, a view of anything else."""
    if isinstance(items, list | tuple):
        return items[shard::count]
    return Strided(items, shard, count)


@dataclass(frozen=True)
class ShardJob:
    """What one process writes: shard `shard` of `count` at `path`, from its own chunks and token runs
    (term prefix, tokens per chunk; word run first), all in the shard's chunk order."""

    path: str
    shard: int
    count: int
    chunks: Sequence[Chunk]
    runs: tuple[tuple[str, Sequence[Sequence[str]]], ...]


@dataclass
class RunCounts:
    """One run's statistics over a shard's chunks: document frequencies, each term's first occurrence
    as (chunk position, rank among the chunk's distinct terms), and the total length."""

    doc_freq: dict[str, int] = field(default_factory=dict)
    first_seen: dict[str, tuple[int, int]] = field(default_factory=dict)
    length: int = 0

    def add(self, frequencies: dict[str, int], position: int, length: int) -> None:
        doc_freq, first_seen = self.doc_freq, self.first_seen
        for rank, term in enumerate(frequencies):
            seen = doc_freq.get(term)
            if seen is None:
                doc_freq[term] = 1
                first_seen[term] = (position, rank)
            else:
                doc_freq[term] = seen + 1
        self.length += length


@dataclass
class DocumentTally:
    """A document's chunks in one shard: first and last position, count, redacted chunks, and
    ordinal − position (None once two chunks disagree, or an id is not `doc_id#ordinal`)."""

    low: int
    high: int
    count: int = 0
    redacted: int = 0
    offset: int | None = None

    def add(self, chunk: Chunk, position: int) -> None:
        ordinal = ordinal_of(chunk)
        offset = None if ordinal is None else ordinal - position
        self.offset = offset if self.count == 0 or self.offset == offset else None
        self.low, self.high = min(self.low, position), max(self.high, position)
        self.count += 1
        self.redacted += chunk.redacted


@dataclass
class ShardCounts:
    runs: list[RunCounts]
    documents: dict[str, DocumentTally]


def write_shard(job: ShardJob, progress: Progress | None = None) -> ShardCounts:
    """Write the shard's documents (one per chunk and run; the word run's holds the chunk as JSON) and
    commit; metadata is written afterwards, once every shard's statistics are merged."""
    counts = [RunCounts() for _ in job.runs]
    documents: dict[str, DocumentTally] = {}
    memos: list[dict[str, str]] = [{} for _ in job.runs]  # token -> Xapian term, per run
    db = xapian.WritableDatabase(job.path, xapian.DB_CREATE_OR_OVERWRITE)
    pending = 0
    try:
        for local, chunk in enumerate(job.chunks):
            position = job.shard + local * job.count
            documents.setdefault(chunk.doc_id, DocumentTally(position, position)).add(chunk, position)
            for run, (prefix, tokens) in enumerate(job.runs):
                chunk_tokens = tokens[local]
                frequencies = Counter(chunk_tokens)
                counts[run].add(frequencies, position, len(chunk_tokens))
                memo, document = memos[run], xapian.Document()
                add_term = document.add_term
                for token, count in frequencies.items():
                    term = memo.get(token)
                    if term is None:
                        term = memo[token] = xapian_term(prefix, token)
                    add_term(term, count)
                document.set_data(chunk_to_data(chunk) if run == 0 else "")
                db.add_document(document)
            pending += 1
            if progress is not None and pending >= PROGRESS_EVERY:
                progress(pending)
                pending = 0
        db.commit()
    finally:
        db.close()
    if progress is not None and pending:
        progress(pending)
    return ShardCounts(counts, documents)


def finish_shard(path: str, metadata: dict[str, str]) -> None:
    """Write the shard's metadata (build settings, merged statistics, vocabulary grams) and commit."""
    db = xapian.WritableDatabase(path, xapian.DB_OPEN)
    try:
        for key, value in metadata.items():
            db.set_metadata(key, value)
        db.commit()
    finally:
        db.close()
