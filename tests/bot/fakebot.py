"""A fake Telegram Bot API server (aiohttp on 127.0.0.1) for running the real `qabot serve` against.

It runs in its own thread and event loop so synchronous tests and benchmarks can drive it: `push` an update,
then `wait_for` the bot's calls. Method semantics and error shapes come from `fake_api.FakeTelegram`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.bot.fake_api import Call, FakeTelegram, decode_params

LONG_POLL_CAP = 2.0  # seconds a getUpdates call may hang; short so shutdown never waits on it


class FakeBotServer:
    def __init__(self, token: str) -> None:
        self.token = token
        self.api = FakeTelegram()
        self.port = 0
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._arrived: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="fakebot", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeBotServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def push(self, update: dict[str, Any]) -> int:
        """Queue `update` for the bot's next getUpdates; returns its update_id."""
        return self.push_many([update])[0]

    def push_many(self, updates: list[dict[str, Any]]) -> list[int]:
        numbered = [{"update_id": next(self._update_ids), **u} for u in updates]
        asyncio.run_coroutine_threadsafe(self._add(numbered), self._loop).result(timeout=10)
        return [u["update_id"] for u in numbered]

    def wait_for(
        self, predicate: Callable[[Call], bool], timeout: float = 10.0, count: int = 1
    ) -> list[Call]:
        """Block until `count` recorded calls satisfy `predicate`; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            with self.api.lock:
                matches = [c for c in self.api.calls if predicate(c)]
            if len(matches) >= count:
                return matches
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(matches)} of {count} expected calls within {timeout} s")
            time.sleep(0.02)

    def reply_to(self, message_id: int, timeout: float = 10.0) -> Call:
        """The delivered sendMessage that replies to `message_id`."""
        return self.wait_for(lambda c: replies_to(c, message_id), timeout)[0]

    async def _start(self) -> None:
        self._arrived = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _add(self, updates: list[dict[str, Any]]) -> None:
        assert self._arrived is not None
        async with self._arrived:
            self._updates.extend(updates)
            self._arrived.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await _params(request)
        if method == "getUpdates":
            return await self._get_updates(decode_params(params))
        status, body = self.api.handle(method, params)
        return web.json_response(body, status=status, dumps=lambda v: json.dumps(v, ensure_ascii=False))

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        status, data = self.api.download(request.match_info["path"])
        return web.Response(body=data, status=status)

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        fault = self.api.pop_fault("getUpdates")
        self.api.record("getUpdates", params, ok=fault is None)
        if fault is not None:
            return web.json_response(fault[1], status=fault[0])
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        assert self._arrived is not None
        async with self._arrived:
            pending = [u for u in self._updates if u["update_id"] >= offset]
            if not pending and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._arrived.wait_for(lambda: any(u["update_id"] >= offset for u in self._updates)),
                        timeout,
                    )
                pending = [u for u in self._updates if u["update_id"] >= offset]
            self._updates = pending  # offset confirms everything before it
        limit = int(params.get("limit") or 100)
        return web.json_response({"ok": True, "result": pending[:limit]})


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.can_read_body:
        params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return params


def replies_to(call: Call, message_id: int) -> bool:
    if call.method != "sendMessage" or not call.ok:
        return False
    reply = call.params.get("reply_parameters") or {}
    return bool(reply.get("message_id") == message_id)
