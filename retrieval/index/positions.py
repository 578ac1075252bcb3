"""Where each document's chunks sit in an index, and how many there are: walked from the chunks in memory,
or read from a shard's per-document metadata, so a million-chunk replica never fetches every chunk to
list its sources or to read a follow-up inside the earlier speech.

The chunker numbers a document's chunks `doc_id#ordinal` in order and emits each document's chunks
together, so a document is one span: `count` chunks from position `start`, ordinals from `first`. A shard
build checks that for every chunk before it records spans (and records none otherwise).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from retrieval.types import Chunk

ID_MARK = "#"  # chunk ids are doc_id#ordinal


@dataclass(frozen=True)
class Positions:
    """Chunk positions per document and per chunk id."""

    by_doc: Mapping[str, Sequence[int]]
    by_id: Mapping[str, int]


@dataclass(frozen=True)
class ChunkCounts:
    """Chunks per document, and chunks holding a redaction per document (what /sources and check show)."""

    per_doc: Counter[str]
    redacted: Counter[str]

    @classmethod
    def of(cls, chunks: Sequence[Chunk]) -> ChunkCounts:
        return cls(Counter(c.doc_id for c in chunks), Counter(c.doc_id for c in chunks if c.redacted))


def walk_positions(chunks: Sequence[Chunk]) -> Positions:
    by_doc: dict[str, list[int]] = {}
    for position, chunk in enumerate(chunks):
        by_doc.setdefault(chunk.doc_id, []).append(position)
    return Positions(by_doc, {chunk.chunk_id: p for p, chunk in enumerate(chunks)})


def ordinal_of(chunk: Chunk) -> int | None:
    """The ordinal in `doc_id#ordinal`, or None for an id of another form."""
    head, mark, tail = chunk.chunk_id.rpartition(ID_MARK)
    return int(tail) if mark and head == chunk.doc_id and tail.isdigit() else None


@dataclass(frozen=True)
class DocumentSpan:
    """A document's chunks: positions start … start + count − 1, ordinals first … first + count − 1."""

    doc_id: str
    start: int
    count: int
    first: int
    redacted: int

    def to_row(self) -> list[str | int]:
        return [self.doc_id, self.start, self.count, self.first, self.redacted]

    @classmethod
    def from_row(cls, row: Sequence[str | int]) -> DocumentSpan:
        doc_id, start, count, first, redacted = row
        return cls(str(doc_id), int(start), int(count), int(first), int(redacted))


class SpanIds(Mapping[str, int]):
    """chunk id -> position, computed from the spans (no table of every id)."""

    def __init__(self, spans: Mapping[str, DocumentSpan]) -> None:
        self.spans = spans

    def __getitem__(self, chunk_id: str) -> int:
        doc_id, _, tail = chunk_id.rpartition(ID_MARK)
        span = self.spans.get(doc_id)
        if span is None or not tail.isdigit() or not 0 <= int(tail) - span.first < span.count:
            raise KeyError(chunk_id)
        return span.start + int(tail) - span.first

    def __iter__(self) -> Iterator[str]:
        for span in self.spans.values():
            for ordinal in range(span.first, span.first + span.count):
                yield f"{span.doc_id}{ID_MARK}{ordinal}"

    def __len__(self) -> int:
        return sum(span.count for span in self.spans.values())


def span_positions(spans: Sequence[DocumentSpan]) -> Positions:
    by_doc = {s.doc_id: range(s.start, s.start + s.count) for s in spans}
    return Positions(by_doc, SpanIds({s.doc_id: s for s in spans}))


def span_counts(spans: Sequence[DocumentSpan]) -> ChunkCounts:
    return ChunkCounts(
        Counter({s.doc_id: s.count for s in spans}),
        Counter({s.doc_id: s.redacted for s in spans if s.redacted}),
    )
