"""Write chunks into N Xapian shard databases plus a stub file that opens them as one database.

Chunk i goes to shard i mod N as that shard's (i div N)-th chunk. Xapian numbers the documents of a
combined database by interleaving its shards, so the combined document order is the chunk order and
Xapian's tie order (equal weight: lower document id first) is the in-memory index's (equal score: lower
chunk position first). With the bigram run, each chunk is two consecutive documents (word, then bigram),
which keeps both runs in chunk order.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import xapian

from retrieval.errors import ConfigError, CorpusError
from retrieval.index.backends.xapian_records import (
    DOCUMENTS_KEY,
    FORMAT,
    FORMAT_KEY,
    NGRAM_KEY_PREFIX,
    SETTINGS_KEY,
    SHARD_KEY,
    SKIPPED_KEY,
    STATS_KEY,
    chunk_to_data,
    documents_to_data,
    settings_to_data,
)
from retrieval.index.backends.xapian_scoring import BIGRAM_PREFIX, WORD_PREFIX, mean_idf, xapian_term
from retrieval.index.bm25 import char_ngrams, index_text
from retrieval.index.tokencache import TokenCache
from retrieval.settings import RetrieverSettings
from retrieval.types import Chunk, Document

STUB_NAME = "shards.stub"
Progress = Callable[[int], None]  # called with the number of chunks just written


def shard_name(position: int) -> str:
    return f"shard-{position}"


def run_stats(tokens: Sequence[Sequence[str]]) -> tuple[dict[str, int], dict[str, float | int]]:
    """Document frequencies (first-seen order, as rank-bm25 builds its idf table) and the run's totals."""
    doc_freq: dict[str, int] = {}
    length = 0
    for doc in tokens:
        for term in Counter(doc):
            doc_freq[term] = doc_freq.get(term, 0) + 1
        length += len(doc)
    return doc_freq, {"length": length, "average_idf": mean_idf(doc_freq.values(), len(tokens))}


def _add_run_document(db: xapian.WritableDatabase, prefix: str, tokens: Sequence[str], data: str) -> None:
    document = xapian.Document()
    for term, count in Counter(tokens).items():
        document.add_term(xapian_term(prefix, term), count)
    document.set_data(data)
    db.add_document(document)


def check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ConfigError(f"{out_dir} already exists and is not empty; build new shards in a new folder")


def write_shards(
    out_dir: Path,
    documents: Sequence[Document],
    chunks: Sequence[Chunk],
    settings: RetrieverSettings,
    shard_count: int,
    *,
    skipped: Sequence[tuple[str, str]] = (),
    token_cache: TokenCache | None = None,
    progress: Progress | None = None,
) -> Path:
    """Tokenize the chunks as the in-memory index does and write `out_dir/shard-*` and the stub; returns
    the stub's path. `out_dir` must be new or empty: a corpus version is rolled out by building new
    shards beside the old ones and swapping the stub."""
    check_out_dir(out_dir)  # before tokenizing: that is the slow part
    cache = token_cache or TokenCache()
    runs: list[tuple[str, Sequence[Sequence[str]]]] = [
        (WORD_PREFIX, cache.tokenize([index_text(c, settings) for c in chunks], settings))
    ]
    if settings.fuses_bigrams(len(chunks)):
        side = settings.bigram_companion()
        runs.append((BIGRAM_PREFIX, cache.tokenize([index_text(c, side) for c in chunks], side)))
    return write_tokenized_shards(
        out_dir, documents, chunks, runs, settings, shard_count, skipped=skipped, progress=progress
    )


def write_tokenized_shards(
    out_dir: Path,
    documents: Sequence[Document],
    chunks: Sequence[Chunk],
    runs: Sequence[tuple[str, Sequence[Sequence[str]]]],
    settings: RetrieverSettings,
    shard_count: int,
    *,
    skipped: Sequence[tuple[str, str]] = (),
    progress: Progress | None = None,
) -> Path:
    """Shards of chunks already tokenized: `runs` is (term prefix, tokens per chunk), word run first
    (benchmarks compose these, as `Index.from_tokens`)."""
    if shard_count < 1:
        raise ConfigError("--shards must be at least 1")
    if settings.variant != "okapi":
        raise ConfigError("the xapian backend reproduces BM25 Okapi only (variant=okapi)")
    if not chunks:
        raise CorpusError("cannot index an empty corpus")
    check_out_dir(out_dir)
    per_run = [run_stats(tokens) for _, tokens in runs]
    word_freq = per_run[0][0]
    stats = {"chunks": len(chunks), "runs": {p: s for (p, _), (_, s) in zip(runs, per_run, strict=True)}}
    ngrams = sorted({g for term in word_freq for g in (*term, *char_ngrams(term))})
    shared = {
        FORMAT_KEY: FORMAT,
        SETTINGS_KEY: settings_to_data(settings),
        STATS_KEY: json.dumps(stats),
        DOCUMENTS_KEY: documents_to_data(tuple(documents)),
        SKIPPED_KEY: json.dumps([list(pair) for pair in skipped], ensure_ascii=False),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    for shard in range(shard_count):
        db = xapian.WritableDatabase(str(out_dir / shard_name(shard)), xapian.DB_CREATE_OR_OVERWRITE)
        try:
            for position in range(shard, len(chunks), shard_count):
                word_prefix, word_tokens = runs[0]
                _add_run_document(db, word_prefix, word_tokens[position], chunk_to_data(chunks[position]))
                for prefix, tokens in runs[1:]:
                    _add_run_document(db, prefix, tokens[position], "")
                if progress is not None:
                    progress(1)
            for key, value in shared.items():
                db.set_metadata(key, value)
            db.set_metadata(SHARD_KEY, f"{shard}/{shard_count}")
            for gram in ngrams:
                db.set_metadata(NGRAM_KEY_PREFIX + gram, "1")
            db.commit()
        finally:
            db.close()
    stub = out_dir / STUB_NAME
    stub.write_text("".join(f"auto {shard_name(s)}\n" for s in range(shard_count)), encoding="utf-8")
    return stub
