"""Conversations through the real `qabot serve` process and the fake Bot API: follow-up, reply to an
answer, 还有呢, new topic, no context, expiry (a short CONTEXT_WINDOW_SECONDS) and two users in a group."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval import messages
from tests.bot import telegram_rules as rules
from tests.bot import updates
from tests.bot.fake_api import Call
from tests.bot.fakebot import FakeBotServer
from tests.bot.serve_process import TOKEN, start_bot, stop_bot

WINDOW_SECONDS = 8.0  # short enough to wait out in a test, long enough for a question pair under load


@pytest.fixture(scope="module")
def server() -> Iterator[FakeBotServer]:
    fake = FakeBotServer(TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def bot(server: FakeBotServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen[bytes]]:
    workdir: Path = tmp_path_factory.mktemp("serve-conversation")
    process = start_bot(server, workdir, {"CONTEXT_WINDOW_SECONDS": str(WINDOW_SECONDS)})
    yield process
    stop_bot(process)


def push_and_wait(server: FakeBotServer, update: dict[str, object]) -> Call:
    server.push(update)
    body = update["message"]
    assert isinstance(body, dict)
    return server.reply_to(body["message_id"])


def ask(server: FakeBotServer, user_id: int, text: str, chat_id: int | None = None) -> Call:
    return push_and_wait(server, updates.message(user_id, text, chat_id=chat_id))


def visible(call: Call) -> str:
    return rules.message_text(call.params)


def test_follow_up_then_more_then_new_topic(server: FakeBotServer, bot: object) -> None:
    first = ask(server, 2001, "开发区空气质量排第几？")
    follow = ask(server, 2001, "那领导提了哪些要求？")
    assert "接上文" not in visible(first)
    assert "接上文：开发区空气质量排第几" in visible(follow) and "¶" in visible(follow)
    more = ask(server, 2001, "还有呢")
    assert "第 2/3 条" in visible(more) and visible(more) != visible(follow)
    fresh = ask(server, 2001, "信访问题怎么处理？")
    assert "接上文" not in visible(fresh) and "¶" in visible(fresh)


def test_reply_to_an_earlier_answer(server: FakeBotServer, bot: object) -> None:
    petitions = ask(server, 2002, "群众信访诉求回应存在什么问题？")
    ask(server, 2002, "秸秆焚烧怎么管？")
    reply = updates.reply_to_bot(2002, "那怎么解决？", 2002, bot_message_id=petitions.result["message_id"])
    answer = push_and_wait(server, reply)
    assert "接上文：群众信访诉求回应存在什么问题" in visible(answer) and "智慧信访" in visible(answer)


def test_no_context_and_expiry(server: FakeBotServer, bot: object) -> None:
    assert visible(ask(server, 2003, "具体有哪些措施？")) == messages.NEED_TOPIC
    assert "¶" in visible(ask(server, 2003, "秸秆焚烧怎么管？"))
    time.sleep(WINDOW_SECONDS + 0.5)
    assert visible(ask(server, 2003, "具体有哪些措施？")) == messages.NEED_TOPIC


def test_two_users_in_one_group_keep_their_own_context(server: FakeBotServer, bot: object) -> None:
    group = updates.GROUP_ID
    ask(server, 2004, "@speech_qa_bot 秸秆焚烧怎么管？", chat_id=group)
    other = ask(server, 2005, "@speech_qa_bot 具体有哪些措施？", chat_id=group)
    owner = ask(server, 2004, "@speech_qa_bot 具体有哪些措施？", chat_id=group)
    assert visible(other) == messages.NEED_TOPIC
    assert "接上文：秸秆焚烧怎么管" in visible(owner)
