"""The stock pipeline the benchmarks README reports: `jieba.lcut` + `rank_bm25.BM25Okapi`, defaults.

Tokens with no word character (punctuation, whitespace) are dropped from passages and questions, as in the
README's reference figures. `t2s=True` adds OpenCC t2s before tokenizing (the README's second row).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import jieba
import numpy as np
import opencc
from rank_bm25 import BM25Okapi

_WORD_CHARACTER = re.compile(r"\w")

Ranker = Callable[[str, int], list[str]]  # (question, k) -> passage ids, best first


def stock_tokenize(text: str, converter: opencc.OpenCC | None = None) -> list[str]:
    """jieba.lcut, punctuation/whitespace-only tokens dropped."""
    if converter is not None:
        text = converter.convert(text)
    return [token for token in jieba.lcut(text) if _WORD_CHARACTER.search(token)]


def stock_ranker(passages: Sequence[tuple[str, str]], *, t2s: bool = False) -> Ranker:
    """Index (id, text) passages with stock BM25Okapi; return a function ranking ids for a question."""
    jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
    converter = opencc.OpenCC("t2s") if t2s else None
    ids = [pid for pid, _ in passages]
    bm25 = BM25Okapi([stock_tokenize(text, converter) for _, text in passages])

    def rank(question: str, k: int) -> list[str]:
        scores = bm25.get_scores(stock_tokenize(question, converter))
        order = np.argsort(-scores, kind="stable")[:k]  # stable: ties keep passage order
        return [ids[i] for i in order]

    return rank
