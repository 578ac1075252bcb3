"""The searchable index: chunks, their BM25 terms, document frequencies and a scoring backend.

The character-bigram companion (`CompanionIndex`) is built from the word index's texts with its tokens
made on demand: bigrams are cheap to make (no jieba), and keeping every chunk's bigram strings until the
token cache is saved cost more memory than the companion's postings themselves. Fusion only ranks with it,
so it keeps no document frequencies or vocabulary n-grams (a second pass over every chunk's bigrams).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from retrieval.index.backends import Backend, Weights, make_backend
from retrieval.index.positions import ChunkCounts, Positions
from retrieval.index.tokencache import TokenCache, TokenLists
from retrieval.index.tokenize import Tokenizer
from retrieval.normalize import fold_for_matching
from retrieval.settings import RetrieverSettings
from retrieval.types import Chunk, Document


def index_text(chunk: Chunk, settings: RetrieverSettings) -> str:
    """Folded text a chunk is indexed under: its section labels (when enabled) and its body."""
    head = " ".join(chunk.section) + "\n" if settings.index_headings and chunk.section else ""
    return fold_for_matching(head + chunk.text)


def char_ngrams(term: str) -> list[str]:
    """Single characters of a one-character term, else its character bigrams."""
    return [term] if len(term) == 1 else [term[i : i + 2] for i in range(len(term) - 1)]


def bigram_token_lists(texts: Sequence[str], settings: RetrieverSettings) -> TokenLists:
    """Each index text's tokens under `settings` (a `bigram_companion()`), made when read and never kept:
    bigrams need no jieba. Picklable (shard writers hand it to worker processes)."""
    return TokenLists(len(texts), functools.partial(_tokens_at, Tokenizer(settings), texts))


def _tokens_at(tokenizer: Tokenizer, texts: Sequence[str], i: int) -> list[str]:
    return tokenizer.tokenize(texts[i])


def new_backend(settings: RetrieverSettings) -> Backend:
    """An unbuilt backend of the kind and parameters `settings` ask for."""
    return make_backend(
        settings.backend, variant=settings.variant, k1=settings.k1, b=settings.b, epsilon=settings.epsilon
    )


@dataclass
class Index:
    settings: RetrieverSettings
    documents: tuple[Document, ...]
    chunks: Sequence[Chunk]  # a tuple in memory; read on demand from Xapian shards
    document_frequency: dict[str, int]
    vocabulary_ngrams: frozenset[str]
    backend: Backend
    skipped: tuple[tuple[str, str], ...] = field(default=())
    # character-bigram companion over the same chunks, for fusion (settings.fuses_bigrams); built and
    # cached with the index so loading never re-tokenizes the corpus
    bigram: Index | None = None

    @classmethod
    def build(
        cls,
        documents: Sequence[Document],
        chunks: Sequence[Chunk],
        settings: RetrieverSettings,
        skipped: Sequence[tuple[str, str]] = (),
        token_cache: TokenCache | None = None,
    ) -> Index:
        """Tokenize every chunk (reusing cached tokens by content hash) and build the BM25 backend, and the
        bigram companion when `settings.fuses_bigrams` (its tokens are never cached)."""
        texts = [index_text(c, settings) for c in chunks]
        # the companion first: its build's temporaries then fit under the word build's peak (jieba's
        # results arriving) instead of adding to the finished word index
        bigram = None
        if settings.fuses_bigrams(len(chunks)):
            bigram = CompanionIndex.over(documents, chunks, settings.bigram_companion(), texts)
        cache = token_cache if token_cache is not None else TokenCache()
        tokens = cache.tokenize(texts, settings)
        index = cls.from_tokens(documents, chunks, tokens, settings, skipped)
        index.bigram = bigram
        return index

    @classmethod
    def from_tokens(
        cls,
        documents: Sequence[Document],
        chunks: Sequence[Chunk],
        tokens: Sequence[Sequence[str]],
        settings: RetrieverSettings,
        skipped: Sequence[tuple[str, str]] = (),
    ) -> Index:
        """An index over chunks already tokenized (`tokens[i]` for `chunks[i]`); benchmarks compose these."""
        backend = new_backend(settings)
        backend.build(tokens)
        df: Counter[str] = Counter()
        for chunk_tokens in tokens:
            df.update(set(chunk_tokens))
        ngrams = frozenset(g for term in df for g in (*term, *char_ngrams(term)))
        return cls(settings, tuple(documents), tuple(chunks), dict(df), ngrams, backend, tuple(skipped))

    def doc_freq(self, term: str) -> int:
        """How many chunks hold the term."""
        return self.document_frequency.get(term, 0)

    def has_ngram(self, gram: str) -> bool:
        """Whether a character or character bigram occurs in some indexed term."""
        return gram in self.vocabulary_ngrams

    def known_positions(self) -> Positions | None:
        """Chunk positions per document and per id when the index has them without reading every chunk
        (shards keep them as metadata); None: walk the chunks."""
        return None

    def chunk_counts(self) -> ChunkCounts:
        """Chunks, and chunks holding a redaction, per document (shards: from their metadata)."""
        return ChunkCounts.of(self.chunks)

    def idf(self, term: str) -> float:
        """Always-positive idf (Lucene form); a term absent from the corpus gets the largest weight."""
        n = len(self.chunks)
        df = self.doc_freq(term)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def is_known(self, term: str) -> bool:
        """Whether the corpus has this term: as an indexed token, or as characters and bigrams of its tokens.

        The second test survives segmentation differences (question "排" vs corpus "排名") without keeping
        the whole corpus text in memory.
        """
        return self.doc_freq(term) > 0 or all(self.has_ngram(g) for g in char_ngrams(term))

    def top_k(self, query_terms: Sequence[str], k: int, weights: Weights = None) -> list[tuple[int, float]]:
        """(chunk position, BM25 score) of the best chunks containing a query term; ties in corpus order.

        `weights` (one per term) scale each term's BM25 contribution: query expansion adds terms below 1.
        """
        if not query_terms or k <= 0:
            return []
        if weights is None:
            return [(i, float(score)) for i, score in self.backend.top_k(list(query_terms), k)]
        return [(i, float(score)) for i, score in self.backend.top_k(list(query_terms), k, list(weights))]


class CompanionIndex(Index):
    """The character-bigram index fusion ranks beside the word index: `top_k` only, no term statistics."""

    @classmethod
    def over(
        cls,
        documents: Sequence[Document],
        chunks: Sequence[Chunk],
        settings: RetrieverSettings,
        texts: Sequence[str] | None = None,
    ) -> CompanionIndex:
        """The companion for `settings` (a `bigram_companion()`); `texts`: the chunks' index texts when the
        caller has them (`Index.build` shares the word index's: `index_text` reads neither the tokenizer
        nor fusion)."""
        texts = texts if texts is not None else [index_text(c, settings) for c in chunks]
        backend = new_backend(settings)
        backend.build(bigram_token_lists(texts, settings))  # one chunk's bigrams alive at a time
        return cls(settings, tuple(documents), tuple(chunks), {}, frozenset(), backend)

    def doc_freq(self, term: str) -> int:
        raise TypeError("the bigram companion keeps no document frequencies: ask the word index")

    def has_ngram(self, gram: str) -> bool:
        raise TypeError("the bigram companion keeps no vocabulary n-grams: ask the word index")
