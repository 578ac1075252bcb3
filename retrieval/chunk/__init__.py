"""Chunk stage: a normalized `Document` in, `Chunk`s out (section path, paragraph number, offsets, flags).

Enters: one `Document`. `markers` holds the structure markers of official speeches as data (一、 （一）
一是 首先 …), `sections` reads each line's heading or enumeration level, `chunker` cuts paragraphs into
chunks of whole sentences under their section path. Leaves: `Chunk`s in document order.

`chunker` (and the normalization it imports) is loaded on first use of `chunk_document`: the answer stage
reads `markers` while answering from a cached index, which needs no chunking.
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval.chunk.chunker import chunk_document


def __getattr__(name: str) -> object:
    if name != "chunk_document":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return importlib.import_module(f"{__name__}.chunker").chunk_document


__all__ = ["chunk_document"]
