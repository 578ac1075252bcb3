"""The real `qabot serve` process against the fake Bot API: one server and one bot for the whole module."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot import telegram_rules as rules
from tests.bot import updates
from tests.bot.fake_api import Call
from tests.bot.fakebot import FakeBotServer, replies_to
from tests.bot.serve_process import COMMAND, TOKEN, start_bot, stop_bot

ALLOWED = range(1001, 1020)
STRANGER = 666


@pytest.fixture(scope="module")
def server() -> Iterator[FakeBotServer]:
    fake = FakeBotServer(TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def bot(server: FakeBotServer, workdir: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = start_bot(server, workdir, {"ALLOWED_USER_IDS": ",".join(map(str, ALLOWED))})
    yield process
    stop_bot(process)


def ask(server: FakeBotServer, user_id: int, text: str, chat_id: int | None = None) -> Call:
    update = updates.message(user_id, text, chat_id=chat_id)
    server.push(update)
    return server.reply_to(update["message"]["message_id"])


def visible(call: Call) -> str:
    return rules.message_text(call.params)


def test_private_question_is_answered_with_citation_and_buttons(server: FakeBotServer, bot: object) -> None:
    reply = ask(server, 1001, "秸秆焚烧怎么管？")
    assert "<b>秸秆</b>" in reply.params["text"] and "¶" in visible(reply)
    assert reply.params["reply_markup"]["inline_keyboard"]
    server.wait_for(lambda c: c.method == "sendChatAction" and int(c.params["chat_id"]) == 1001)


def test_traditional_question_gets_traditional_answer(server: FakeBotServer, bot: object) -> None:
    text = visible(ask(server, 1002, "秸稈焚燒怎麼管？"))
    assert "秸稈" in text and "講話" in text


def test_off_topic_question_gets_friendly_refusal_without_citation(
    server: FakeBotServer, bot: object
) -> None:
    reply = ask(server, 1003, "明天上海的天气怎么样？")
    assert "没有找到" in visible(reply) and "¶" not in visible(reply)


def test_buttons_edit_in_place_and_forged_data_expires(server: FakeBotServer, bot: object) -> None:
    reply = ask(server, 1004, "大气污染防治有哪些措施？")
    message_id = reply.result["message_id"]
    data = {
        b["text"]: b["callback_data"] for row in reply.params["reply_markup"]["inline_keyboard"] for b in row
    }
    for payload in (data["下一条 ▶"], data["下一条 ▶"], "a1:forgedKEY123:e:1"):
        server.push(updates.callback(1004, 1004, message_id, payload))
    answers = server.wait_for(lambda c: c.method == "answerCallbackQuery", count=3)
    edits = [c for c in server.api.calls if c.method == "editMessageText"]
    assert len(edits) == 1 and edits[0].ok and "第 2/3 条" in visible(edits[0])
    assert sum("过期" in str(a.params.get("text", "")) for a in answers) == 1


def test_group_answers_only_when_addressed(server: FakeBotServer, bot: object) -> None:
    silent = updates.message(1005, "秸秆焚烧怎么管？", chat_id=updates.GROUP_ID)
    server.push(silent)
    reply = ask(server, 1005, "@speech_qa_bot 秸秆焚烧怎么管？", chat_id=updates.GROUP_ID)
    assert "¶" in visible(reply) and int(reply.params["chat_id"]) == updates.GROUP_ID
    time.sleep(0.3)
    assert not [c for c in server.api.calls if replies_to(c, silent["message"]["message_id"])]


def test_inline_query_offers_cited_passages(server: FakeBotServer, bot: object) -> None:
    server.push(updates.inline(1006, "秸秆综合利用"))
    [call] = server.wait_for(lambda c: c.method == "answerInlineQuery" and c.ok)
    assert 1 <= len(call.params["results"]) <= 5


def test_server_errors_are_retried_and_the_bot_survives_giving_up(server: FakeBotServer, bot: object) -> None:
    server.api.inject("sendMessage", 500, times=2)
    assert "¶" in visible(ask(server, 1007, "秸秆焚烧怎么管？"))
    server.api.inject("sendMessage", 429, times=1, retry_after=1)
    started = time.monotonic()
    assert "¶" in visible(ask(server, 1007, "大气污染防治有哪些措施？"))
    assert time.monotonic() - started >= 1.0
    server.api.inject("sendMessage", 500, times=4)  # one try and three retries: the answer is given up
    doomed = updates.message(1007, "生态环境保护督察")
    server.push(doomed)
    apology = server.reply_to(doomed["message"]["message_id"], timeout=15)  # from the error handler
    assert "出了点问题" in visible(apology)
    assert "¶" in visible(ask(server, 1007, "秸秆焚烧怎么管？"))


def test_stranger_is_refused_once_and_sees_no_content(server: FakeBotServer, bot: object) -> None:
    server.push(updates.message(STRANGER, "秸秆焚烧怎么管？"))
    server.push(updates.message(STRANGER, "/sources"))
    [refusal] = server.wait_for(lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == STRANGER)
    assert "仅限" in visible(refusal)
    ask(server, 1008, "秸秆焚烧怎么管？")  # a later update has been handled, so the stranger's second was too
    assert len([c for c in server.api.calls if c.params.get("chat_id") in (STRANGER, str(STRANGER))]) == 1


def test_sigterm_finishes_in_flight_answer_and_exits_zero(
    server: FakeBotServer, bot: subprocess.Popen[bytes], workdir: Path
) -> None:
    server.api.inject("sendMessage", 429, times=1, retry_after=1)  # keeps the answer in flight for a second
    question = updates.message(1009, "秸秆焚烧怎么管？")
    server.push(question)
    server.wait_for(lambda c: c.method == "sendMessage" and not c.ok and int(c.params["chat_id"]) == 1009)
    started = time.monotonic()
    bot.send_signal(signal.SIGTERM)
    # Wait, do not stop_bot(): its terminate() would be a second SIGTERM, which may cut the drain short.
    try:
        exit_code = bot.wait(timeout=10)
    except subprocess.TimeoutExpired:
        exit_code = stop_bot(bot, timeout=10)
    log = (workdir / "bot.log").read_text(errors="replace")
    assert exit_code == 0, log[-3000:]
    assert time.monotonic() - started < 10
    assert "¶" in visible(server.reply_to(question["message"]["message_id"], timeout=1)), log[-3000:]
    assert re.search(r"loaded 5 documents, \d+ chunks", log)
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert "getUpdates" in log  # DEBUG logging was on, so the redaction had something to do


def test_missing_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    result = subprocess.run(
        list(COMMAND),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "qabot: TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather and put it in .env"
    ]
