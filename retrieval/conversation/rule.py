"""The follow-up decision: is a question "more", a follow-up, content-free, or a topic of its own?

Read from the question's BM25 terms against the corpus, not from a phrase list alone:
- a term is *generic* when it is in `data/followup_words.txt` (words that never name a topic: 具体, 措施,
  要求, 领导 …) or when the corpus uses it everywhere — it occurs in at least `GENERIC_CHUNK_SHARE` of the
  chunks (问题, 工作, 整改 in the seed speeches);
- a question *has a topic* when at least one of its terms is not generic;
- it is *content-free* when it has no terms at all or only follow-up words (document frequency alone never
  makes a standalone question content-free: "整改工作有哪些要求" still searches without context);
- it is a *more* request when the whole message is one of `data/more_requests.txt` (还有呢, 更多, 下一条).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from retrieval.index import Index
from retrieval.normalize import fold_for_matching

# Share of chunks a term must occur in to count as generic (seed corpus: 问题 0.54, 整改 0.25, 责任 0.24,
# 信访 0.14, 空气质量 0.08); chosen with the follow-up cases of `qabot eval`.
GENERIC_CHUNK_SHARE = 0.2

Kind = Literal["fresh", "followup", "more", "need_topic"]

# Punctuation, spaces and the sentence-final particles that do not change what a short request asks.
_NOISE = re.compile(r"[\W_]+|[呢吗啊呀吧嘛么哈]+$")


def _data_lines(name: str) -> frozenset[str]:
    text = resources.files("retrieval").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(s for s in (line.strip() for line in text.splitlines()) if s and not s.startswith("#"))


@lru_cache(maxsize=1)
def followup_words() -> frozenset[str]:
    """Words that never name a topic on their own (data/followup_words.txt)."""
    return _data_lines("followup_words.txt")


@lru_cache(maxsize=1)
def more_requests() -> frozenset[str]:
    """Whole messages that ask for the next passage (data/more_requests.txt), already reduced by `_bare`."""
    return frozenset(_bare(line) for line in _data_lines("more_requests.txt"))


def _bare(text: str) -> str:
    reduced = _NOISE.sub("", fold_for_matching(text))
    return _NOISE.sub("", reduced)  # particles left at the end once punctuation went


def is_more_request(question: str) -> bool:
    return _bare(question) in more_requests()


def is_generic(term: str, index: Index) -> bool:
    if term in followup_words():
        return True
    chunks = len(index.chunks)
    return bool(chunks) and index.doc_freq(term) / chunks >= GENERIC_CHUNK_SHARE


def has_topic(terms: Sequence[str], index: Index) -> bool:
    return any(not is_generic(t, index) for t in terms)


def is_content_free(terms: Sequence[str]) -> bool:
    return all(t in followup_words() for t in terms)


@dataclass(frozen=True)
class Decision:
    kind: Kind
    reason: str  # for logs and tests: which part of the rule decided


def decide(question: str, terms: Sequence[str], index: Index, has_context: bool) -> Decision:
    """Apply the rule; `has_context` says whether an earlier turn is close enough to follow up."""
    if is_more_request(question):
        return Decision("more", "more request") if has_context else Decision("need_topic", "more, no context")
    if has_topic(terms, index):
        return Decision("fresh", "own topic terms")
    if has_context:
        return Decision("followup", "only generic terms")
    if is_content_free(terms):
        return Decision("need_topic", "content-free, no context")
    return Decision("fresh", "generic terms, no context")
