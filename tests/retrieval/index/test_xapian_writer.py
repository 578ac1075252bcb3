"""Shard builds: any number of build processes writes the same shards, and the statistics merged from
the shards' counts are those rank-bm25 computes over the whole corpus in order."""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from retrieval.index import TokenCache, Tokenizer
from retrieval.index.backends.xapian_scoring import mean_idf
from retrieval.index.backends.xapian_shard import RunCounts, Strided, shard_part
from retrieval.index.backends.xapian_writer import merge_counts, shard_name, write_shards
from retrieval.index.bm25 import index_text
from retrieval.index.tokencache import text_key
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings
from retrieval.types import Chunk

xapian = pytest.importorskip("xapian")


def shard_contents(path: Path) -> dict[str, Any]:
    """Everything a shard holds that search reads: metadata, and each document's data and terms."""
    db = xapian.Database(str(path))
    try:
        metadata = {key: db.get_metadata(key) for key in db.metadata_keys()}
        documents = []
        for docid in range(1, db.get_lastdocid() + 1):
            document = db.get_document(docid)
            terms = [(t.term, t.wdf) for t in document.termlist()]
            documents.append((document.get_data(), terms, db.get_doclength(docid)))
        return {"metadata": metadata, "documents": documents, "count": db.get_doccount()}
    finally:
        db.close()


def test_parallel_and_sequential_builds_write_the_same_shards(retriever: Retriever, tmp_path: Path) -> None:
    settings = RetrieverSettings()
    bars: dict[int, list[int]] = {}
    for jobs in (1, 2):
        bars[jobs] = []
        write_shards(
            tmp_path / f"jobs-{jobs}",
            retriever.documents,
            retriever.chunks,
            settings,
            3,
            skipped=retriever.skipped,
            progress=bars[jobs].append,
            jobs=jobs,
        )
    for shard in range(3):
        sequential = shard_contents(tmp_path / "jobs-1" / shard_name(shard))
        parallel = shard_contents(tmp_path / "jobs-2" / shard_name(shard))
        assert sequential["count"] > 0
        assert parallel == sequential
    assert sum(bars[1]) == sum(bars[2]) == len(retriever.chunks)  # the progress bar reaches the end
    assert (tmp_path / "jobs-2" / "shards.stub").read_text() == "auto shard-0\nauto shard-1\nauto shard-2\n"


def test_a_fused_shard_build_caches_word_tokens_only(retriever: Retriever, tmp_path: Path) -> None:
    settings = RetrieverSettings(fusion="bigram")
    cache = TokenCache()
    write_shards(tmp_path / "shards", retriever.documents, retriever.chunks, settings, 2, token_cache=cache)
    texts = {index_text(c, settings) for c in retriever.chunks}
    assert set(cache.entries) == {text_key(settings, t) for t in texts}  # the bigram run is made afresh
    assert shard_contents(tmp_path / "shards" / shard_name(0))["count"] == 2 * len(retriever.chunks[0::2])


def test_merged_counts_are_rank_bm25s_statistics_in_first_seen_order(retriever: Retriever) -> None:
    settings = RetrieverSettings()
    tokenizer = Tokenizer(settings)
    tokens = [tokenizer.tokenize(index_text(c, settings)) for c in retriever.chunks]
    expected: dict[str, int] = {}
    for doc in tokens:
        for term in Counter(doc):
            expected[term] = expected.get(term, 0) + 1
    for shard_count in (1, 2, 5):
        parts = []
        for shard in range(shard_count):
            counts = RunCounts()
            for position in range(shard, len(tokens), shard_count):
                counts.add(Counter(tokens[position]), position, len(tokens[position]))
            parts.append(counts)
        doc_freq, totals = merge_counts(parts, len(tokens))
        assert list(doc_freq.items()) == list(expected.items())  # same terms, same order
        assert totals["length"] == sum(map(len, tokens))
        assert totals["average_idf"] == mean_idf(expected.values(), len(tokens))  # bit-equal sum


def test_a_strided_view_reads_one_shards_share_and_pickles() -> None:
    items = tuple(range(10))
    view = Strided(items, 1, 3)
    assert list(view) == [1, 4, 7] == [view[0], view[1], view[2]]
    assert len(view) == 3 and view[-1] == 7 and view[0:2] == [1, 4]
    with pytest.raises(IndexError):
        view[3]
    assert list(pickle.loads(pickle.dumps(view))) == [1, 4, 7]
    assert shard_part(list(items), 2, 4) == [2, 6]  # lists are sliced, not wrapped
    assert list(shard_part(range(10), 3, 4)) == [3, 7]


def test_spans_are_kept_only_for_consecutive_doc_ordinal_chunks(retriever: Retriever) -> None:
    from retrieval.index.backends.xapian_shard import DocumentTally
    from retrieval.index.backends.xapian_writer import merge_spans
    from retrieval.index.positions import DocumentSpan, walk_positions

    def tallies(chunks: list[Chunk], shard_count: int) -> list[dict[str, DocumentTally]]:
        parts: list[dict[str, DocumentTally]] = [{} for _ in range(shard_count)]
        for position, chunk in enumerate(chunks):
            part = parts[position % shard_count]
            part.setdefault(chunk.doc_id, DocumentTally(position, position)).add(chunk, position)
        return parts

    chunks = list(retriever.chunks)
    spans = merge_spans(tallies(chunks, 3))
    assert spans is not None
    walked = walk_positions(chunks).by_doc
    assert {s.doc_id: list(range(s.start, s.start + s.count)) for s in spans} == walked
    assert all(
        isinstance(s, DocumentSpan) and chunks[s.start].chunk_id == f"{s.doc_id}#{s.first}" for s in spans
    )
    swapped = [chunks[1], chunks[0], *chunks[2:]]  # ordinals no longer follow positions
    assert merge_spans(tallies(swapped, 2)) is None
    other = next(c for c in chunks if c.doc_id != chunks[0].doc_id)
    interleaved = [chunks[0], other, *[c for c in chunks[1:] if c is not other]]  # a document split in two
    assert merge_spans(tallies(interleaved, 2)) is None
