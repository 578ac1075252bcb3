"""Ingest stage: a corpus folder in, normalized `Document`s out (plus the files skipped, with reasons).

Enters: a folder of speech files in any encoding and format. `walk` decides which entries may be read at
all (regular files inside the folder; links out, FIFOs … are skipped with a reason), `names` gives them
printable names and unique ids. `detect` names a file's format by its content; one reader per format
(`text`, `markdown`, `docx`, `pdf`, `html` with its chrome rules in `html_rules`, `doc` through
antiword/LibreOffice) turns a file into a `RawDocument` (raw text + metadata); `dates` finds the speech's
date, `attribution` (patterns in `attribution_rules`) its speaker and occasion where stated; `readers`
picks the reader by content; `folder` reads the files `walk` found (reusing unchanged documents from
`doccache`), normalizes each text (`retrieval.normalize`) and drops duplicates. Why a file was left out
is a stable code with an English and a Chinese wording (`reasons`).
Leaves: `Corpus(documents, skipped, duplicates)`; `scan` alone gives the files without reading.
"""

from retrieval.ingest.attribution import Attribution, beyond_title, find_attribution
from retrieval.ingest.detect import detect_format
from retrieval.ingest.doc import doc_tool
from retrieval.ingest.doccache import DocumentCache, document_from_data
from retrieval.ingest.encoding import decode_bytes
from retrieval.ingest.folder import (
    CORPUS_SUFFIXES,
    SIDECAR_SUFFIX,
    Corpus,
    Progress,
    corpus_files,
    load_corpus,
    read_document,
    scan,
)
from retrieval.ingest.names import display_name, doc_id_for, unique_doc_ids
from retrieval.ingest.raw import RawDocument
from retrieval.ingest.reasons import SkipError, chinese_reason, parse_reason, skip_reason
from retrieval.ingest.walk import CorpusFile, CorpusScan, SkippedFile

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
