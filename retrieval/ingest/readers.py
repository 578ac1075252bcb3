"""The reader table: one reader per format, chosen by the file's content when it has a telling one."""

from __future__ import annotations

import dataclasses
import importlib
import logging
from collections.abc import Callable
from pathlib import Path

from retrieval.ingest.detect import FORMAT_NAMES, detect_format
from retrieval.ingest.markdown import read_markdown
from retrieval.ingest.raw import RawDocument
from retrieval.ingest.reasons import SkipError
from retrieval.ingest.text import read_text

log = logging.getLogger(__name__)

Reader = Callable[[Path], RawDocument]


def _lazy(module: str, name: str) -> Reader:
    """A reader whose module (and its parser library) is imported on first use: a corpus of .txt files
    never pays for importing pypdf, python-docx or lxml, and neither does the start of `qabot ask`."""

    def read(path: Path) -> RawDocument:
        reader: Reader = getattr(importlib.import_module(module), name)
        return reader(path)

    return read


# One reader per file format: path -> RawDocument (raw text, encoding, metadata), before normalization.
READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_markdown,
    ".docx": _lazy("retrieval.ingest.docx", "read_docx"),
    ".pdf": _lazy("retrieval.ingest.pdf", "read_pdf"),
    ".html": _lazy("retrieval.ingest.html", "read_html"),
    ".htm": _lazy("retrieval.ingest.html", "read_html"),
    ".doc": _lazy("retrieval.ingest.doc", "read_doc"),
}
# Formats whose content must match their name; text files (.txt, .md, .html) may hold anything decodable.
BINARY_SUFFIXES = frozenset({".docx", ".pdf", ".doc"})


def read_raw(path: Path) -> RawDocument:
    """The file read by the reader its content calls for: a renamed PDF or .docx is read as what it is,
    a file whose name promises a binary format its bytes do not have is refused (SkipError: every
    failure of a reader is one of the coded reasons, see `reasons`)."""
    suffix = path.suffix.lower()
    content = detect_format(path)
    if content == ".html" and suffix in (".html", ".htm"):
        content = suffix
    if content is None and suffix in BINARY_SUFFIXES:
        raise SkipError("not-its-format", format=FORMAT_NAMES[suffix])
    if content is not None and content not in READERS:
        raise SkipError("unsupported-content", format=FORMAT_NAMES[content])
    fmt = content or suffix
    if fmt != suffix:
        log.warning("%s is %s despite its name; read as such", path.name, FORMAT_NAMES[fmt])
    try:
        raw = READERS[fmt](path)
    except (SkipError, OSError):
        raise
    except UnicodeDecodeError:
        if fmt not in BINARY_SUFFIXES:
            raise  # a text file in no encoding we read: the caller's "cannot decode" reason
        raise SkipError("damaged", suffix=fmt, detail="undecodable text inside") from None
    except Exception as exc:  # parsers of untrusted binaries fail in many ways: any failure is a skip
        raise SkipError("damaged", suffix=fmt, detail=f"{type(exc).__name__}: {exc}") from exc
    if fmt != suffix:
        raw = dataclasses.replace(raw, encoding=f"{raw.encoding} · named {suffix}")
    return raw
