"""Per-user question rate limit: a sliding one-minute window."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0
_MEMORY_LIMIT = 10_000  # users tracked before idle ones are forgotten


class QuestionRateLimit:
    """A sliding one-minute window of question times per user."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._times: dict[int, deque[float]] = {}

    def wait_seconds(self, user_id: int) -> int:
        """0 and the question is counted if the user may ask now; else whole seconds until they may."""
        now = self._clock()
        times = self._times.setdefault(user_id, deque())
        while times and now - times[0] >= WINDOW_SECONDS:
            times.popleft()
        if len(times) >= self._per_minute:
            return max(1, math.ceil(WINDOW_SECONDS - (now - times[0])))
        times.append(now)
        if len(self._times) > _MEMORY_LIMIT:  # forget idle users so the table stays small
            self._times = {uid: q for uid, q in self._times.items() if q and now - q[-1] < WINDOW_SECONDS}
        return 0
