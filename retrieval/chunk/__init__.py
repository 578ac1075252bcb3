"""Chunk stage: a normalized `Document` in, `Chunk`s out (section path, paragraph number, offsets, flags).

Enters: one `Document`. `markers` holds the structure markers of official speeches as data (一、 （一）
一是 首先 …), `sections` reads each line's heading or enumeration level, `chunker` cuts paragraphs into
chunks of whole sentences under their section path. Leaves: `Chunk`s in document order.
"""

from retrieval.chunk.chunker import chunk_document

__all__ = ["chunk_document"]
