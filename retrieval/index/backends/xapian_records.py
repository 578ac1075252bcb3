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
NGRAM_KEY_PREFIX = "n:"  # one key per character and character bigram of the word vocabulary

# Settings that change what a shard holds; a replica must ask with the same ones. (k1, b and epsilon are
# applied at query time, so one set of shards serves any of them.)
INDEX_SETTINGS = ("tokenizer", "user_dict", "stopwords", "index_headings", "chunk_min", "chunk_max")
# Document fields a replica keeps (the full text stays in the corpus and in the chunks).
DOCUMENT_FIELDS = ("doc_id", "path", "title", "encoding", "date", "speaker", "occasion")


def chunk_to_data(chunk: Chunk) -> str:
    return json.dumps(dataclasses.asdict(chunk), ensure_ascii=False)


def chunk_from_data(data: bytes | str) -> Chunk:
    raw = json.loads(data)
    known = {f.name for f in dataclasses.fields(Chunk)}
    values = {k: v for k, v in raw.items() if k in known}
    values["section"] = tuple(values.get("section", ()))
    return Chunk(**values)


def documents_to_data(documents: tuple[Document, ...]) -> str:
    rows = [
        {**{f: getattr(d, f) for f in DOCUMENT_FIELDS if hasattr(d, f)}, "truncated": d.truncated}
        for d in documents
    ]
    return json.dumps(rows, ensure_ascii=False)


def documents_from_data(data: str) -> tuple[Document, ...]:
    """Document headers (title, path, truncation, …); their text is left empty: it lives in the chunks."""
    known = {f.name for f in dataclasses.fields(Document)}
    documents = []
    for row in json.loads(data):
        values: dict[str, Any] = {k: v for k, v in row.items() if k in known}
        values.update(text="", cuts=(), report=NormalizationReport(truncated=bool(row.get("truncated"))))
        documents.append(Document(**values))
    return tuple(documents)


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
