"""One question at a time per user, so one user's backlog waits behind itself, not in front of others.

Without this, a user who sends many questions at once fills the retrieval thread pool and the send queue
(the global messages-per-second cap) ahead of everyone who asks after them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class UserTurns:
    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}  # holders and waiters per user; the lock is dropped at zero

    @contextlib.asynccontextmanager
    async def turn(self, user_id: int) -> AsyncIterator[None]:
        """Wait until the user's previous questions are answered, then hold the turn."""
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        self._waiting[user_id] = self._waiting.get(user_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[user_id] -= 1
            if not self._waiting[user_id]:  # idle users cost no memory
                del self._waiting[user_id], self._locks[user_id]

    def __len__(self) -> int:
        return len(self._locks)
