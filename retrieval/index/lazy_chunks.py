"""Chunks by position, made on demand: for indexes that do not hold every chunk in memory (shards)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import overload

from retrieval.types import Chunk


class LazyChunks(Sequence[Chunk]):
    """A read-only sequence of `size` chunks; subclasses say how to make the one at a position."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, i: int) -> Chunk: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Chunk]: ...
    def __getitem__(self, i: int | slice) -> Chunk | Sequence[Chunk]:
        if isinstance(i, slice):
            return [self.chunk_at(j) for j in range(*i.indices(self.size))]
        position = i + self.size if i < 0 else i
        if not 0 <= position < self.size:  # IndexError also ends iteration (Sequence.__iter__)
            raise IndexError(i)
        return self.chunk_at(position)

    @abstractmethod
    def chunk_at(self, position: int) -> Chunk:
        """The chunk at `position`, 0 <= position < size."""
