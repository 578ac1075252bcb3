"""Structure of a speech line by line: heading and enumeration levels, section labels, sentences."""

from __future__ import annotations

import re

from retrieval.chunk.markers import (
    ENUMERATION_PATTERNS,
    HEADING_MAX_CHARS,
    HEADING_PATTERNS,
    LABEL_MAX_CHARS,
    SENTENCE,
)

_SENTENCE_END = re.compile(r"[。!?;]")
# Heading levels from which a one-sentence line is a list item rather than a heading (1. / 第一,).
NUMBERED_ITEM_MIN_LEVEL = 3
_CLAUSE_END = re.compile(r"[,:、]")


def heading_level(line: str) -> int | None:
    """Level of a heading marker at the start of `line`, or None for body text."""
    for level, pattern in HEADING_PATTERNS:
        if pattern.match(line):
            return level
    return None


def enumeration_level(sentence: str) -> int | None:
    """Level of an enumeration marker (一是 / 一要 / 首先 …) opening `sentence`, or None."""
    for level, pattern in ENUMERATION_PATTERNS:
        if pattern.match(sentence):
            return level
    return None


def section_label(text: str) -> str:
    """Short label for a heading or enumeration: its first clause or sentence, capped in length."""
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if len(sentence) <= LABEL_MAX_CHARS:
        return sentence
    clauses = [m.start() for m in _CLAUSE_END.finditer(sentence, 4, LABEL_MAX_CHARS)]
    return sentence[: clauses[-1]] if clauses else sentence[: LABEL_MAX_CHARS - 1] + "…"


def split_sentences(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of `text`, offset by `start`; whitespace-only spans dropped."""
    spans = []
    for match in SENTENCE.finditer(text):
        if match.group().strip():
            spans.append((start + match.start(), start + match.end()))
    return spans


def heading_split(line: str, level: int) -> int:
    """Length of the heading part of a line that may continue with body text (0: no heading at all).

    A numbered line that is a finished sentence ("1. 市级河长每季度巡河不少于一次。") is a list item of the
    body, not a heading: its text must reach a chunk.
    """
    if (
        level >= NUMBERED_ITEM_MIN_LEVEL
        and re.search(r"[。!?;]$", line)
        and len(_SENTENCE_END.findall(line)) == 1
    ):
        return 0
    if len(line) <= HEADING_MAX_CHARS and not re.search(r"[。!?;]\S", line):
        return len(line)
    match = re.search(r"[。!?;]", line)
    return match.end() if match and match.end() <= HEADING_MAX_CHARS else 0
