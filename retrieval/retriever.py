"""`Retriever`: the one object every front end talks to (CLI, REPL, Telegram bot, evaluation)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path

from retrieval import messages
from retrieval.answer import build_answer
from retrieval.chunk import chunk_document
from retrieval.conversation import FOLLOW_UP_WINDOW, Conversation, Turn, ask_in
from retrieval.errors import CacheError
from retrieval.index import Index, TokenCache, Tokenizer, make_fusion
from retrieval.index.cache import (
    cache_path,
    corpus_fingerprint,
    default_cache_dir,
    load_index,
    pipeline_fingerprint,
    save_index,
    token_cache_path,
)
from retrieval.ingest import DocumentCache, Progress, load_corpus
from retrieval.normalize import clean_question, detect_script, fold_for_matching, to_script
from retrieval.settings import RetrieverSettings
from retrieval.types import Answer, Chunk, Document, NormalizationReport

log = logging.getLogger(__name__)

# Longer questions are cut before retrieval: BM25 over a pasted page says nothing useful.
MAX_QUESTION_CHARS = 500


class Retriever:
    def __init__(self, index: Index, corpus_dir: Path | None = None) -> None:
        self.index = index
        self.corpus_dir = corpus_dir
        self.tokenizer = Tokenizer(index.settings)
        self.tokenizer.warm_up()
        self.fusion = make_fusion(index)

    @property
    def settings(self) -> RetrieverSettings:
        return self.index.settings

    @property
    def documents(self) -> tuple[Document, ...]:
        return self.index.documents

    @property
    def chunks(self) -> tuple[Chunk, ...]:
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
        progress: Progress | None = None,
    ) -> Retriever:
        """Load the index from the cache when it matches the corpus and settings, else build it (calling
        `progress(done, total, file)` after each file read, for a front end to draw)."""
        corpus = Path(corpus_dir)
        settings = settings or RetrieverSettings()
        if not use_cache:
            return cls(build_index(corpus, settings, progress=progress), corpus)
        key = corpus_fingerprint(corpus, settings)
        path = cache_path(Path(cache_dir) if cache_dir else default_cache_dir(), key)
        index = load_index(path, key)
        if index is None:
            documents = documents_cache(path.parent)
            tokens = TokenCache(token_cache_path(path.parent))
            index = build_index(corpus, settings, tokens, documents, progress)
            try:
                save_index(path, key, index)
            except CacheError as exc:  # a read-only cache dir costs speed, not answers
                log.warning("%s", exc)
        elif index.settings != settings:
            # the cache key leaves out settings that do not change the index (abstention thresholds, fusion
            # depth): the cached index must not bring back the values it was built with
            index = dataclasses.replace(index, settings=settings)
        return cls(index, corpus)

    @classmethod
    def from_passages(
        cls, passages: Sequence[tuple[str, str]], settings: RetrieverSettings | None = None
    ) -> Retriever:
        """One chunk per (id, text) passage, no normalization or chunking: for public benchmarks."""
        settings = settings or RetrieverSettings()
        chunks = [
            Chunk(
                chunk_id=pid,
                doc_id=pid,
                title=pid,
                section=(),
                paragraph=1,
                text=text,
                start=0,
                end=len(text),
            )
            for pid, text in passages
        ]
        docs = [
            Document(
                doc_id=c.doc_id,
                path="",
                title=c.title,
                text=c.text,
                encoding="utf-8",
                cuts=(),
                report=NormalizationReport(),
            )
            for c in chunks
        ]
        return cls(Index.build(docs, chunks, settings))

    def question_terms(self, question: str) -> list[str]:
        """BM25 terms of a question, tokenized exactly as chunks were."""
        return self.tokenizer.tokenize(fold_question(question))

    def rank(self, question: str, k: int = 10) -> list[tuple[Chunk, float]]:
        """Raw BM25 ranking, no abstention."""
        folded = fold_question(question)
        return [(self.chunks[i], s) for i, s in self._top_k(folded, self.tokenizer.tokenize(folded), k)]

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
        ranked = self._top_k(folded, terms, max(k, 1))
        return build_answer(question, script, terms, ranked, self.index, note)

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

    def _top_k(self, folded_question: str, terms: list[str], k: int) -> list[tuple[int, float]]:
        """The word run, or the fused word + bigram run when settings.fusion asks for it."""
        if self.fusion is None or not terms:
            return self.index.top_k(terms, k)
        return self.fusion.top_k(folded_question, terms, k)


def fold_question(question: str) -> str:
    """The question as matched: cleaned, cut to MAX_QUESTION_CHARS, then folded like chunk text."""
    return fold_for_matching(clean_question(question)[:MAX_QUESTION_CHARS])


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
    skipped += tuple((dup, f"same text as {kept}") for kept, dup in corpus.duplicates)
    return corpus.documents, chunks, skipped


def build_index(
    corpus_dir: Path,
    settings: RetrieverSettings,
    token_cache: TokenCache | None = None,
    documents_cache: DocumentCache | None = None,
    progress: Progress | None = None,
) -> Index:
    """Ingest, normalize, chunk and index the corpus folder."""
    documents, chunks, skipped = read_and_chunk(corpus_dir, settings, progress, documents_cache)
    log.info("indexed %d documents, %d chunks", len(documents), len(chunks))
    index = Index.build(documents, chunks, settings, skipped, token_cache)
    if token_cache is not None:
        token_cache.save()
    return index
