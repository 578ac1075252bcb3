"""`LazyChunks`: a Sequence of chunks made on demand, with list-like indexing and iteration that ends."""

from __future__ import annotations

import pytest

from retrieval.index import LazyChunks
from retrieval.types import Chunk


class Numbered(LazyChunks):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.made: list[int] = []

    def chunk_at(self, position: int) -> Chunk:
        self.made.append(position)
        return Chunk(f"c#{position}", "c", "title", (), position + 1, "text", 0, 4)


def test_indexing_like_a_list() -> None:
    chunks = Numbered(3)
    assert len(chunks) == 3
    assert chunks[-1].chunk_id == "c#2"
    assert [c.chunk_id for c in chunks[1:]] == ["c#1", "c#2"]
    with pytest.raises(IndexError):
        chunks[3]
    with pytest.raises(IndexError):
        chunks[-4]


def test_iteration_ends_and_makes_each_chunk_once() -> None:
    chunks = Numbered(4)
    assert [c.paragraph for c in chunks] == [1, 2, 3, 4]
    assert chunks.made == [0, 1, 2, 3]
