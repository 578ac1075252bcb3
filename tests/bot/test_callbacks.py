"""Inline buttons: paging in place, full paragraph, sources, repeated presses, stale and forged data."""

from __future__ import annotations

from typing import Any

from tests.bot import telegram_rules as rules
from tests.bot.conftest import BotHarness
from tests.bot.updates import callback, message

USER = 42


def buttons(call: dict[str, Any]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for row in call["reply_markup"]["inline_keyboard"] for b in row}


async def ask_first(harness: BotHarness, question: str = "秸秆焚烧怎么管？") -> dict[str, Any]:
    await harness.send(message(USER, question))
    params, message_id = harness.api.sent_messages()[-1]
    return {**params, "message_id": message_id}


async def press(harness: BotHarness, answer: dict[str, Any], data: str) -> None:
    await harness.send(callback(USER, answer["chat_id"], answer["message_id"], data))


async def test_next_previous_full_and_sources_edit_in_place(harness: BotHarness) -> None:
    first = await ask_first(harness)
    await press(harness, first, buttons(first)["下一条 ▶"])
    [edit] = harness.api.successful("editMessageText")
    assert "第 2/3 条" in rules.message_text(edit) and rules.message_text(edit) != rules.message_text(first)
    assert "◀ 上一条" in buttons(edit)

    await press(harness, first, buttons(edit)["完整段落"])
    full = harness.api.successful("editMessageText")[-1]
    assert "摘录" in buttons(full) and "<b>" in full["text"]

    await press(harness, first, buttons(full)["来源"])
    sources = harness.api.successful("editMessageText")[-1]
    assert rules.message_text(sources).count("《") == 3 and set(buttons(sources)) == {"1", "2", "3"}
    assert len(harness.api.successful("answerCallbackQuery")) == 3
    assert not harness.api.refused()


async def test_pressing_the_page_already_shown_does_not_edit(harness: BotHarness) -> None:
    first = await ask_first(harness)
    next_page = buttons(first)["下一条 ▶"]
    await press(harness, first, next_page)
    await press(harness, first, next_page)  # a double tap on the old keyboard
    assert len(harness.api.successful("editMessageText")) == 1
    assert len(harness.api.successful("answerCallbackQuery")) == 2
    assert not harness.api.refused()


async def test_forged_and_stale_callback_data_answer_expired(harness: BotHarness) -> None:
    first = await ask_first(harness)
    key = buttons(first)["下一条 ▶"].split(":")[1]
    for data in ("a1:AAAAAAAAAAAA:e:1", f"a0:{key}:e:1", f"a1:{key}:e:9", "garbage", "x" * 64):
        await press(harness, first, data)
    answers = harness.api.successful("answerCallbackQuery")
    assert len(answers) == 5 and all("过期" in a["text"] for a in answers)
    assert not harness.api.successful("editMessageText")


async def test_key_reused_from_another_chat_is_expired(harness: BotHarness) -> None:
    first = await ask_first(harness)
    await harness.send(callback(USER + 1, USER + 1, 1, buttons(first)["下一条 ▶"]))
    [answer] = harness.api.successful("answerCallbackQuery")
    assert "过期" in answer["text"] and not harness.api.successful("editMessageText")


async def test_every_callback_data_fits_telegram_limit(harness: BotHarness) -> None:
    first = await ask_first(harness)
    assert all(0 < len(d.encode()) <= rules.CALLBACK_DATA_LIMIT for d in buttons(first).values())
