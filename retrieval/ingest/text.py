"""Reader for plain-text speeches (`*.txt`, web scrapes): the decoded file, nothing removed yet."""

from __future__ import annotations

from pathlib import Path

from retrieval.ingest.encoding import decode_bytes
from retrieval.ingest.raw import RawDocument
from retrieval.ingest.reasons import SkipError


def read_text_file(path: Path) -> tuple[str, str]:
    """(text, encoding) of a plain-text file; raises ValueError for an empty one."""
    data = path.read_bytes()
    if not data.strip():
        raise SkipError("empty-file")
    return decode_bytes(data)


def read_text(path: Path) -> RawDocument:
    text, encoding = read_text_file(path)
    return RawDocument(text, encoding)
