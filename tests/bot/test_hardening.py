"""The bot under abuse, through the real Application and the fake Bot API: what /sources reveals, a flood
from one user, and a stranger's button presses."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from retrieval.retriever import Retriever
from tests.bot import telegram_rules as rules
from tests.bot.conftest import CORPUS, BotHarness, make_settings
from tests.bot.fake_api import FakeTelegram
from tests.bot.recording import RecordingRequest
from tests.bot.updates import callback, message

USER, ADMIN, STRANGER, FLOODER = 42, 7, 666, 99


def replies_to_chat(harness: BotHarness, chat_id: int) -> list[str]:
    return [rules.message_text(c) for c in harness.sent() if int(c["chat_id"]) == chat_id]


@pytest.fixture
async def harness_with_bad_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:2]:
        shutil.copy(path, corpus / path.name)
    (corpus / "sub").mkdir()
    (corpus / "sub" / "locked.txt").write_text("秸秆焚烧", encoding="utf-8")
    (corpus / "outside.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "secret.txt").write_text("秘密", encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:  # what chmod 000 does to a user without root's capabilities
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    retriever = Retriever.from_corpus(corpus, use_cache=False)
    api = FakeTelegram()
    settings = make_settings(corpus_dir=corpus, admin_user_ids=frozenset({ADMIN}))
    application = build_application(settings, retriever, request=RecordingRequest(api))
    await application.initialize()
    yield BotHarness(application, api), corpus
    await application.shutdown()


async def test_sources_shows_users_names_inside_the_corpus_folder_only(harness_with_bad_file: Any) -> None:
    harness, corpus = harness_with_bad_file
    await harness.send(message(USER, "/sources"))
    listing = "\n".join(replies_to_chat(harness, USER))
    assert (
        "sub/locked.txt：无法读取：Permission denied" in listing
    )  # the reason in Chinese, the OS's words kept
    assert "outside.txt：指向资料文件夹以外文件的符号链接，未跟随" in listing
    assert str(corpus.parent) not in listing and "/tmp" not in listing
    await harness.send(message(ADMIN, "/sources"))
    admin_listing = "\n".join(replies_to_chat(harness, ADMIN))
    assert str(corpus.resolve()) in admin_listing and "sub/locked.txt" in admin_listing


async def test_a_flood_gets_one_notice_and_cannot_starve_another_user(harness_factory: Any) -> None:
    harness: BotHarness = await harness_factory(rate_limit_per_minute=5)
    await asyncio.gather(*(harness.send(message(FLOODER, "秸秆焚烧怎么管？")) for _ in range(200)))
    flooder = replies_to_chat(harness, FLOODER)
    assert sum("¶" in reply for reply in flooder) == 5
    assert sum("太频繁" in reply for reply in flooder) == 1 and len(flooder) == 6


async def test_one_users_backlog_waits_behind_itself_not_in_front_of_others(harness_factory: Any) -> None:
    harness: BotHarness = await harness_factory(rate_limit_per_minute=1000)
    backlog = [harness.send(message(FLOODER, "大气污染防治有哪些措施？")) for _ in range(60)]
    await asyncio.gather(*backlog, harness.send(message(USER, "秸秆焚烧怎么管？")))
    order = [int(c["chat_id"]) for c in harness.sent()]
    assert order.count(FLOODER) == 60
    assert order.index(USER) <= 3, f"the other user was answered after {order.index(USER)} flood replies"


async def test_a_refused_strangers_button_press_gets_an_empty_answer_and_nothing_more(
    harness_factory: Any,
) -> None:
    harness: BotHarness = await harness_factory(allowed_user_ids=frozenset({USER}))
    await harness.send(message(STRANGER, "秸秆焚烧怎么管？"))  # refused once
    before = len(harness.api.calls)
    await harness.send(callback(STRANGER, STRANGER, 1, "a1:forgedKEY123:e:1"))
    await harness.send(callback(STRANGER, STRANGER, 1, "a1:forgedKEY123:f:0"))
    new = harness.api.calls[before:]
    assert [c.method for c in new] == ["answerCallbackQuery", "answerCallbackQuery"]
    assert all(c.ok and not c.params.get("text") for c in new)


async def test_reload_with_unreadable_files_and_undecodable_names_reports_instead_of_failing(
    harness_with_bad_file: Any,
) -> None:
    harness, corpus = harness_with_bad_file
    gbk_name = os.fsdecode("讲话稿".encode("gb18030") + b".txt")  # from a Windows zip
    shutil.copy(sorted(CORPUS.glob("*.txt"))[2], corpus / gbk_name)
    await harness.send(message(ADMIN, "/reload"))
    report = "\n".join(replies_to_chat(harness, ADMIN))
    assert "出了点问题" not in report
    assert "讲话稿" in report  # the new document, by its repaired name
