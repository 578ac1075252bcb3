"""Per-user question rate limit: a sliding one-minute window, with one notice per user and window."""

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
        self._quiet_until: dict[int, float] = {}  # after a notice, until the user may ask again

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
            self._quiet_until = {uid: t for uid, t in self._quiet_until.items() if t > now}
        return 0

    def notice_due(self, user_id: int, wait_seconds: int) -> bool:
        """For a question refused with `wait_seconds`: True for the first refusal (tell the user once),
        False for the rest until they may ask again — a flood must not be answered by a flood of notices
        that queue behind the global send cap and delay everyone's answers."""
        now = self._clock()
        if self._quiet_until.get(user_id, 0.0) > now:
            return False
        self._quiet_until[user_id] = now + wait_seconds
        return True
