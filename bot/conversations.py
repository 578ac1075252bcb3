"""Per-chat conversation state (per user in groups), bounded: an LRU with expiry, and which answer each bot
message showed, so a reply to an answer takes that answer's question as its context.

Context lives in this process only: another replica, or a restart, starts every chat afresh
(docs/scaling.md).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from retrieval.conversation import FOLLOW_UP_WINDOW, Conversation, Turn

DEFAULT_CHATS = 5000  # conversations kept; the least recently used goes first
DEFAULT_MESSAGES = 5000  # bot answer messages a reply can refer to

ChatKey = tuple[int, int]  # (chat_id, user_id) in groups, (chat_id, 0) in private chats
K = TypeVar("K")
V = TypeVar("V")


def chat_key(chat_id: int, chat_type: str, user_id: int | None) -> ChatKey:
    """One conversation per private chat; one per member in groups (two users never share context)."""
    return (chat_id, 0) if chat_type == "private" else (chat_id, user_id or 0)


@dataclass(frozen=True)
class ChatState:
    conversation: Conversation
    answer_key: str | None  # AnswerStore key of the latest answer shown, for "还有呢" paging


@dataclass(frozen=True)
class ShownTurn:
    """What one bot message showed: the turn it answered and its AnswerStore key (None when unanswered)."""

    turn: Turn
    answer_key: str | None


class _Lru(Generic[K, V]):
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.entries.get(key)
        if value is not None:
            self.entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self.entries[key] = value
        self.entries.move_to_end(key)
        while len(self.entries) > self.capacity:
            self.entries.popitem(last=False)


class ConversationStore:
    """Bounded in memory: at most `chats` conversations and `messages` answer messages; a conversation
    idle for longer than `window` is forgotten (a follow-up after that starts afresh)."""

    def __init__(
        self,
        chats: int = DEFAULT_CHATS,
        messages: int = DEFAULT_MESSAGES,
        window: float = FOLLOW_UP_WINDOW,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._chats: _Lru[ChatKey, ChatState] = _Lru(chats)
        self._messages: _Lru[tuple[int, int], ShownTurn] = _Lru(messages)
        self.window = window
        self.clock = clock

    def __len__(self) -> int:
        return len(self._chats.entries)

    def get(self, key: ChatKey) -> ChatState:
        """The chat's state, or a fresh one when it never spoke or has been idle past the window."""
        state = self._chats.get(key)
        if state is None:
            return ChatState(Conversation(), None)
        if state.conversation.recent(self.clock(), self.window) is None:
            del self._chats.entries[key]
            return ChatState(Conversation(), None)
        return state

    def put(self, key: ChatKey, state: ChatState) -> None:
        self._chats.put(key, state)
        self._drop_expired()

    def remember_message(self, chat_id: int, message_id: int, shown: ShownTurn) -> None:
        self._messages.put((chat_id, message_id), shown)

    def shown_in(self, chat_id: int, message_id: int) -> ShownTurn | None:
        """What a bot message showed, if it is still remembered (an explicit reply needs no window)."""
        return self._messages.get((chat_id, message_id))

    def _drop_expired(self) -> None:
        # Least recently used first: idle conversations gather at the front, so stop at the first live one.
        now = self.clock()
        entries = self._chats.entries
        while entries:
            key, state = next(iter(entries.items()))
            if state.conversation.recent(now, self.window) is not None:
                return
            del entries[key]
