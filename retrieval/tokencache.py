"""Tokens per chunk, cached by content hash and computed in parallel when there are many.

jieba dominates index builds (~0.5 M characters/s per core). Keying tokens by a hash of the tokenizer
settings and the chunk's index text means adding one speech re-tokenizes only that speech's chunks; a big
first build spreads over the machine's cores.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pickle
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from retrieval.atomic import atomic_pickle
from retrieval.settings import RetrieverSettings
from retrieval.tokenize import Tokenizer

log = logging.getLogger(__name__)

# Below this many characters to tokenize, starting worker processes costs more than it saves.
PARALLEL_MIN_CHARS = 2_000_000
BATCH_SIZE = 2_000


def tokenizer_key(settings: RetrieverSettings) -> str:
    return f"{settings.tokenizer}|{settings.user_dict}|{settings.stopwords}"


def text_key(settings: RetrieverSettings, text: str) -> bytes:
    return hashlib.blake2b(f"{tokenizer_key(settings)}\n{text}".encode(), digest_size=16).digest()


def _tokenize_batch(job: tuple[RetrieverSettings, list[str]]) -> list[list[str]]:
    settings, texts = job
    tokenizer = Tokenizer(settings)
    return [tokenizer.tokenize(t) for t in texts]


def tokenize_texts(
    texts: Sequence[str], settings: RetrieverSettings, workers: int | None = None
) -> list[list[str]]:
    """Tokenize folded texts, over several processes when the work is large enough to pay for them."""
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers < 2 or sum(map(len, texts)) < PARALLEL_MIN_CHARS:
        return _tokenize_batch((settings, list(texts)))
    jobs = [(settings, list(texts[i : i + BATCH_SIZE])) for i in range(0, len(texts), BATCH_SIZE)]
    # spawn, not fork: forking a process that may hold threads (the bot, jieba's lock) is unsafe.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [tokens for batch in pool.map(_tokenize_batch, jobs) for tokens in batch]


class TokenCache:
    """A persistent map from (tokenizer settings, text) to tokens; a missing or corrupt file starts empty."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: dict[bytes, list[str]] = {}
        self.misses = 0
        if path is not None and path.exists():
            try:
                with path.open("rb") as fh:
                    loaded = pickle.load(fh)
                if isinstance(loaded, dict):
                    self.entries = loaded
            except Exception as exc:  # an unreadable cache only costs time
                log.warning("token cache %s is unreadable (%s); starting afresh", path, type(exc).__name__)

    def tokenize(
        self, texts: Sequence[str], settings: RetrieverSettings, workers: int | None = None
    ) -> list[list[str]]:
        """Tokens for every text: cached ones reused, the rest computed (in parallel if many) and stored."""
        keys = [text_key(settings, t) for t in texts]
        missing = sorted({i for i, k in enumerate(keys) if k not in self.entries})
        self.misses = len(missing)
        if missing:
            fresh = tokenize_texts([texts[i] for i in missing], settings, workers)
            for i, tokens in zip(missing, fresh, strict=True):
                self.entries[keys[i]] = tokens
        return [self.entries[k] for k in keys]

    def retain(self, texts: Sequence[str], settings: RetrieverSettings) -> None:
        """Drop entries for texts no longer in the corpus, so the file does not grow forever."""
        wanted = {text_key(settings, t) for t in texts}
        self.entries = {k: v for k, v in self.entries.items() if k in wanted}

    def save(self) -> None:
        """Atomic write (temporary file + rename); failures are logged, never fatal."""
        if self.path is None:
            return
        try:
            atomic_pickle(self.path, self.entries)
        except OSError as exc:
            log.warning("cannot write token cache %s: %s", self.path, exc)
