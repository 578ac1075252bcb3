"""Markdown speeches (`*.md`) as plain text: markup goes, the words and the line structure stay.

Applied before normalization and only to Markdown files: in scraped `.txt` speeches `**` and `*` are
redaction placeholders (建设美丽**), which must survive to be flagged.
"""

from __future__ import annotations

import re
from pathlib import Path

from retrieval.ingest.raw import RawDocument
from retrieval.ingest.text import read_text_file

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_LINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M), r"\1"),  # ATX headings
    (re.compile(r"^ {0,3}(?:[-*_][ \t]*){3,}$", re.M), ""),  # horizontal rules
    (re.compile(r"^ {0,3}>[ \t]?", re.M), ""),  # block quotes
    (re.compile(r"^[ \t]*[-*+][ \t]+", re.M), ""),  # bullet markers (numbered items keep their numbers)
    (re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$", re.M), ""),  # setext heading underlines
)
_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images → alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links → link text
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML tags
)


def strip_markdown(text: str) -> str:
    """Plain text of a Markdown document, one line per source line (so paragraphs keep their numbers)."""
    text = _FRONT_MATTER.sub("", text.replace("\r\n", "\n"))
    for pattern, repl in (*_LINE_RULES, *_INLINE_RULES):
        text = pattern.sub(repl, text)
    return text


def read_markdown(path: Path) -> RawDocument:
    """The plain text of a Markdown speech, with its encoding."""
    text, encoding = read_text_file(path)
    return RawDocument(strip_markdown(text), encoding)
