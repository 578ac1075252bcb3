"""From a corpus folder to an `Index`: read (with the documents cache), chunk, tokenize, index."""

from __future__ import annotations

import logging
from pathlib import Path

from retrieval.chunk import chunk_document
from retrieval.index import Index, TokenCache
from retrieval.index.cache import default_cache_dir, pipeline_fingerprint
from retrieval.ingest import DocumentCache, Progress, load_corpus, skip_reason
from retrieval.settings import RetrieverSettings
from retrieval.types import Chunk, Document

log = logging.getLogger(__name__)


def documents_cache(cache_dir: str | Path | None = None) -> DocumentCache:
    """The read-documents cache in `cache_dir` (default: the user cache dir), one per library version."""
    folder = Path(cache_dir) if cache_dir else default_cache_dir()
    return DocumentCache(folder / f"documents-{pipeline_fingerprint()[:16]}.json")


def read_and_chunk(
    corpus_dir: Path,
    settings: RetrieverSettings,
    progress: Progress | None = None,
    documents_cache: DocumentCache | None = None,
) -> tuple[tuple[Document, ...], list[Chunk], tuple[tuple[str, str], ...]]:
    """Documents, their chunks, and (file, reason) for every file left out — everything before tokenizing.
    `progress(done, total, file)` is called after each file (front ends draw a bar); files unchanged since
    the last run come from `documents_cache`, which is saved afterwards."""
    corpus = load_corpus(corpus_dir, progress, documents_cache)
    if documents_cache is not None:
        documents_cache.save()
    chunks = [c for d in corpus.documents for c in chunk_document(d, settings.chunk_min, settings.chunk_max)]
    skipped = tuple((s.path, s.reason) for s in corpus.skipped)
    skipped += tuple((dup, skip_reason("duplicate", doc_id=kept)) for kept, dup in corpus.duplicates)
    return corpus.documents, chunks, skipped


def build_index(
    corpus_dir: Path,
    settings: RetrieverSettings,
    token_cache: TokenCache | None = None,
    documents_cache: DocumentCache | None = None,
    progress: Progress | None = None,
) -> Index:
    """Ingest, normalize, chunk and index the corpus folder (`progress` as for `read_and_chunk`)."""
    documents, chunks, skipped = read_and_chunk(corpus_dir, settings, progress, documents_cache)
    log.info("indexed %d documents, %d chunks", len(documents), len(chunks))
    index = Index.build(documents, chunks, settings, skipped, token_cache)
    if token_cache is not None:
        token_cache.save()
    return index
