"""Chunking on the real speeches: section paths, paragraph numbers, sizes, offsets, flags."""

from __future__ import annotations

from dataclasses import replace

from retrieval.chunk.chunker import chunk_document
from retrieval.retriever import Retriever
from retrieval.types import Chunk, Document


def doc(retriever: Retriever, prefix: str) -> Document:
    return next(d for d in retriever.documents if d.doc_id.startswith(prefix))


def chunks_of(retriever: Retriever, prefix: str) -> list[Chunk]:
    return [c for c in retriever.chunks if c.doc_id.startswith(prefix)]


def test_nested_sections_in_the_work_report(retriever: Retriever) -> None:
    sections = [c.section for c in chunks_of(retriever, "004")]
    assert (
        "一、2024年工作回顾",
        "(一)强化执法监管,健全环境监管体系",
        "一是创新执法模式,提升执法效能",
    ) in sections
    assert any(s[:1] == ("二、2025年工作部署",) and len(s) >= 2 for s in sections)


def test_enumerations_nest_inside_points(retriever: Retriever) -> None:
    sections = [c.section for c in chunks_of(retriever, "002")]
    nested = [s for s in sections if len(s) == 2 and s[1].startswith("二要")]
    assert nested and nested[0][0].startswith("三是要坚持问题导向")


def test_every_chunk_is_its_document_slice(retriever: Retriever) -> None:
    by_id = {d.doc_id: d for d in retriever.documents}
    for chunk in retriever.chunks:
        assert by_id[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip()


def test_chunk_ids_are_unique_and_ordinal(retriever: Retriever) -> None:
    ids = [c.chunk_id for c in retriever.chunks]
    assert len(ids) == len(set(ids))
    for d in retriever.documents:
        mine = [c for c in retriever.chunks if c.doc_id == d.doc_id]
        assert [c.chunk_id for c in mine] == [f"{d.doc_id}#{i}" for i in range(len(mine))]
        assert [c.paragraph for c in mine] == sorted(c.paragraph for c in mine)


def test_chunk_sizes_stay_within_bounds(retriever: Retriever) -> None:
    for chunk in retriever.chunks:
        assert len(chunk.text) <= 400
    sizes = [len(c.text) for c in retriever.chunks]
    short = [s for s in sizes if s < 80]
    assert len(short) <= len(retriever.documents)  # at most a closing fragment per document


def test_chunks_end_on_sentence_boundaries(retriever: Retriever) -> None:
    ends = [c.text[-1] for c in retriever.chunks]
    assert sum(e in "。!?;”…" for e in ends) >= 0.9 * len(ends)


def test_chunking_is_deterministic(retriever: Retriever) -> None:
    d = doc(retriever, "004")
    assert chunk_document(d) == chunk_document(d)


def test_size_limits_are_respected_for_other_settings(retriever: Retriever) -> None:
    d = doc(retriever, "004")
    small = chunk_document(d, min_chars=40, max_chars=150)
    assert all(len(c.text) <= 150 for c in small)
    assert len(small) > len(chunk_document(d))


def test_flags_follow_cuts_and_redactions(retriever: Retriever) -> None:
    d = doc(retriever, "004")
    cut_at = d.text.index("二、2025年工作部署")
    flagged = chunk_document(replace(d, cuts=(cut_at,)))
    assert sum(c.truncated for c in flagged) >= 1
    assert not any(c.truncated for c in chunk_document(replace(d, cuts=())))
    assert any(c.redacted and "*" in c.text for c in flagged)


def test_damaged_spans_flag_their_chunk(retriever: Retriever) -> None:
    d = doc(retriever, "004")
    at = d.text.index("二是完善信用监管")
    flagged = [c for c in chunk_document(replace(d, damaged=((at, at + 4),))) if c.damaged]
    assert len(flagged) == 1 and "二是完善信用监管" in flagged[0].text
