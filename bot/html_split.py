"""Telegram-HTML length and splitting: the 4096 limit counts text after entity parsing, in UTF-16 units."""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096
_TOKEN = re.compile(r"<(/?)([a-z-]+)[^>]*>|[^<]+")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """What Telegram displays for `markup`: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def visible_length(markup: str) -> int:
    return utf16_length(visible_text(markup))


def split_html(markup: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack paragraphs (lines) into messages of at most `limit` visible units; never split inside a tag.

    Paragraphs are joined greedily; a blank line between paragraphs is kept inside a message and dropped
    at a break. A single paragraph longer than `limit` is cut between characters, closing and reopening
    the tags open at the cut.
    """
    messages: list[str] = []
    current: list[str] = []
    current_length = 0
    for line in markup.split("\n"):
        line_length = visible_length(line)
        separator = 1 if current else 0
        if current and current_length + separator + line_length > limit:
            messages.append("\n".join(current).strip("\n"))
            current, current_length, separator = [], 0, 0
        if line_length > limit:
            pieces = _cut_paragraph(line, limit)
            messages.extend(pieces[:-1])
            line = pieces[-1]
            line_length = visible_length(line)
        current.append(line)
        current_length += separator + line_length
    if current:
        messages.append("\n".join(current).strip("\n"))
    return [m for m in messages if visible_text(m).strip()]


def _cut_paragraph(line: str, limit: int) -> list[str]:
    """Split one over-long paragraph into pieces of at most `limit` units, keeping tags balanced."""
    pieces: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, full opening tag)
    buffer: list[str] = []
    used = 0
    for match in _TOKEN.finditer(line):
        token = match.group(0)
        if match.group(2):  # a tag
            if match.group(1):
                if open_tags:
                    open_tags.pop()
            else:
                open_tags.append((match.group(2), token))
            buffer.append(token)
            continue
        for char in _entity_aware_chars(token):
            width = utf16_length(html.unescape(char))
            if used + width > limit:
                buffer.extend(f"</{name}>" for name, _ in reversed(open_tags))
                pieces.append("".join(buffer))
                buffer = [opening for _, opening in open_tags]
                used = 0
            buffer.append(char)
            used += width
    pieces.append("".join(buffer))
    return pieces


def _entity_aware_chars(text: str) -> list[str]:
    """Characters of escaped text, each HTML entity (&amp; …) kept as one unit."""
    return re.findall(r"&#?\w+;|.", text, flags=re.DOTALL)
