"""A `telegram.request.BaseRequest` that answers from the in-memory fake API instead of making HTTP calls."""

from __future__ import annotations

import json

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from tests.bot.fake_api import FakeTelegram


class RecordingRequest(BaseRequest):
    def __init__(self, api: FakeTelegram | None = None) -> None:
        self.api = api or FakeTelegram()

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a file download: GET <file_url><token>/<file_path>
            return self.api.download(url.split("/file/bot", 1)[1].split("/", 1)[1])
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        status, body = self.api.handle(endpoint, params)
        return status, json.dumps(body).encode()
