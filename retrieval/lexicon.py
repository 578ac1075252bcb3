"""Character and word statistics from jieba's dictionary, and cached OpenCC converters.

Used to score candidate decodings of mojibake (common characters and real words are cheap) and to vet
dropped-number redactions.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path
from typing import Final

import opencc

from retrieval.patterns import CJK_RE

COMMON_PUNCT: Final = frozenset("。，、：；！？“”‘’《》（）…—")
UNKNOWN_COST: Final = 24.0  # -log p for characters absent from the dictionary
_SIMPLIFIED_PENALTY: Final = 8.0  # simplified-only character inside a traditional document


@lru_cache(maxsize=4)
def converter(config: str) -> opencc.OpenCC:
    """Cached OpenCC converter ("t2s", "s2t"); building one costs milliseconds."""
    return opencc.OpenCC(config)


@cache
def jieba_words() -> dict[str, int]:
    """jieba's word dictionary (simplified script) as word -> frequency; read once, lazily."""
    import jieba  # deferred: importing jieba is slow and only the dictionary file is needed

    words: dict[str, int] = {}
    with (Path(jieba.__file__).parent / "dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            word, freq, *_ = line.split(" ")
            words[word] = int(freq)
    return words


@lru_cache(maxsize=65536)
def simplified(ch: str) -> str:
    """t2s of one character (cached: called for every candidate decoding)."""
    out: str = converter("t2s").convert(ch)
    return out


def word_freq(word: str) -> int:
    """Frequency of a word (any script) in jieba's dictionary; 0 when absent."""
    return jieba_words().get("".join(simplified(c) for c in word), 0)


@cache
def _char_counts() -> tuple[Counter[str], float]:
    """Character frequencies summed over the words that contain them."""
    counts: Counter[str] = Counter()
    for word, freq in jieba_words().items():
        for ch in word:
            counts[ch] += freq
    return counts, float(sum(counts.values()))


@lru_cache(maxsize=65536)
def char_cost(ch: str, traditional: bool = False) -> float:
    """-log probability of a character; punctuation is cheap, unknown symbols expensive."""
    if ch in COMMON_PUNCT:
        return 6.0
    if not CJK_RE.match(ch):
        return 7.0 if ch.isascii() and ch.isalnum() else UNKNOWN_COST
    counts, total = _char_counts()
    simp = simplified(ch)
    n = counts.get(simp, 0)
    cost = -math.log(n / total) if n else UNKNOWN_COST
    if traditional and simp == ch and converter("s2tw").convert(ch) != ch:
        cost += _SIMPLIFIED_PENALTY
    return cost
