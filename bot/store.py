"""Recent answers kept in memory so inline buttons can page through them; old ones expire."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, replace

from bot.callback_data import View
from retrieval.types import Answer

DEFAULT_CAPACITY = 5000


@dataclass(frozen=True)
class ShownAnswer:
    answer: Answer
    chat_id: int
    view: View = "excerpt"
    page: int = 0


class AnswerStore:
    """A bounded LRU of answers by random key; an unknown key (evicted, forged, pre-restart) has expired."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, ShownAnswer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, answer: Answer, chat_id: int) -> str:
        key = secrets.token_urlsafe(9)  # 12 characters, 72 random bits: not guessable
        self._entries[key] = ShownAnswer(answer=answer, chat_id=chat_id)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
        return key

    def get(self, key: str) -> ShownAnswer | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def show(self, key: str, view: View, page: int) -> None:
        """Record what the message now displays, so a repeated press can be recognised."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries[key] = replace(entry, view=view, page=page)
