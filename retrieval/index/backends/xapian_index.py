"""An `Index` over Xapian shards: the Retriever and the answer layer use it as they use the in-memory one.

Nothing of the corpus is held in memory: chunks are read from the shards' document data when a hit is
shown, document frequencies (idf, known-term share for abstention) come from the merged shard statistics,
the vocabulary's characters and bigrams from shard metadata.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from retrieval.errors import ConfigError, CorpusError
from retrieval.index.backends.xapian_order import ShardLayout
from retrieval.index.backends.xapian_records import (
    DOCUMENTS_KEY,
    FORMAT,
    FORMAT_KEY,
    SETTINGS_KEY,
    SHARD_KEY,
    SKIPPED_KEY,
    SPANS_KEY,
    STATS_KEY,
    check_settings,
    chunk_from_data,
    documents_from_data,
    spans_from_data,
)
from retrieval.index.backends.xapian_scoring import BIGRAM_PREFIX, WORD_PREFIX, RunWeighting
from retrieval.index.backends.xapian_search import ShardSearcher, TermStats
from retrieval.index.backends.xapian_stub import ShardDatabase, parse_stub
from retrieval.index.bm25 import Index
from retrieval.index.lazy_chunks import LazyChunks
from retrieval.index.positions import ChunkCounts, DocumentSpan, Positions, span_counts, span_positions
from retrieval.settings import RetrieverSettings
from retrieval.types import Chunk

MAX_CACHED_CHUNKS = 4096  # recently shown chunks, so an answer's excerpt and citation cost one fetch


class ShardChunks(LazyChunks):
    """The chunks of the shards by position, fetched from Xapian document data on demand."""

    def __init__(self, database: ShardDatabase, layout: ShardLayout, size: int) -> None:
        super().__init__(size)
        self.database, self.layout = database, layout
        self._cache: dict[int, Chunk] = {}
        self._lock = threading.Lock()

    def chunk_at(self, position: int) -> Chunk:
        with self._lock:
            cached = self._cache.get(position)
        if cached is not None:
            return cached
        docid = self.layout.docid(position)
        chunk = chunk_from_data(self.database.run(lambda db: db.get_document(docid).get_data()))
        with self._lock:
            if len(self._cache) >= MAX_CACHED_CHUNKS:
                self._cache.clear()
            self._cache[position] = chunk
        return chunk


@dataclass
class ShardIndex(Index):
    """`Index` whose term statistics and chunks live in Xapian shards (its backend is their searcher);
    `spans` (from the shards' metadata) say where each document's chunks sit."""

    spans: tuple[DocumentSpan, ...] | None = None

    @cached_property
    def _positions(self) -> Positions | None:
        return None if self.spans is None else span_positions(self.spans)

    def known_positions(self) -> Positions | None:
        return self._positions

    def chunk_counts(self) -> ChunkCounts:
        return super().chunk_counts() if self.spans is None else span_counts(self.spans)

    @property
    def searcher(self) -> ShardSearcher:
        if not isinstance(self.backend, ShardSearcher):
            raise TypeError("a ShardIndex ranks with a ShardSearcher")
        return self.backend

    def doc_freq(self, term: str) -> int:
        return self.searcher.doc_freq(term)

    def has_ngram(self, gram: str) -> bool:
        return self.searcher.stats.has_ngram(gram)


def _metadata(database: ShardDatabase, key: str) -> str:
    value: bytes = database.run(lambda db: db.get_metadata(key))
    return value.decode("utf-8")


def check_shards(database: ShardDatabase) -> None:
    """Every shard is a qabot shard, listed in its build position: the stub's order is the chunk order."""
    count = len(database.shards)
    for position, (shard, db) in enumerate(zip(database.shards, database.each(), strict=True)):
        try:
            if db.get_metadata(FORMAT_KEY).decode() != FORMAT:
                raise CorpusError(f"{shard.label} is not a qabot shard ({FORMAT} expected)")
            built = db.get_metadata(SHARD_KEY).decode()
            if built != f"{position}/{count}":
                raise CorpusError(
                    f"{shard.label} was built as shard {built}, but is listed as {position}/{count}: "
                    "list the shards in the order `qabot shards build` wrote them"
                )
        finally:
            db.close()


def open_shard_index(path: Path, settings: RetrieverSettings) -> ShardIndex:
    """The index the shards at `path` (database folder or stub) hold, checked against `settings`."""
    if settings.variant != "okapi":
        raise ConfigError("the xapian backend reproduces BM25 Okapi only (variant=okapi)")
    if settings.semantic != "off":  # its vectors are computed from the corpus passages at start-up
        raise ConfigError("over Xapian shards the semantic signal is unavailable: use semantic=off")
    database = ShardDatabase(parse_stub(path))
    check_shards(database)
    check_settings(_metadata(database, SETTINGS_KEY), settings, str(path))
    stats: dict[str, Any] = json.loads(_metadata(database, STATS_KEY))
    chunks, runs = int(stats["chunks"]), stats["runs"]
    if settings.fuses_bigrams(chunks) and BIGRAM_PREFIX not in runs:
        raise CorpusError(f"{path} holds no bigram run, which fusion={settings.fusion!r} needs here")
    layout = ShardLayout(len(database.shards), len(runs))
    term_stats = TermStats(database)
    mixed_average = float(database.run(lambda db: db.get_avlength()))
    shard_chunks = ShardChunks(database, layout, chunks)
    documents = documents_from_data(_metadata(database, DOCUMENTS_KEY))
    skipped = tuple((str(a), str(b)) for a, b in json.loads(_metadata(database, SKIPPED_KEY) or "[]"))
    found = spans_from_data(_metadata(database, SPANS_KEY))  # None: shards built before spans were kept
    spans = None if found is None else tuple(found)

    def run_index(prefix: str, run_settings: RetrieverSettings) -> ShardIndex:
        weighting = RunWeighting.for_run(
            k1=settings.k1,
            b=settings.b,
            epsilon=settings.epsilon,
            chunks=chunks,
            average_idf=float(runs[prefix]["average_idf"]),
            run_length=int(runs[prefix]["length"]),
            mixed_average_length=mixed_average,
        )
        searcher = ShardSearcher(term_stats, layout, prefix=prefix, weighting=weighting)
        return ShardIndex(
            run_settings, documents, shard_chunks, {}, frozenset(), searcher, skipped, spans=spans
        )

    index = run_index(WORD_PREFIX, settings)
    if BIGRAM_PREFIX in runs:
        index.bigram = run_index(BIGRAM_PREFIX, settings.bigram_companion())
    return index
