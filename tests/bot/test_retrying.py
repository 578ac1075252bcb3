"""Outgoing calls: transient failures retried with bounded backoff, refusals and give-ups surfaced."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.retrying import TRANSIENT_ATTEMPTS, RetryingRateLimiter


class Flaky:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return {"ok": True}


async def run(limiter: RetryingRateLimiter, callback: Flaky, endpoint: str = "sendMessage") -> Any:
    await limiter.initialize()
    return await limiter.process_request(callback, (), {}, endpoint, {"chat_id": 1}, None)


async def test_network_errors_and_timeouts_are_retried() -> None:
    callback = Flaky([NetworkError("Internal Server Error"), TimedOut()])
    assert await run(RetryingRateLimiter(30, 4, backoff=(0.0,)), callback) == {"ok": True}
    assert callback.calls == 3


async def test_gives_up_after_bounded_retries() -> None:
    callback = Flaky([NetworkError("Bad Gateway")] * (TRANSIENT_ATTEMPTS + 1))
    with pytest.raises(NetworkError):
        await run(RetryingRateLimiter(30, 4, backoff=(0.0,)), callback)
    assert callback.calls == TRANSIENT_ATTEMPTS + 1


async def test_bad_requests_are_not_retried() -> None:
    callback = Flaky([BadRequest("Bad Request: message text is empty")])
    with pytest.raises(BadRequest):
        await run(RetryingRateLimiter(30, 4, backoff=(0.0,)), callback)
    assert callback.calls == 1


async def test_chat_actions_bypass_the_message_budget() -> None:
    limiter = RetryingRateLimiter(1, 4, backoff=(0.0,))
    results = [await run(limiter, Flaky([]), "sendChatAction") for _ in range(5)]
    assert results == [{"ok": True}] * 5
