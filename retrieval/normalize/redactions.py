"""Placeholders (XX, *, ×) and numbers the site dropped (下降%, 停家): spans the chunker flags."""

from __future__ import annotations

from retrieval.normalize import patterns as P
from retrieval.normalize.lexicon import converter, jieba_words


def _is_word(word: str) -> bool:
    return jieba_words().get(converter("t2s").convert(word), 0) > 0


def find_redactions(text: str) -> list[tuple[int, int]]:
    """Spans of placeholders (XX, xx, ×, *, _) and of units whose number the site dropped (下降%, 停家).

    A '*' opening a line and followed by a space is a bullet, not a placeholder. For a dropped number the
    span covers the orphaned unit (the '%' or measure word), since the gap itself has no width.
    """
    spans: set[tuple[int, int]] = set()
    bullets = {m.start() for m in P.BULLET_STAR.finditer(text)}
    for pat in (P.PLACEHOLDER_X, P.PLACEHOLDER_STAR, P.PLACEHOLDER_UNDERSCORE, P.DROPPED_PERCENT):
        spans.update(m.span() for m in pat.finditer(text) if m.start() not in bullets)
    for m in P.DROPPED_COUNT_AFTER_VERB.finditer(text):
        unit_start = m.start("gap")
        after = text[unit_start : unit_start + len(m.group()) - (unit_start - m.start()) + 1]
        if not _is_word(after) and not _is_word(m.group()):
            spans.add((unit_start, m.end()))
    for m in P.DROPPED_COUNT_BEFORE_PUNCT.finditer(text):
        start = m.start("gap")
        if text[start - 1] in P.NUMERAL_OR_DEMONSTRATIVE:
            continue
        if not any(_is_word(text[max(0, start - k) : m.end()]) for k in (1, 2, 3)):
            spans.add((start, m.end()))
    ordered = sorted(spans)
    merged: list[tuple[int, int]] = []
    for s, e in ordered:
        if merged and s <= merged[-1][1] and e > s:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        elif not merged or (s, e) != merged[-1]:
            merged.append((s, e))
    return merged
