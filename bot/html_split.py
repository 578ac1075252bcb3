"""Telegram-HTML length and splitting: the 4096 limit counts text after entity parsing, in UTF-16 units."""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096
_TOKEN = re.compile(r"<(/?)([a-z-]+)[^>]*>|&#?\w+;|[^<&]|&")

OpenTags = list[tuple[str, str]]  # (name, opening tag as written), outermost first


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """What Telegram displays for `markup`: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def visible_length(markup: str) -> int:
    return utf16_length(visible_text(markup))


class _Packer:
    """Accumulates tokens into messages, closing open tags at each break and reopening them after it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.messages: list[str] = []
        self.buffer: list[str] = []
        self.used = 0
        self.open: OpenTags = []

    def tag(self, token: str, closing: bool, name: str) -> None:
        if closing:
            if self.open and self.open[-1][0] == name:
                self.open.pop()
        else:
            self.open.append((name, token))
        self.buffer.append(token)

    def text(self, token: str, width: int) -> None:
        if self.used + width > self.limit:
            self.flush()
        self.buffer.append(token)
        self.used += width

    def flush(self) -> None:
        closing = "".join(f"</{name}>" for name, _ in reversed(self.open))
        body = "".join(self.buffer).strip("\n")
        if visible_text(body).strip():
            self.messages.append(body + closing)
        self.buffer = [opening for _, opening in self.open]
        self.used = 0


def split_html(markup: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Messages of at most `limit` visible units each, breaking at paragraph (line) boundaries.

    Whole lines are packed greedily; a line longer than `limit` is cut between characters (never inside
    a tag or an entity). Tags open at a break are closed there and reopened in the next message.
    """
    packer = _Packer(limit)
    for number, line in enumerate(markup.split("\n")):
        line_width = visible_length(line) + (1 if number else 0)
        if packer.used and packer.used + line_width > limit:
            packer.flush()
        elif number:
            packer.text("\n", 1)
        for match in _TOKEN.finditer(line):
            token = match.group(0)
            if match.group(2):
                packer.tag(token, bool(match.group(1)), match.group(2))
            else:
                packer.text(token, utf16_length(html.unescape(token)))
    packer.flush()
    return packer.messages
