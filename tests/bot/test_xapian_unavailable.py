"""The bot on Xapian shards: a shard down gets a "search unavailable" reply and the bot keeps running;
when the shard is back the next question is answered, without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_application
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings
from tests.bot import telegram_rules as rules
from tests.bot.conftest import BotHarness, make_settings
from tests.bot.fake_api import FakeTelegram
from tests.bot.recording import RecordingRequest
from tests.bot.updates import message
from tests.xapian_servers import build_shards, remote_stub, shard_servers, tcpsrv

USER = 42


async def test_shard_down_then_back(retriever: Retriever, tmp_path: Path) -> None:
    tcpsrv()
    pytest.importorskip("xapian")
    stub = build_shards(tmp_path / "v1", retriever, RetrieverSettings(), 2)
    with shard_servers([stub.parent / "shard-0", stub.parent / "shard-1"]) as servers:
        shards = Retriever.from_xapian(remote_stub(tmp_path / "remote.stub", servers))
        api = FakeTelegram()
        application = build_application(make_settings(), shards, request=RecordingRequest(api))
        await application.initialize()
        harness = BotHarness(application, api)
        try:
            servers[1].stop()
            await harness.send(message(USER, "秸秆焚烧怎么管？"))
            servers[1].start()
            await harness.send(message(USER, "秸秆焚烧怎么管？"))
        finally:
            await application.shutdown()
    down, back = (rules.message_text(c) for c in harness.sent())
    assert "检索服务暂不可用" in down and "¶" not in down
    assert servers[1].address not in down  # the operator's log has the shard, the user does not
    assert "¶" in back and "秸秆" in back
