"""讲话问答 retrieval core: ingest → normalize → chunk → tokenize → BM25 index → cited answer.

A library: it never imports the Telegram adapter and never reads environment variables.
"""

from retrieval.errors import CacheError, ConfigError, CorpusError, QabotError, QueryError
from retrieval.types import Answer, Chunk, Document, Hit, NormalizationReport

__all__ = [
    "Answer",
    "CacheError",
    "Chunk",
    "ConfigError",
    "CorpusError",
    "Document",
    "Hit",
    "NormalizationReport",
    "QabotError",
    "QueryError",
]
