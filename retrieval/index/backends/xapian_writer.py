"""Write chunks into N Xapian shard databases plus a stub file that opens them as one database.

Chunk i goes to shard i mod N as that shard's (i div N)-th chunk. Xapian numbers the documents of a
combined database by interleaving its shards, so the combined document order is the chunk order and
Xapian's tie order (equal weight: lower document id first) is the in-memory index's (equal score: lower
chunk position first). With the bigram run, each chunk is two consecutive documents (word, then bigram),
which keeps both runs in chunk order.

Shards are written in parallel (one process per shard, `jobs` at a time), each into its own folder; the
merged statistics go into every shard's metadata afterwards, and the stub is written last, so a folder
with a stub holds complete shards. Any `jobs` gives the same shards.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from retrieval.errors import ConfigError, CorpusError
from retrieval.index.backends.xapian_pool import default_jobs, run_shard_jobs
from retrieval.index.backends.xapian_records import (
    DOCUMENTS_KEY,
    FORMAT,
    FORMAT_KEY,
    NGRAM_KEY_PREFIX,
    SETTINGS_KEY,
    SHARD_KEY,
    SKIPPED_KEY,
    SPANS_KEY,
    STATS_KEY,
    documents_to_data,
    settings_to_data,
    spans_to_data,
)
from retrieval.index.backends.xapian_scoring import BIGRAM_PREFIX, WORD_PREFIX, mean_idf
from retrieval.index.backends.xapian_shard import (
    DocumentTally,
    Progress,
    RunCounts,
    ShardCounts,
    ShardJob,
    shard_part,
)
from retrieval.index.bm25 import bigram_token_lists, char_ngrams, index_text
from retrieval.index.positions import DocumentSpan
from retrieval.index.tokencache import TokenCache
from retrieval.settings import RetrieverSettings
from retrieval.types import Chunk, Document

STUB_NAME = "shards.stub"


def shard_name(position: int) -> str:
    return f"shard-{position}"


def merge_counts(parts: Sequence[RunCounts], size: int) -> tuple[dict[str, int], dict[str, float | int]]:
    """One run's document frequencies over all shards, in corpus-wide first-seen order (as rank-bm25
    builds its idf table, whose mean it sums in that order), and the run's totals."""
    doc_freq: dict[str, int] = {}
    first: dict[str, tuple[int, int]] = {}
    for part in parts:
        for term, count in part.doc_freq.items():
            doc_freq[term] = doc_freq.get(term, 0) + count
            seen = part.first_seen[term]
            if term not in first or seen < first[term]:
                first[term] = seen
    ordered = {term: doc_freq[term] for term in sorted(doc_freq, key=first.__getitem__)}
    length = sum(part.length for part in parts)
    return ordered, {"length": length, "average_idf": mean_idf(ordered.values(), size)}


def merge_spans(parts: Sequence[dict[str, DocumentTally]]) -> list[DocumentSpan] | None:
    """Each document's span over all shards, in position order; None when some document's chunks are
    not consecutive `doc_id#ordinal` chunks (its positions are then found by reading the chunks)."""
    merged: dict[str, DocumentTally] = {}
    for part in parts:
        for doc_id, tally in part.items():
            seen = merged.get(doc_id)
            if seen is None:
                merged[doc_id] = DocumentTally(
                    tally.low, tally.high, tally.count, tally.redacted, tally.offset
                )
                continue
            offset = seen.offset if seen.offset == tally.offset else None
            low, high = min(seen.low, tally.low), max(seen.high, tally.high)
            merged[doc_id] = DocumentTally(
                low, high, seen.count + tally.count, seen.redacted + tally.redacted, offset
            )
    spans = []
    for doc_id, tally in merged.items():
        if tally.offset is None or tally.high - tally.low + 1 != tally.count:
            return None
        spans.append(DocumentSpan(doc_id, tally.low, tally.count, tally.low + tally.offset, tally.redacted))
    return sorted(spans, key=lambda span: span.start)


def check_buildable(settings: RetrieverSettings, shard_count: int, jobs: int | None) -> None:
    if shard_count < 1:
        raise ConfigError("--shards must be at least 1")
    if jobs is not None and jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    if settings.variant != "okapi":  # l and plus have no exact Xapian form (Xapian's BM25 is Okapi's)
        raise ConfigError("the xapian backend reproduces BM25 Okapi only (variant=okapi)")


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
    jobs: int | None = None,
) -> Path:
    """Tokenize the chunks as the in-memory index does and write `out_dir/shard-*` and the stub; returns
    the stub's path. `out_dir` must be new or empty: a corpus version is rolled out by building new
    shards beside the old ones and swapping the stub."""
    check_buildable(settings, shard_count, jobs)  # before tokenizing: that is the slow part
    check_out_dir(out_dir)
    cache = token_cache or TokenCache()
    texts = [index_text(c, settings) for c in chunks]
    runs: list[tuple[str, Sequence[Sequence[str]]]] = [(WORD_PREFIX, cache.tokenize(texts, settings))]
    if settings.fuses_bigrams(len(chunks)):  # bigrams are made again in the shard writers, never cached
        runs.append((BIGRAM_PREFIX, bigram_token_lists(texts, settings.bigram_companion())))
    return write_tokenized_shards(
        out_dir, documents, chunks, runs, settings, shard_count, skipped=skipped, progress=progress, jobs=jobs
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
    jobs: int | None = None,
) -> Path:
    """Shards of chunks already tokenized: `runs` is (term prefix, tokens per chunk), word run first
    (benchmarks compose these, as `Index.from_tokens`). `jobs` processes write shards at once (default:
    one per shard, up to the cores); lazy sequences must then be picklable."""
    check_buildable(settings, shard_count, jobs)
    if not chunks:
        raise CorpusError("cannot index an empty corpus")
    check_out_dir(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shard_jobs = [
        ShardJob(
            path=str(out_dir / shard_name(shard)),
            shard=shard,
            count=shard_count,
            chunks=shard_part(chunks, shard, shard_count),
            runs=tuple((prefix, shard_part(tokens, shard, shard_count)) for prefix, tokens in runs),
        )
        for shard in range(shard_count)
    ]

    def finishing(counts: list[ShardCounts]) -> list[tuple[str, dict[str, str]]]:
        per_run = [merge_counts([c.runs[run] for c in counts], len(chunks)) for run in range(len(runs))]
        spans = merge_spans([c.documents for c in counts])
        stats = {"chunks": len(chunks), "runs": {p: s for (p, _), (_, s) in zip(runs, per_run, strict=True)}}
        ngrams = sorted({g for term in per_run[0][0] for g in (*term, *char_ngrams(term))})
        shared = {
            FORMAT_KEY: FORMAT,
            SETTINGS_KEY: settings_to_data(settings),
            STATS_KEY: json.dumps(stats),
            DOCUMENTS_KEY: documents_to_data(tuple(documents)),
            SKIPPED_KEY: json.dumps([list(pair) for pair in skipped], ensure_ascii=False),
            **({} if spans is None else {SPANS_KEY: spans_to_data(spans)}),
            **{NGRAM_KEY_PREFIX + gram: "1" for gram in ngrams},
        }
        return [(job.path, {**shared, SHARD_KEY: f"{job.shard}/{shard_count}"}) for job in shard_jobs]

    run_shard_jobs(shard_jobs, jobs or default_jobs(shard_count), progress, finishing)
    stub = out_dir / STUB_NAME
    stub.write_text("".join(f"auto {shard_name(s)}\n" for s in range(shard_count)), encoding="utf-8")
    return stub
