"""Offset tracking through text rewrites: each step reports its edits so spans can follow the text.

An edit is (start, end, replacement length) in the step's input, edits sorted and non-overlapping. A span
that touches an edit grows to cover the whole replacement (a span inside deleted text becomes empty), so
a damaged span never shrinks away from the characters it warns about.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

Edit = tuple[int, int, int]
Span = tuple[int, int]


def merge_spans(spans: Iterable[Span], length: int | None = None) -> list[Span]:
    """Sorted, non-empty spans with overlapping or touching ones joined; clipped to [0, length) if given."""
    if length is not None:
        spans = ((max(0, s), min(length, e)) for s, e in spans)
    merged: list[Span] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# NFKC never composes across an ASCII character, so text can be normalized piecewise before each one.
_NFKC_PIECE = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")


def sub(
    pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str], text: str
) -> tuple[str, list[Edit]]:
    """`pattern.sub` that also returns the edits; unchanged matches are not edits."""
    out: list[str] = []
    edits: list[Edit] = []
    pos = 0
    for m in pattern.finditer(text):
        new = repl(m) if callable(repl) else m.expand(repl)
        if new == m.group():
            continue
        out.append(text[pos : m.start()])
        out.append(new)
        edits.append((m.start(), m.end(), len(new)))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), edits


def delete(text: str, ranges: Sequence[Span]) -> tuple[str, list[Edit]]:
    """Delete sorted, non-overlapping (start, end) ranges."""
    edits = [(s, e, 0) for s, e in ranges if e > s]
    pieces, pos = [], 0
    for s, e, _ in edits:
        pieces.append(text[pos:s])
        pos = e
    pieces.append(text[pos:])
    return "".join(pieces), edits


def nfkc(text: str) -> tuple[str, list[Edit]]:
    """NFKC normalization with edits, one per changed character where that gives the same result."""
    if unicodedata.is_normalized("NFKC", text):
        return text, []
    out: list[str] = []
    edits: list[Edit] = []
    pos = 0
    for m in _NFKC_PIECE.finditer(text):
        piece = m.group()
        whole = unicodedata.normalize("NFKC", piece)
        if whole == piece:
            continue
        chars = [unicodedata.normalize("NFKC", c) for c in piece]
        out.append(text[pos : m.start()])
        if "".join(chars) == whole:  # no composition across characters: edit each changed one
            out.extend(chars)
            edits.extend(
                (m.start() + k, m.start() + k + 1, len(c)) for k, c in enumerate(chars) if c != piece[k]
            )
        else:
            out.append(whole)
            edits.append((m.start(), m.end(), len(whole)))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), edits


def map_spans(spans: Sequence[Span], edits: Sequence[Edit]) -> list[Span]:
    """Carry spans through one step's edits."""
    if not edits:
        return list(spans)
    starts = [s for s, _, _ in edits]
    shifts = [0, *itertools.accumulate(n - (e - s) for s, e, n in edits)]  # shift before edit k

    def place(pos: int, is_end: bool) -> int:
        k = bisect.bisect_left(starts, pos)  # edits starting before pos
        if k and pos < edits[k - 1][1]:  # inside an edit: grow outwards to the replacement's edge
            start, _end, new_len = edits[k - 1]
            return start + shifts[k - 1] + (new_len if is_end else 0)
        return pos + shifts[k]

    return [(place(s, False), max(place(s, False), place(e, True))) for s, e in spans]
