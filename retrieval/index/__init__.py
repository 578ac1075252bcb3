"""Index stage: `Chunk`s in, a searchable BM25 `Index` out — and a ranked list of chunk positions per query.

Enters: documents and their chunks. `tokenize` turns folded text into terms (jieba + domain dictionary +
stopwords; the same for index and queries), `tokencache` keeps tokens per chunk text, `bm25` builds the
`Index` over a scoring backend from `backends/` (rank-bm25 reference, `sparse` default; `xapian_*`, with
the optional extra, writes and searches Xapian shards with the same scores), `fusion` adds the
optional character-bigram run, `cache` stores the index on disk keyed by corpus and settings (written with
`atomic`), `positions` says where each document's chunks sit.
Leaves: `Index.top_k(terms, k) -> [(chunk position, score)]`.
"""

from retrieval.index.backends import BACKEND_NAMES, DEFAULT_BACKEND
from retrieval.index.backends.kernel import kernel_status
from retrieval.index.bm25 import Index, index_text
from retrieval.index.cache import (
    cache_path,
    corpus_fingerprint,
    default_cache_dir,
    load_index,
    save_index,
    token_cache_path,
)
from retrieval.index.fusion import make_fusion
from retrieval.index.lazy_chunks import LazyChunks
from retrieval.index.positions import ChunkCounts, Positions, walk_positions
from retrieval.index.tokencache import TokenCache
from retrieval.index.tokenize import Tokenizer

__all__ = [
    "BACKEND_NAMES",
    "DEFAULT_BACKEND",
    "ChunkCounts",
    "Index",
    "LazyChunks",
    "Positions",
    "TokenCache",
    "Tokenizer",
    "cache_path",
    "corpus_fingerprint",
    "default_cache_dir",
    "index_text",
    "kernel_status",
    "load_index",
    "make_fusion",
    "save_index",
    "token_cache_path",
    "walk_positions",
]
