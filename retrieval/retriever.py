"""`Retriever`: the one object every front end talks to (CLI, REPL, Telegram bot, evaluation)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from retrieval import messages
from retrieval.answer import build_answer
from retrieval.confidence import Signals, measure
from retrieval.conversation import FOLLOW_UP_WINDOW, Conversation, Turn, ask_in
from retrieval.corpus import build_index, documents_cache, read_and_chunk
from retrieval.errors import CacheError, ConfigError
from retrieval.index import (
    Index,
    TokenCache,
    Tokenizer,
    cache_path,
    corpus_fingerprint,
    default_cache_dir,
    load_index,
    make_fusion,
    save_index,
    token_cache_path,
)
from retrieval.index.expansion import Query, build_query, lexicon
from retrieval.ingest import Progress
from retrieval.normalize import clean_question, detect_script, fold_for_matching, to_script
from retrieval.semantic import EmbeddingProgress, SemanticIndex, semantic_for
from retrieval.settings import RetrieverSettings
from retrieval.types import Answer, Chunk, Document, NormalizationReport

# build_index, documents_cache and read_and_chunk live in retrieval/corpus.py; front ends import them here
__all__ = [
    "MAX_QUESTION_CHARS",
    "Retriever",
    "build_index",
    "documents_cache",
    "fold_question",
    "read_and_chunk",
]

log = logging.getLogger(__name__)

# Longer questions are cut before retrieval: BM25 over a pasted page says nothing useful.
MAX_QUESTION_CHARS = 500


class Retriever:
    def __init__(
        self,
        index: Index,
        corpus_dir: Path | None = None,
        semantic: SemanticIndex | None = None,
        *,
        dictionary_store: Path | None = None,
    ) -> None:
        """`dictionary_store`: cache folder for the memory-mapped jieba dictionary (fast start-up)."""
        self.index = index
        self.corpus_dir = corpus_dir
        self.semantic = semantic  # the optional semantic signal (retrieval/semantic), None when off
        self.tokenizer = Tokenizer(index.settings, dictionary_store)
        self.tokenizer.warm_up()
        self.fusion = make_fusion(index)

    @property
    def settings(self) -> RetrieverSettings:
        return self.index.settings

    @property
    def documents(self) -> tuple[Document, ...]:
        return self.index.documents

    @property
    def chunks(self) -> Sequence[Chunk]:
        return self.index.chunks

    @property
    def skipped(self) -> tuple[tuple[str, str], ...]:
        return self.index.skipped

    @classmethod
    def from_corpus(
        cls,
        corpus_dir: str | Path,
        settings: RetrieverSettings | None = None,
        *,
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
        progress: EmbeddingProgress | None = None,
        read_progress: Progress | None = None,
    ) -> Retriever:
        """Load the index from the cache when it matches the corpus and settings, else build it.

        With `settings.semantic` on, chunk vectors are loaded from beside the index (or embedded, calling
        `progress(done, total)` as they come); with `use_cache` off they are kept in `cache_dir` only when
        one is given (embedding costs far more than indexing). A fresh build calls
        `read_progress(done, total, file)` after each corpus file is read.
        """
        corpus = Path(corpus_dir)
        settings = settings or RetrieverSettings()
        if not use_cache:
            built = build_index(corpus, settings, progress=read_progress)
            return cls(built, corpus, semantic_for(built, Path(cache_dir) if cache_dir else None, progress))
        key = corpus_fingerprint(corpus, settings)
        path = cache_path(Path(cache_dir) if cache_dir else default_cache_dir(), key)
        # the cache key leaves out settings that do not change the index (abstention thresholds, fusion
        # depth): a cached index is loaded with the current settings, never the ones it was built with
        index = load_index(path, key, settings)
        if index is None:
            documents = documents_cache(path.parent)
            tokens = TokenCache(token_cache_path(path.parent), shared=settings.shared_cache)
            index = build_index(corpus, settings, tokens, documents, read_progress)
            try:
                save_index(path, key, index, shared=settings.shared_cache)
            except CacheError as exc:  # a read-only cache dir costs speed, not answers
                log.warning("%s", exc)
        return cls(index, corpus, semantic_for(index, path.parent, progress), dictionary_store=path.parent)

    @classmethod
    def from_xapian(cls, path: str | Path, settings: RetrieverSettings | None = None) -> Retriever:
        """Rank over Xapian shards (a database folder or a stub file): no corpus folder, no postings in
        memory; answers equal the in-memory index's for the settings the shards were built with."""
        try:
            from retrieval.index.backends.xapian_index import open_shard_index
        except ImportError:  # the optional extra: pip install 'qabot[xapian]'
            raise ConfigError("the xapian backend needs the Xapian Python bindings (qabot[xapian])") from None
        return cls(open_shard_index(Path(path), settings or RetrieverSettings()))

    @classmethod
    def from_passages(
        cls, passages: Sequence[tuple[str, str]], settings: RetrieverSettings | None = None
    ) -> Retriever:
        """One chunk per (id, text) passage, no normalization or chunking: for public benchmarks."""
        settings = settings or RetrieverSettings()
        chunks = [Chunk(pid, pid, pid, (), 1, text, 0, len(text)) for pid, text in passages]
        report = NormalizationReport()
        docs = [Document(c.doc_id, "", c.title, c.text, "utf-8", (), report) for c in chunks]
        return cls(Index.build(docs, chunks, settings))

    def question_terms(self, question: str) -> list[str]:
        """BM25 terms of a question, tokenized exactly as chunks were."""
        return self.tokenizer.tokenize(fold_question(question))

    def rank(self, question: str, k: int = 10) -> list[tuple[Chunk, float]]:
        """Raw BM25 ranking, no abstention."""
        folded = fold_question(question)
        ranked, _ = self._retrieve(self.query(folded, self.tokenizer.tokenize(folded)), k)
        return [(self.chunks[i], s) for i, s in ranked]

    def ask(self, question: str, k: int = 3) -> Answer:
        """Answer a question with up to k cited hits, or abstain with a helpful message."""
        question = clean_question(question)
        text = question.strip()
        script = detect_script(text)
        if not text:
            return Answer(question, script, False, (), to_script(messages.EMPTY_QUESTION, script))
        note = ""
        if len(text) > MAX_QUESTION_CHARS:
            note = to_script(messages.TOO_LONG.format(limit=MAX_QUESTION_CHARS), script)
        folded = fold_question(text)
        terms = self.tokenizer.tokenize(folded)
        if not terms:
            message = "\n".join(m for m in (note, to_script(messages.NO_TERMS, script)) if m)
            return Answer(question, script, False, (), message)
        query = self.query(folded, terms)
        ranked, cosine = self._retrieve(query, max(k, 1))
        return build_answer(question, script, terms, ranked, self.index, note, query=query, cosine=cosine)

    def signals(self, question: str) -> Signals | None:
        """The confidence signals `ask` grades (retrieval/confidence.py), for evaluation and debugging."""
        folded = fold_question(question.strip())
        query = self.query(folded, self.tokenizer.tokenize(folded))
        ranked, cosine = self._retrieve(query, 1)
        return measure(query, ranked[0], self.index, cosine) if ranked and query.terms else None

    def query(self, folded: str, terms: list[str]) -> Query:
        """The question's terms plus the colloquial lexicon's expansions (settings.expansion_weight)."""
        weight = self.settings.expansion_weight
        entries = lexicon() if weight > 0 else ()
        return build_query(folded, terms, self.tokenizer.tokenize, weight, entries)

    def _rank(self, query: Query, k: int) -> list[tuple[int, float]]:
        """The lexical run: words, or words fused with character bigrams (settings.fusion)."""
        if not query.terms:
            return []
        if self.fusion is None:
            return self.index.top_k(query.all_terms, k, query.weights)
        return self.fusion.rank(query, k)

    def _retrieve(self, query: Query, k: int) -> tuple[list[tuple[int, float]], float | None]:
        """Ranked (chunk position, lexical score) and the top cosine (None with the semantic signal off).

        With the semantic signal, the lexical and dense runs are fused by weighted RRF; a chunk only the
        dense run found keeps score 0, so the BM25 score floor keeps its meaning.
        """
        if self.semantic is None:
            return self._rank(query, k), None
        lexical = self._rank(query, max(k, self.settings.fusion_depth))
        return self.semantic.fuse(lexical, query.folded, k, self.settings)

    def ask_in(
        self,
        conversation: Conversation,
        question: str,
        k: int = 3,
        *,
        now: float | None = None,
        window: float = FOLLOW_UP_WINDOW,
        reply_to: Turn | None = None,
    ) -> tuple[Answer, Conversation]:
        """`ask` as the next message of a conversation: follow-ups, "还有呢" (retrieval/conversation)."""
        return ask_in(self, conversation, question, k, now=now, window=window, reply_to=reply_to)


def fold_question(question: str) -> str:
    """The question as matched: cleaned, cut to MAX_QUESTION_CHARS, then folded like chunk text."""
    return fold_for_matching(clean_question(question)[:MAX_QUESTION_CHARS])
