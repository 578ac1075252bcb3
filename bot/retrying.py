"""Outgoing calls: AIORateLimiter's throttling and 429 handling, plus bounded retries of transient errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

RETRY_AFTER_ATTEMPTS = 3  # 429s honoured (sleeping retry_after) before giving up
TRANSIENT_ATTEMPTS = 3  # retries after 5xx, connection errors and timeouts
BACKOFF_SECONDS = (0.5, 1.0, 2.0)  # bounded: a reply later than ~4 s is worth less than a logged failure
GROUP_MESSAGES_PER_MINUTE = 20  # Telegram's limit per group chat
# Not messages, so outside Telegram's messages-per-second budget; throttling them only delays the replies
# they announce. They stay best-effort: a failure is the caller's to ignore.
UNTHROTTLED = frozenset({"sendChatAction"})
# Sent once, at start: a bad URL or no network should fail at once with one clear line (`qabot serve`
# exits 2 and a supervisor restarts it), not after a screenful of retries.
UNRETRIED = frozenset({"getMe"})

Result = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter whose requests are also retried with backoff when the network or Telegram fails."""

    def __init__(
        self, max_sends_per_second: float, max_in_flight: int, backoff: tuple[float, ...] = BACKOFF_SECONDS
    ) -> None:
        super().__init__(
            overall_max_rate=max_sends_per_second,
            overall_time_period=1,
            group_max_rate=GROUP_MESSAGES_PER_MINUTE,
            group_time_period=60,
            max_retries=RETRY_AFTER_ATTEMPTS,
        )
        self._backoff = backoff
        # Requests beyond the HTTP pool wait here (O(1) wake-ups) rather than in httpcore's queue, whose
        # bookkeeping is quadratic in its length and ate most of the CPU under a crowd.
        self._in_flight = asyncio.Semaphore(max_in_flight)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        async def bounded(*call_args: Any, **call_kwargs: Any) -> Result:
            async with self._in_flight:
                return await callback(*call_args, **call_kwargs)

        if endpoint in UNTHROTTLED:
            return await bounded(*args, **kwargs)
        for attempt in range(TRANSIENT_ATTEMPTS + 1):
            try:
                return await super().process_request(bounded, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise  # Telegram refused the content; sending it again cannot help
            except NetworkError as exc:  # also 5xx replies and TimedOut
                if endpoint in UNRETRIED:
                    raise
                if attempt == TRANSIENT_ATTEMPTS:
                    logger.error("%s failed after %d retries: %s", endpoint, attempt, exc)
                    raise
                delay = self._backoff[min(attempt, len(self._backoff) - 1)]
                logger.warning("%s failed (%s); retry %d in %.1f s", endpoint, exc, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")
