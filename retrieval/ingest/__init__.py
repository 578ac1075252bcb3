"""Ingest stage: a corpus folder in, normalized `Document`s out (plus the files skipped, with reasons).

Enters: a folder of speech files in any encoding and format. `detect` names a file's format by its content;
one reader per format (`text`, `markdown`, `docx`, `pdf`, `html` with its chrome rules in `html_rules`,
`doc` through antiword/LibreOffice) turns a file into a `RawDocument` (raw text + metadata); `dates` finds
the speech's date; `readers` picks the reader by content; `folder` walks the tree (reusing unchanged
documents from `doccache`), normalizes each text (`retrieval.normalize`) and drops
duplicates. Leaves: `Corpus(documents, skipped, duplicates)`.
"""

from retrieval.ingest.detect import detect_format
from retrieval.ingest.doc import doc_tool
from retrieval.ingest.doccache import DocumentCache
from retrieval.ingest.encoding import decode_bytes
from retrieval.ingest.folder import (
    CORPUS_SUFFIXES,
    SIDECAR_SUFFIX,
    Corpus,
    Progress,
    SkippedFile,
    corpus_files,
    doc_id_for,
    load_corpus,
    read_document,
)
from retrieval.ingest.raw import RawDocument

__all__ = [
    "CORPUS_SUFFIXES",
    "SIDECAR_SUFFIX",
    "Corpus",
    "DocumentCache",
    "Progress",
    "RawDocument",
    "SkippedFile",
    "corpus_files",
    "decode_bytes",
    "detect_format",
    "doc_id_for",
    "doc_tool",
    "load_corpus",
    "read_document",
]
