"""Structure-aware chunking: headings build section paths; paragraphs become chunks of whole sentences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from retrieval.chunk.markers import CLAUSE_BREAK, ENUMERATION_LEVEL
from retrieval.chunk.sections import (
    enumeration_level,
    heading_level,
    heading_split,
    section_label,
    split_sentences,
)
from retrieval.chunk.spans import SpanIndex, first_after, last_before
from retrieval.normalize import find_redactions
from retrieval.types import Chunk, Document


@dataclass(frozen=True)
class _Piece:
    """A run of body text with its section path and source paragraph number."""

    start: int
    end: int
    section: tuple[tuple[int, str], ...]
    paragraph: int
    opens_point: bool = False


def _pieces(doc: Document) -> list[_Piece]:
    """Body text as sentence pieces carrying their section path; heading lines update the path."""
    pieces: list[_Piece] = []
    stack: list[tuple[int, str]] = []
    paragraph = 0
    offset = 0
    styled = dict((line, level) for level, line in doc.headings)
    for line in doc.text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        body_start = line_start
        level = heading_level(line)
        if level is None and line.strip() in styled:  # a Word heading without a 一、 marker: the whole line
            level = styled[line.strip()]
            stack = [s for s in stack if s[0] < level] + [(level, section_label(line.strip()))]
            body_start = line_start + len(line)
        elif level is not None and (head_len := heading_split(line, level)):
            stack = [s for s in stack if s[0] < level] + [(level, section_label(line[:head_len]))]
            body_start = line_start + head_len
        stack = [s for s in stack if s[0] < ENUMERATION_LEVEL]
        body = doc.text[body_start : line_start + len(line)]
        if not body.strip():
            continue
        paragraph += 1
        for s, e in split_sentences(body, body_start):
            sentence = doc.text[s:e].lstrip()
            level = enumeration_level(sentence)
            if level is not None:
                stack = [x for x in stack if x[0] < level] + [(level, section_label(sentence))]
            pieces.append(_Piece(s, e, tuple(stack), paragraph, level is not None))
    return pieces


def _split_long(piece: _Piece, text: str, limit: int) -> list[_Piece]:
    """Cut a sentence longer than `limit` at clause breaks (or hard) so every piece fits."""
    out: list[_Piece] = []
    start = piece.start
    while piece.end - start > limit:
        window = text[start : start + limit]
        breaks = [m.start() for m in CLAUSE_BREAK.finditer(window) if m.start() > limit // 3]
        cut = start + (breaks[-1] if breaks else limit)
        out.append(_Piece(start, cut, piece.section, piece.paragraph, piece.opens_point and not out))
        start = cut
    out.append(_Piece(start, piece.end, piece.section, piece.paragraph, piece.opens_point and not out))
    return out


def _groups(pieces: list[_Piece], text: str, lo: int, hi: int) -> list[list[_Piece]]:
    """Pack consecutive pieces into chunks of lo..hi characters without crossing a heading.

    A new chunk starts at a paragraph or point boundary once the current one is long enough, and
    always when the next piece would overflow `hi`; fragments under `lo` are merged into a neighbour.
    """
    groups: list[list[_Piece]] = []
    for piece in (p for whole in pieces for p in _split_long(whole, text, hi)):
        current = groups[-1] if groups else None
        if current is None or _heading_path(current[0]) != _heading_path(piece):
            groups.append([piece])
            continue
        size = piece.end - current[0].start
        boundary = piece.paragraph != current[-1].paragraph or piece.opens_point
        if size > hi or (boundary and current[-1].end - current[0].start >= lo):
            groups.append([piece])
        else:
            current.append(piece)
    return _merge_tiny(groups, lo, hi)


def _heading_path(piece: _Piece) -> tuple[tuple[int, str], ...]:
    return tuple(s for s in piece.section if s[0] < ENUMERATION_LEVEL)


def _merge_tiny(groups: list[list[_Piece]], lo: int, hi: int) -> list[list[_Piece]]:
    """Fold a group shorter than `lo` into the next group of its section, else the previous one.

    A merge never produces a chunk longer than `hi`; a fragment that fits nowhere stays alone.
    """

    def joinable(first: list[_Piece], second: list[_Piece]) -> bool:
        same = _heading_path(first[0]) == _heading_path(second[0])
        return same and second[-1].end - first[0].start <= hi

    merged: list[list[_Piece]] = []
    carry: list[_Piece] = []
    for position, group in enumerate(groups):
        if carry and joinable(carry, group):
            group = carry + group
        elif carry:
            _append_or_join(merged, carry, joinable)
        carry = []
        is_last = position == len(groups) - 1
        if group[-1].end - group[0].start < lo and not is_last:
            carry = group
        elif group[-1].end - group[0].start < lo:
            _append_or_join(merged, group, joinable)
        else:
            merged.append(group)
    return merged


def _append_or_join(
    merged: list[list[_Piece]], group: list[_Piece], joinable: Callable[[list[_Piece], list[_Piece]], bool]
) -> None:
    if merged and joinable(merged[-1], group):
        merged[-1].extend(group)
    else:
        merged.append(group)


def chunk_document(doc: Document, min_chars: int = 80, max_chars: int = 400) -> list[Chunk]:
    """Chunks of whole sentences with section path, paragraph number, offsets and warning flags."""
    redactions = SpanIndex(find_redactions(doc.text))
    damaged = SpanIndex(doc.damaged)
    chunks = []
    for ordinal, group in enumerate(_groups(_pieces(doc), doc.text, min_chars, max_chars)):
        start, end = group[0].start, group[-1].end
        while start < end and doc.text[start].isspace():
            start += 1
        while end > start and doc.text[end - 1].isspace():
            end -= 1
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}#{ordinal}",
                doc_id=doc.doc_id,
                title=doc.title,
                section=tuple(label for _, label in group[0].section),
                paragraph=group[0].paragraph,
                text=doc.text[start:end],
                start=start,
                end=end,
                truncated=False,
                redacted=redactions.overlaps(start, end),
                damaged=damaged.touches(start, end),
                date=doc.date,
                speaker=doc.speaker,
                occasion=doc.occasion,
            )
        )
    return _flag_cuts(chunks, doc.cuts)


def _flag_cuts(chunks: list[Chunk], cuts: tuple[int, ...]) -> list[Chunk]:
    """Mark the chunk before and the chunk after each place where the site cut text out (chunks are in
    document order and do not overlap, so both their starts and their ends are sorted)."""
    starts = [c.start for c in chunks]
    ends = [c.end for c in chunks]
    flagged: set[int] = set()
    for cut in cuts:
        flagged.update(i for i in (last_before(starts, cut), first_after(ends, cut)) if i is not None)
    return [replace(c, truncated=True) if i in flagged else c for i, c in enumerate(chunks)]
