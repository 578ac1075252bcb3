"""Tokens per chunk, cached by content hash and computed in parallel when there are many.

jieba dominates index builds (~0.5 M characters/s per core). Keying tokens by a hash of the tokenizer
settings and the chunk's index text means adding one speech re-tokenizes only that speech's chunks; a big
first build spreads over the machine's cores.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import overload

from retrieval.index.atomic import atomic_write_bytes
from retrieval.index.tokenize import Tokenizer
from retrieval.settings import RetrieverSettings

log = logging.getLogger(__name__)

# Below this many characters to tokenize, starting worker processes costs more than it saves.
PARALLEL_MIN_CHARS = 2_000_000
BATCH_SIZE = 2_000
KEY_BYTES = 16
TOKEN_CACHE_FORMAT = "qabot-tokens-1"


def tokenizer_key(settings: RetrieverSettings) -> str:
    return f"{settings.tokenizer}|{settings.user_dict}|{settings.stopwords}"


def text_key(settings: RetrieverSettings, text: str) -> bytes:
    return hashlib.blake2b(f"{tokenizer_key(settings)}\n{text}".encode(), digest_size=KEY_BYTES).digest()


# Tokens are kept joined by this separator: one string per chunk costs a fraction of a list of strings,
# which is what keeps a million-chunk build within memory. Tokens never contain it (it is not \w).
SEPARATOR = "\x1f"


class TokenLists(Sequence[list[str]]):
    """A read-only sequence of token lists made on access by `make(i)`: a backend reads each once or twice,
    so nothing needs to hold every list at once."""

    def __init__(self, length: int, make: Callable[[int], list[str]]) -> None:
        self._length = length
        self._make = make

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, i: int) -> list[str]: ...
    @overload
    def __getitem__(self, i: slice) -> list[list[str]]: ...
    def __getitem__(self, i: int | slice) -> list[str] | list[list[str]]:
        if isinstance(i, slice):
            return [self._make(j) for j in range(*i.indices(self._length))]
        if not -self._length <= i < self._length:
            raise IndexError(i)
        return self._make(i % self._length)

    def __iter__(self) -> Iterator[list[str]]:
        return (self._make(i) for i in range(self._length))


def joined_token_lists(joined: Sequence[str]) -> TokenLists:
    """Token lists stored as joined strings, split on access (picklable: shard builds hand them to
    worker processes)."""
    return TokenLists(len(joined), functools.partial(_split_at, joined))


def _split_at(joined: Sequence[str], i: int) -> list[str]:
    return split_tokens(joined[i])


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
    import multiprocessing  # here: a process answering from a cached index never needs them (~15 ms)
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(settings, list(texts[i : i + BATCH_SIZE])) for i in range(0, len(texts), BATCH_SIZE)]
    # spawn, not fork: forking a process that may hold threads (the bot, jieba's lock) is unsafe.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [joined for batch in pool.map(_tokenize_batch, jobs) for joined in batch]


class TokenCache:
    """A persistent map from (tokenizer settings, text) to tokens; a missing or corrupt file starts empty.

    Stored as JSON (never pickle): {"format", "keys": [hex], "tokens": [joined tokens]}, checked on load.
    """

    def __init__(self, path: Path | None = None, *, shared: bool = False) -> None:
        self.path = path
        self.shared = shared  # file mode: see `atomic`
        self.entries: dict[bytes, str] = {}  # joined tokens
        self.used: set[bytes] = set()  # keys asked for since loading: what the current corpus needs
        self.misses = 0  # texts tokenized afresh since loading
        if path is not None and path.exists():
            try:
                self.entries = _decode(json.loads(path.read_bytes()))
            except (OSError, ValueError, TypeError) as exc:  # an unreadable cache only costs time
                log.warning("token cache %s is unreadable (%s); starting afresh", path, exc)

    def tokenize(
        self, texts: Sequence[str], settings: RetrieverSettings, workers: int | None = None
    ) -> TokenLists:
        """Tokens for every text: cached ones reused, the rest computed (in parallel if many) and stored."""
        keys = [text_key(settings, t) for t in texts]
        self.used.update(keys)
        missing = sorted({i for i, k in enumerate(keys) if k not in self.entries})
        self.misses += len(missing)
        if missing:
            fresh = tokenize_texts([texts[i] for i in missing], settings, workers)
            for i, joined in zip(missing, fresh, strict=True):
                self.entries[keys[i]] = joined
        return joined_token_lists([self.entries[k] for k in keys])

    def save(self) -> None:
        """Write the entries used since loading (texts that left the corpus are dropped, so the file does
        not grow forever); atomic (temporary file + rename); failures are logged, never fatal."""
        if self.path is None:
            return
        self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        stored = {
            "format": TOKEN_CACHE_FORMAT,
            "keys": [k.hex() for k in self.entries],
            "tokens": list(self.entries.values()),
        }
        try:
            data = json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode()
            atomic_write_bytes(self.path, data, shared=self.shared)
        except OSError as exc:
            log.warning("cannot write token cache %s: %s", self.path, exc)


def _decode(stored: object) -> dict[bytes, str]:
    """Entries of a stored token cache; ValueError unless every key and value has the expected shape."""
    if not isinstance(stored, dict) or stored.get("format") != TOKEN_CACHE_FORMAT:
        raise ValueError("not a token cache of this version")
    keys, tokens = stored.get("keys"), stored.get("tokens")
    if not (isinstance(keys, list) and isinstance(tokens, list) and len(keys) == len(tokens)):
        raise ValueError("keys and tokens differ in length")
    if not all(type(k) is str and len(k) == 2 * KEY_BYTES for k in keys):
        raise ValueError("malformed key")
    if not all(type(t) is str for t in tokens):
        raise ValueError("malformed tokens")
    return dict(zip(map(bytes.fromhex, keys), tokens, strict=True))
