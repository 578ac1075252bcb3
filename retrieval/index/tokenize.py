"""Tokenization for index and queries alike: jieba with a domain dictionary and stopwords.

Input is text already folded by `normalize.fold_for_matching` (simplified script, NFKC, lower case),
so the data files are in simplified script.
"""

from __future__ import annotations

import importlib
import logging
import re
import sys
import threading
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from retrieval.index import dictionary
from retrieval.settings import RetrieverSettings

if TYPE_CHECKING:
    import jieba

log = logging.getLogger(__name__)

# Tokens with no letter or digit (punctuation, spaces, emoji) never carry meaning for BM25.
_MEANINGFUL = re.compile(r"\w")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RUN = re.compile(r"[a-z0-9][a-z0-9.+#_%-]*")

_jieba_lock = threading.Lock()


def _data_lines(name: str) -> list[str]:
    text = resources.files("retrieval").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Question words, fillers and function words dropped from index and queries."""
    return frozenset(_data_lines("stopwords.txt"))


@lru_cache(maxsize=1)
def user_dictionary() -> tuple[tuple[str, int], ...]:
    """Domain words (生态环境, 督察, 黑臭水体 …) with the frequencies jieba should give them."""
    entries = []
    for line in _data_lines("userdict.txt"):
        word, freq, *_ = line.split()
        entries.append((word, int(freq)))
    return tuple(entries)


def import_jieba() -> ModuleType:
    """jieba, imported without `pkg_resources` (its 85 ms import only serves to open jieba's own files,
    for which jieba falls back to `open` when the import fails)."""
    if "jieba" in sys.modules:  # imported by someone else first: still keep its loading chatter quiet
        module: ModuleType = sys.modules["jieba"]
        module.setLogLevel(logging.WARNING)
        return module
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        module = importlib.import_module("jieba")
    finally:
        if blocked and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    module.setLogLevel(logging.WARNING)
    return module


# The user-dictionary word maps `_jieba` has made in this process ("full" dict or "frozen" memory map).
_loaded_frequencies: dict[str, Mapping[str, int]] = {}


@lru_cache(maxsize=4)
def _jieba(with_user_dict: bool, store: Path | None = None) -> jieba.Tokenizer:
    """A private jieba tokenizer (the global one stays untouched for other users of jieba).

    With a `store` folder, its dictionary comes from (or is saved to) a memory-mapped `FrozenDictionary`
    there, which opens in milliseconds instead of the ~0.6 s jieba's own initialization takes.
    """
    jb = import_jieba()
    if store is not None:
        key = _dictionary_key(jb, with_user_dict)
        folder = store / f"jieba-{key}"
        frozen = dictionary.load(folder, key)
        if frozen is not None:
            fast = jb.Tokenizer()
            fast.FREQ, fast.total, fast.initialized = frozen, frozen.total, True
            if with_user_dict:
                _loaded_frequencies.setdefault("frozen", frozen)
            return fast
        real = _jieba(with_user_dict)
        try:
            dictionary.save(folder, real.FREQ, real.total, key)
        except OSError as exc:
            log.warning("cannot store the jieba dictionary in %s: %s", folder, exc)
        return real
    tokenizer = jb.Tokenizer()
    with _jieba_lock:
        tokenizer.initialize()
        if with_user_dict:
            for word, freq in user_dictionary():
                tokenizer.add_word(word, freq)
            _loaded_frequencies["full"] = tokenizer.FREQ
    return tokenizer


def _dictionary_key(jb: ModuleType, with_user_dict: bool) -> str:
    """What the initialized dictionary depends on: jieba's version and dictionary file, our user words."""
    main = Path(str(jb.__file__)).parent / jb.DEFAULT_DICT_NAME
    stat = main.stat()
    words = "\n".join(f"{w} {f}" for w, f in user_dictionary()) if with_user_dict else ""
    sources = [f"{jb.__version__}|{main}|{stat.st_size}|{stat.st_mtime_ns}".encode(), words.encode()]
    return dictionary.dictionary_key(sources)


def dictionary_frequencies() -> Mapping[str, int]:
    """The initialized jieba dictionary with the domain words: word -> frequency (0 for prefixes).

    One already loaded serves: the full one when a build made it, else the memory-mapped one a question
    tokenizer opened — so a question's redaction check does not build jieba's dictionary (0.6 s) again.
    """
    for kind in ("full", "frozen"):
        if kind in _loaded_frequencies:
            return _loaded_frequencies[kind]
    freq: Mapping[str, int] = _jieba(True).FREQ
    return freq


def char_bigrams(text: str) -> list[str]:
    """Overlapping CJK character bigrams (single characters for isolated ones) plus Latin/digit runs."""
    tokens: list[str] = []
    for run in re.finditer(rf"{_CJK.pattern}+|{_LATIN_RUN.pattern}", text):
        word = run.group()
        if not _CJK.match(word) or len(word) == 1:
            tokens.append(word)
        else:
            tokens.extend(word[i : i + 2] for i in range(len(word) - 1))
    return tokens


class Tokenizer:
    """Turns folded text into BM25 terms; one instance serves index and queries so they agree."""

    def __init__(
        self, settings: RetrieverSettings | None = None, dictionary_store: Path | None = None
    ) -> None:
        """`dictionary_store`: a cache folder for the memory-mapped jieba dictionary (see `_jieba`)."""
        self.settings = settings or RetrieverSettings()
        self.dictionary_store = dictionary_store
        self._stop = stopwords() if self.settings.stopwords else frozenset()

    def raw_tokens(self, text: str) -> list[str]:
        """Tokens before stopword removal (whitespace and punctuation-only tokens dropped)."""
        mode = self.settings.tokenizer
        if mode == "bigram":
            return char_bigrams(text)
        jb = _jieba(self.settings.user_dict, self.dictionary_store)
        words = jb.lcut_for_search(text) if mode == "search" else jb.lcut(text)
        return [w for w in (w.strip() for w in words) if w and _MEANINGFUL.search(w)]

    def tokenize(self, text: str) -> list[str]:
        """BM25 terms of already-folded text."""
        return [t for t in self.raw_tokens(text) if t not in self._stop]

    def warm_up(self) -> None:
        """Load jieba's dictionary now rather than on the first question."""
        if self.settings.tokenizer != "bigram":
            _jieba(self.settings.user_dict, self.dictionary_store)
