"""Relevance by evidence strings, so that one dev set judges any chunking.

A retrieved chunk is relevant to a question when its text contains one of the question's evidence strings
after both are folded the same way: OpenCC t2s, NFKC, lower-case, and every character that is not a letter,
digit or combining mark (punctuation, symbols, whitespace) dropped. The rule deliberately uses OpenCC and
`unicodedata` directly rather than the retriever's own normalizer: the judge must not share code with the
system it judges.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

import opencc

# Pinyin ruby the scraper left after characters, e.g. 標(biāo)題. Only used to read the raw corpus files.
_PINYIN_RUBY = re.compile(r"\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]+)\)")
_KEPT_CATEGORIES = ("L", "N", "M")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold_for_relevance(text: str) -> str:
    """t2s + NFKC + lower-case, keeping only letters, digits and marks."""
    folded = unicodedata.normalize("NFKC", _t2s().convert(text)).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in _KEPT_CATEGORIES)


def strip_pinyin_ruby(raw: str) -> str:
    """Remove the `(pīnyīn)` annotations that some scraped files carry after each character."""
    return _PINYIN_RUBY.sub("", raw)


def is_relevant(chunk_text: str, evidence: Iterable[str]) -> bool:
    """True when the chunk text contains any evidence string (both folded)."""
    folded_chunk = fold_for_relevance(chunk_text)
    return any(fold_for_relevance(e) in folded_chunk for e in evidence)


def matching_evidence(chunk_text: str, evidence: Iterable[str]) -> tuple[str, ...]:
    """The evidence strings found in the chunk text, in the order given."""
    folded_chunk = fold_for_relevance(chunk_text)
    return tuple(e for e in evidence if fold_for_relevance(e) in folded_chunk)
