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
from typing import overload

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


# Tokens are kept joined by this separator: one string per chunk costs a fraction of a list of strings,
# which is what keeps a million-chunk build within memory. Tokens never contain it (it is not \w).
SEPARATOR = "\x1f"


class JoinedTokens(Sequence[list[str]]):
    """Token lists stored as joined strings, split on access (the backend reads each list once or twice)."""

    def __init__(self, joined: Sequence[str]) -> None:
        self.joined = joined

    def __len__(self) -> int:
        return len(self.joined)

    @overload
    def __getitem__(self, i: int) -> list[str]: ...
    @overload
    def __getitem__(self, i: slice) -> list[list[str]]: ...
    def __getitem__(self, i: int | slice) -> list[str] | list[list[str]]:
        if isinstance(i, slice):
            return [split_tokens(j) for j in self.joined[i]]
        return split_tokens(self.joined[i])


def split_tokens(joined: str) -> list[str]:
    return joined.split(SEPARATOR) if joined else []


def _tokenize_batch(job: tuple[RetrieverSettings, list[str]]) -> list[str]:
    settings, texts = job
    tokenizer = Tokenizer(settings)
    return [SEPARATOR.join(tokenizer.tokenize(t)) for t in texts]


def tokenize_texts(
    texts: Sequence[str], settings: RetrieverSettings, workers: int | None = None
) -> list[str]:
    """Tokenize folded texts (joined tokens per text), over several processes when the work is large."""
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers < 2 or sum(map(len, texts)) < PARALLEL_MIN_CHARS:
        return _tokenize_batch((settings, list(texts)))
    jobs = [(settings, list(texts[i : i + BATCH_SIZE])) for i in range(0, len(texts), BATCH_SIZE)]
    # spawn, not fork: forking a process that may hold threads (the bot, jieba's lock) is unsafe.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [joined for batch in pool.map(_tokenize_batch, jobs) for joined in batch]


class TokenCache:
    """A persistent map from (tokenizer settings, text) to tokens; a missing or corrupt file starts empty."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: dict[bytes, str] = {}  # joined tokens
        self.used: set[bytes] = set()  # keys asked for since loading: what the current corpus needs
        self.misses = 0  # texts tokenized afresh since loading
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
    ) -> JoinedTokens:
        """Tokens for every text: cached ones reused, the rest computed (in parallel if many) and stored."""
        keys = [text_key(settings, t) for t in texts]
        self.used.update(keys)
        missing = sorted({i for i, k in enumerate(keys) if k not in self.entries})
        self.misses += len(missing)
        if missing:
            fresh = tokenize_texts([texts[i] for i in missing], settings, workers)
            for i, joined in zip(missing, fresh, strict=True):
                self.entries[keys[i]] = joined
        return JoinedTokens([self.entries[k] for k in keys])

    def save(self) -> None:
        """Write the entries used since loading (texts that left the corpus are dropped, so the file does
        not grow forever); atomic (temporary file + rename); failures are logged, never fatal."""
        if self.path is None:
            return
        self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        try:
            atomic_pickle(self.path, self.entries)
        except OSError as exc:
            log.warning("cannot write token cache %s: %s", self.path, exc)
