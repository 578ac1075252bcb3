"""Deterministic synthetic corpora for benchmarks and differential tests, built from real corpus sentences.

Tokenizing 1M chunks with jieba would take ~30 minutes, so each distinct sentence is tokenized once and a
chunk's token list is the concatenation of its sentences' token lists (jieba rarely merges words across a
sentence boundary, so this is what tokenizing the chunk text would give, up to those rare merges).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from retrieval.errors import CorpusError
from retrieval.index import Tokenizer
from retrieval.index.tokencache import TokenLists
from retrieval.ingest import load_corpus
from retrieval.normalize import fold_for_matching
from retrieval.settings import RetrieverSettings

# Sentence ends (full- and half-width) and line breaks split the corpus into recombinable sentences.
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
_MIN_SENTENCE_CHARS = 6
CHUNK_MIN_CHARS = 80
CHUNK_MAX_CHARS = 400

Tokenize = Callable[[str], list[str]]


def corpus_sentences(corpus_dir: Path) -> tuple[str, ...]:
    """Distinct sentences of the corpus's normalized documents (as the retriever ingests them), in order."""
    seen: dict[str, None] = {}
    for document in load_corpus(corpus_dir).documents:
        for piece in _SENTENCE_END.split(document.text):
            sentence = piece.strip()
            if len(sentence) >= _MIN_SENTENCE_CHARS:
                seen.setdefault(sentence, None)
    if not seen:
        raise CorpusError(f"no sentences found under {corpus_dir}")
    return tuple(seen)


def project_tokenize(settings: RetrieverSettings | None = None) -> Tokenize:
    """The retriever's own tokenization of display text (fold, then jieba + stopwords)."""
    tokenizer = Tokenizer(settings)
    return lambda text: tokenizer.tokenize(fold_for_matching(text))


@dataclass(frozen=True)
class SyntheticCorpus:
    """`size` chunks; chunk i is sentences[sentence_ids[offsets[i]:offsets[i + 1]]] joined with 。"""

    sentences: tuple[str, ...]
    sentence_tokens: tuple[tuple[str, ...], ...]
    sentence_ids: np.ndarray  # int32, all chunks' sentence indices back to back
    offsets: np.ndarray  # int64, size + 1 entries

    @property
    def size(self) -> int:
        return len(self.offsets) - 1

    def chunk_text(self, i: int) -> str:
        ids = self.sentence_ids[self.offsets[i] : self.offsets[i + 1]]
        return "".join(self.sentences[s] + "。" for s in ids)

    def chunk_tokens(self, i: int) -> list[str]:
        ids = self.sentence_ids[self.offsets[i] : self.offsets[i + 1]]
        return list(chain.from_iterable(self.sentence_tokens[s] for s in ids))

    def tokens_view(self) -> TokenLists:
        """A lazy Sequence of every chunk's tokens: no 1M token lists held in memory at once."""
        return TokenLists(self.size, self.chunk_tokens)

    def passages(self) -> list[tuple[str, str]]:
        """(id, text) pairs for `Retriever.from_passages`."""
        return [(f"syn-{i}", self.chunk_text(i)) for i in range(self.size)]


def tokenize_sentences(sentences: Sequence[str], tokenize: Tokenize) -> tuple[tuple[str, ...], ...]:
    """Each distinct sentence tokenized once; chunks reuse these lists."""
    return tuple(tuple(tokenize(s)) for s in sentences)


def chunk_lengths(rng: np.random.Generator, size: int) -> np.ndarray:
    """Target chunk lengths in characters: log-normal around ~200, clipped to the chunker's 80–400."""
    raw = rng.lognormal(mean=np.log(200.0), sigma=0.45, size=size)
    return np.clip(raw, CHUNK_MIN_CHARS, CHUNK_MAX_CHARS).astype(np.int64)


def build_corpus(
    sentences: Sequence[str], sentence_tokens: Sequence[Sequence[str]], size: int, *, seed: int = 0
) -> SyntheticCorpus:
    """`size` chunks of shuffled sentences, each filled up to a target length drawn from `chunk_lengths`."""
    rng = np.random.default_rng(seed)
    lengths = np.array([len(s) + 1 for s in sentences], dtype=np.int64)  # +1 for the 。 joiner
    targets = chunk_lengths(rng, size)
    # Draw sentences in long shuffled passes so every sentence is used evenly, like real text.
    mean_per_chunk = max(1, int(targets.mean() // lengths.mean()) + 2)
    passes = -(-size * mean_per_chunk // len(sentences)) + 1
    stream = np.concatenate([rng.permutation(len(sentences)) for _ in range(passes)]).astype(np.int32)
    offsets = np.zeros(size + 1, dtype=np.int64)
    pos = 0
    for i, target in enumerate(targets.tolist()):
        filled = 0
        start = pos
        while pos < len(stream) and (pos == start or filled + lengths[stream[pos]] <= target):
            filled += int(lengths[stream[pos]])
            pos += 1
        offsets[i + 1] = pos
    return SyntheticCorpus(
        sentences=tuple(sentences),
        sentence_tokens=tuple(tuple(t) for t in sentence_tokens),
        sentence_ids=stream[:pos].copy(),
        offsets=offsets,
    )


def make_queries(
    sentences: Sequence[str], count: int, *, seed: int = 1, min_chars: int = 4, max_chars: int = 14
) -> list[str]:
    """Short query strings: random fragments of corpus sentences (like a user quoting a phrase)."""
    rng = np.random.default_rng(seed)
    queries: list[str] = []
    for _ in range(count):
        sentence = sentences[int(rng.integers(len(sentences)))]
        width = int(rng.integers(min_chars, max_chars + 1))
        start = int(rng.integers(0, max(1, len(sentence) - width + 1)))
        queries.append(sentence[start : start + width])
    return queries
