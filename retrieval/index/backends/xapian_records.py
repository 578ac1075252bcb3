"""What a shard stores besides postings, as JSON (never pickle): chunks, documents, build metadata.

A chunk's Xapian document data is its `Chunk` fields as a JSON object, so a replica shows hits, excerpts
and citations without the corpus folder. Fields are read by name from the dataclass, so a field added to
`Chunk` or `Document` later (with a default) travels without a format change; a field an older shard
lacks keeps its default.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from retrieval.errors import CorpusError
from retrieval.index.positions import DocumentSpan
from retrieval.settings import RetrieverSettings
from retrieval.types import Chunk, Document, NormalizationReport

FORMAT = "qabot-xapian-1"
# Metadata keys (every shard holds the same values except SHARD_KEY; Xapian reads a combined database's
# metadata from its first shard).
FORMAT_KEY = "qabot:format"
SHARD_KEY = "qabot:shard"  # "position/count"
SETTINGS_KEY = "qabot:settings"
STATS_KEY = "qabot:stats"
DOCUMENTS_KEY = "qabot:documents"
SKIPPED_KEY = "qabot:skipped"
SPANS_KEY = "qabot:spans"  # per document: [doc_id, start, count, first ordinal, redacted chunks]
NGRAM_KEY_PREFIX = "n:"  # one key per character and character bigram of the word vocabulary

# Settings that change what a shard holds; a replica must ask with the same ones. (k1, b and epsilon are
# applied at query time, so one set of shards serves any of them.)
INDEX_SETTINGS = ("tokenizer", "user_dict", "stopwords", "index_headings", "chunk_min", "chunk_max")
# Document fields a replica does not keep: the full text stays in the corpus and in the chunks. Every other
# field travels by name (a field `Document` gains later does too); the normalization report as an object.
DOCUMENT_LEFT_OUT = ("text", "cuts", "damaged", "headings", "report")


CHUNK_FIELDS = tuple(f.name for f in dataclasses.fields(Chunk))


def chunk_to_data(chunk: Chunk) -> str:
    # Fields read directly: dataclasses.asdict deep-copies every value, a tenth of a shard build's time.
    return json.dumps({name: getattr(chunk, name) for name in CHUNK_FIELDS}, ensure_ascii=False)


def chunk_from_data(data: bytes | str) -> Chunk:
    raw = json.loads(data)
    values = {k: v for k, v in raw.items() if k in CHUNK_FIELDS}
    values["section"] = tuple(values.get("section", ()))
    return Chunk(**values)


def documents_to_data(documents: tuple[Document, ...]) -> str:
    kept = [f.name for f in dataclasses.fields(Document) if f.name not in DOCUMENT_LEFT_OUT]
    rows = [
        {
            **{name: getattr(d, name) for name in kept},
            "truncated": d.truncated,
            "report": dataclasses.asdict(d.report),
        }
        for d in documents
    ]
    return json.dumps(rows, ensure_ascii=False)


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples frozen dataclasses hold."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def documents_from_data(data: str) -> tuple[Document, ...]:
    """Document headers (title, path, date, normalization report, …); their text is left empty: it lives
    in the chunks. Shards written before the report was kept give a report holding only truncation."""
    known = {f.name for f in dataclasses.fields(Document)} - set(DOCUMENT_LEFT_OUT)
    report_fields = {f.name for f in dataclasses.fields(NormalizationReport)}
    documents = []
    for row in json.loads(data):
        values: dict[str, Any] = {k: _tuples(v) for k, v in row.items() if k in known}
        stored = row.get("report") or {"truncated": bool(row.get("truncated"))}
        report = NormalizationReport(**{k: _tuples(v) for k, v in stored.items() if k in report_fields})
        values.update(text="", cuts=(), report=report)
        documents.append(Document(**values))
    return tuple(documents)


def spans_to_data(spans: list[DocumentSpan]) -> str:
    return json.dumps([span.to_row() for span in spans], ensure_ascii=False)


def spans_from_data(data: str) -> list[DocumentSpan] | None:
    """The per-document spans, or None for shards built without them (or with chunks out of order)."""
    return [DocumentSpan.from_row(row) for row in json.loads(data)] if data else None


def settings_to_data(settings: RetrieverSettings) -> str:
    return json.dumps({n: getattr(settings, n) for n in INDEX_SETTINGS}, ensure_ascii=False)


def check_settings(data: str, settings: RetrieverSettings, where: str) -> None:
    """Refuse to rank with settings other than those the shards were built with."""
    built = json.loads(data) if data else None
    if not isinstance(built, dict):
        raise CorpusError(f"{where} is not a qabot shard (no build settings)")
    differing = [n for n in INDEX_SETTINGS if n in built and built[n] != getattr(settings, n)]
    if differing:
        shown = ", ".join(f"{n}={built[n]!r}" for n in differing)
        raise CorpusError(f"{where} was built with {shown}; ask with the same settings or rebuild it")
