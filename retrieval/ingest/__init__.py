"""Ingest stage: a corpus folder in, normalized `Document`s out (plus the files skipped, with reasons).

Enters: a folder of speech files in any encoding. One reader per format (`text`, `markdown`) turns a file
into raw text; `folder` walks the tree, normalizes each text (`retrieval.normalize`) and drops duplicates.
Leaves: `Corpus(documents, skipped, duplicates)`.
"""

from retrieval.ingest.encoding import decode_bytes
from retrieval.ingest.folder import (
    CORPUS_SUFFIXES,
    Corpus,
    SkippedFile,
    corpus_files,
    doc_id_for,
    load_corpus,
    read_document,
)

__all__ = [
    "CORPUS_SUFFIXES",
    "Corpus",
    "SkippedFile",
    "corpus_files",
    "decode_bytes",
    "doc_id_for",
    "load_corpus",
    "read_document",
]
