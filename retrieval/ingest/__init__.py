"""Ingest stage: a corpus folder in, normalized `Document`s out (plus the files skipped, with reasons).

Enters: a folder of speech files in any encoding and format. `walk` decides which entries may be read at
all (regular files inside the folder; links out, FIFOs … are skipped with a reason), `names` gives them
printable names and unique ids. `detect` names a file's format by its content; one reader per format
(`text`, `markdown`, `docx`, `pdf`, `html` with its chrome rules in `html_rules`, `doc` through
antiword/LibreOffice) turns a file into a `RawDocument` (raw text + metadata); `dates` finds the speech's
date, `attribution` (patterns in `attribution_rules`) its speaker and occasion where stated (`titles`:
which of them a title already says); `readers` picks the reader by content; `folder` reads the files
`walk` found (reusing unchanged documents from `doccache`), normalizes each text (`retrieval.normalize`)
and drops duplicates. Why a file was left out is a stable code with an English and a Chinese wording
(`reasons`).
Leaves: `Corpus(documents, skipped, duplicates)`; `scan` alone gives the files without reading (the only
part imported with the package; the rest on first use, see `_LAZY`).
"""

import importlib
from typing import TYPE_CHECKING

from retrieval.ingest.readers import CORPUS_SUFFIXES
from retrieval.ingest.walk import CorpusFile, CorpusScan, Progress, SkippedFile, scan

if TYPE_CHECKING:
    from retrieval.ingest.attribution import Attribution, find_attribution
    from retrieval.ingest.detect import detect_format
    from retrieval.ingest.doc import doc_tool
    from retrieval.ingest.doccache import DocumentCache, document_from_data
    from retrieval.ingest.encoding import decode_bytes
    from retrieval.ingest.folder import (
        SIDECAR_SUFFIX,
        Corpus,
        corpus_files,
        load_corpus,
        read_document,
    )
    from retrieval.ingest.names import display_name, doc_id_for, unique_doc_ids
    from retrieval.ingest.raw import RawDocument
    from retrieval.ingest.reasons import SkipError, chinese_reason, parse_reason, skip_reason
    from retrieval.ingest.titles import beyond_title

# Imported from their module on first use: the cache key of a corpus needs only `scan`, so answering from a
# cached index loads no reader, normalization or document cache (docs/performance.md, "Cold start").
_LAZY = {
    **dict.fromkeys(("Attribution", "find_attribution"), "attribution"),
    "detect_format": "detect",
    "doc_tool": "doc",
    **dict.fromkeys(("DocumentCache", "document_from_data"), "doccache"),
    "decode_bytes": "encoding",
    **dict.fromkeys(("SIDECAR_SUFFIX", "Corpus", "corpus_files", "load_corpus", "read_document"), "folder"),
    **dict.fromkeys(("display_name", "doc_id_for", "unique_doc_ids"), "names"),
    "RawDocument": "raw",
    "beyond_title": "titles",  # citations need it on every answer; `attribution` compiles regex tables
    **dict.fromkeys(("SkipError", "chinese_reason", "parse_reason", "skip_reason"), "reasons"),
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "CORPUS_SUFFIXES",
    "SIDECAR_SUFFIX",
    "Attribution",
    "Corpus",
    "CorpusFile",
    "CorpusScan",
    "DocumentCache",
    "Progress",
    "RawDocument",
    "SkipError",
    "SkippedFile",
    "beyond_title",
    "chinese_reason",
    "corpus_files",
    "decode_bytes",
    "detect_format",
    "display_name",
    "doc_id_for",
    "doc_tool",
    "document_from_data",
    "find_attribution",
    "load_corpus",
    "parse_reason",
    "read_document",
    "scan",
    "skip_reason",
    "unique_doc_ids",
]
