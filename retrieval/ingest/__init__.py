"""Ingest stage: a corpus folder in, normalized `Document`s out (plus the files skipped, with reasons).

Enters: a folder of speech files in any encoding. One reader per format (`text`, `markdown`) turns a file
into raw text; `walk` decides which entries may be read at all (regular files inside the folder), `names`
gives them printable names and unique ids; `folder` normalizes each text (`retrieval.normalize`) and drops
duplicates. Leaves: `Corpus(documents, skipped, duplicates)`; `scan` alone gives the files without reading.
"""

from retrieval.ingest.encoding import decode_bytes
from retrieval.ingest.folder import (
    CORPUS_SUFFIXES,
    Corpus,
    Progress,
    corpus_files,
    load_corpus,
    read_document,
    scan,
)
from retrieval.ingest.names import display_name, doc_id_for, unique_doc_ids
from retrieval.ingest.walk import CorpusFile, CorpusScan, SkippedFile

__all__ = [
    "CORPUS_SUFFIXES",
    "Corpus",
    "CorpusFile",
    "CorpusScan",
    "Progress",
    "SkippedFile",
    "corpus_files",
    "decode_bytes",
    "display_name",
    "doc_id_for",
    "load_corpus",
    "read_document",
    "scan",
    "unique_doc_ids",
]
