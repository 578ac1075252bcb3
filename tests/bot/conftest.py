"""An Application on an in-memory Bot API, using the session retriever from tests/conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.settings import Settings
from retrieval.retriever import Retriever
from tests.bot.fake_api import FakeTelegram
from tests.bot.recording import RecordingRequest
from tests.bot.updates import numbered

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TOKEN = "123456789:AAHfakeTokenForTests_0123456789abcdef"


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"token": TOKEN, "corpus_dir": CORPUS, "api_base_url": "http://127.0.0.1:9"}
    values.update(overrides)
    return Settings(**values)


class BotHarness:
    """An initialized Application whose HTTP goes to an in-memory fake; `send` processes one update."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], api: FakeTelegram) -> None:
        self.application = application
        self.api = api

    async def send(self, update: dict[str, Any]) -> None:
        await self.application.process_update(Update.de_json(numbered(update), self.application.bot))

    def sent(self) -> list[dict[str, Any]]:
        return self.api.successful("sendMessage")


@pytest.fixture
async def harness_factory(retriever: Retriever) -> AsyncIterator[Any]:
    started: list[BotHarness] = []

    async def make(**overrides: Any) -> BotHarness:
        api = FakeTelegram()
        application = build_application(make_settings(**overrides), retriever, request=RecordingRequest(api))
        await application.initialize()
        harness = BotHarness(application, api)
        started.append(harness)
        return harness

    yield make
    for harness in started:
        await harness.application.shutdown()


@pytest.fixture
async def harness(harness_factory: Any) -> BotHarness:
    made: BotHarness = await harness_factory()
    return made
