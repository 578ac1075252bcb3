"""Handlers through the real Application and retriever, with HTTP replaced by the recording fake."""

from __future__ import annotations

from retrieval.normalize import to_script
from tests.bot import telegram_rules as rules
from tests.bot.conftest import BotHarness
from tests.bot.updates import GROUP_ID, edited, message, reply_to_bot, sticker

USER = 42


def visible(call: dict[str, object]) -> str:
    return rules.message_text(call)


async def test_start_lists_documents_how_to_ask_and_an_example(harness: BotHarness) -> None:
    await harness.send(message(USER, "/start"))
    text = "\n".join(visible(c) for c in harness.sent())
    for doc in harness.application.bot_data["qabot_state"].retriever.documents:
        assert f"《{to_script(doc.title, 'simplified')}》" in text
    assert "/ask" in text and "例如" in text and "@speech_qa_bot" in text


async def test_private_question_gets_bold_terms_citation_and_keyboard(harness: BotHarness) -> None:
    await harness.send(message(USER, "秸秆焚烧怎么管？"))
    [reply] = harness.sent()
    assert "<b>秸秆</b>" in reply["text"] and "《" in reply["text"] and "¶" in reply["text"]
    assert reply["reply_parameters"]["message_id"] > 0
    buttons = [b for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert {b["text"] for b in buttons} >= {"下一条 ▶", "完整段落", "来源"}
    assert harness.api.successful("sendChatAction")[0]["action"] == "typing"


async def test_traditional_question_gets_traditional_reply_and_buttons(harness: BotHarness) -> None:
    await harness.send(message(USER, "秸稈焚燒怎麼管？"))
    [reply] = harness.sent()
    text = visible(reply)
    assert "秸稈" in text and "秸秆" not in text
    labels = {b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row}
    assert "下一條 ▶" in labels and "來源" in labels


async def test_off_topic_question_says_not_covered_without_citation(harness: BotHarness) -> None:
    await harness.send(message(USER, "足球比赛谁赢了？"))
    [reply] = harness.sent()
    text = visible(reply)
    assert "没有找到" in text and "¶" not in text and "reply_markup" not in reply


async def test_ask_command_without_question_shows_usage(harness: BotHarness) -> None:
    await harness.send(message(USER, "/ask"))
    [reply] = harness.sent()
    assert "/ask" in visible(reply) and "例如" in visible(reply)


async def test_ten_thousand_character_question_is_answered(harness: BotHarness) -> None:
    await harness.send(message(USER, "秸秆焚烧怎么管？" + "大气污染防治" * 1666))
    [reply] = harness.sent()
    assert "¶" in visible(reply)


async def test_hostile_markup_in_question_is_escaped(harness: BotHarness) -> None:
    await harness.send(message(USER, "<b>秸秆 & 焚烧</i> <script>"))
    [reply] = harness.sent()
    visible(reply)  # would raise with Telegram's "can't parse entities" if anything leaked unescaped


async def test_group_message_without_mention_is_ignored(harness: BotHarness) -> None:
    await harness.send(message(USER, "秸秆焚烧怎么管？", chat_id=GROUP_ID))
    assert harness.api.calls == [c for c in harness.api.calls if c.method == "getMe"]


async def test_group_mention_and_reply_are_answered_as_replies(harness: BotHarness) -> None:
    await harness.send(message(USER, "@speech_qa_bot 秸秆焚烧怎么管？", chat_id=GROUP_ID))
    await harness.send(reply_to_bot(USER, "大气污染怎么治理？", GROUP_ID, bot_message_id=5))
    await harness.send(message(USER, "/ask@speech_qa_bot 秸秆焚烧怎么管？", chat_id=GROUP_ID))
    replies = harness.sent()
    assert len(replies) == 3
    assert all(r["chat_id"] == GROUP_ID and "¶" in visible(r) for r in replies)
    assert all("reply_parameters" in r for r in replies)


async def test_sticker_gets_polite_answer_and_edits_are_ignored(harness: BotHarness) -> None:
    await harness.send(sticker(USER))
    await harness.send(edited(USER, "秸秆焚烧怎么管？"))
    [reply] = harness.sent()
    assert "文字" in visible(reply)


async def test_sources_lists_every_document_with_chunk_counts(harness: BotHarness) -> None:
    await harness.send(message(USER, "/sources"))
    text = "\n".join(visible(c) for c in harness.sent())
    retriever = harness.application.bot_data["qabot_state"].retriever
    for doc in retriever.documents:
        assert doc.doc_id in text
    assert f"{len(retriever.chunks)} 个段落" in text


async def test_reload_is_refused_to_non_admins(harness: BotHarness) -> None:
    await harness.send(message(USER, "/reload"))
    [reply] = harness.sent()
    assert "管理员" in visible(reply)


async def test_rate_limit_asks_user_to_slow_down(harness_factory: object) -> None:
    harness = await harness_factory(rate_limit_per_minute=2)  # type: ignore[operator]
    for _ in range(3):
        await harness.send(message(USER, "秸秆焚烧怎么管？"))
    replies = [visible(r) for r in harness.sent()]
    assert len(replies) == 3 and "秒后再试" in replies[2] and "¶" in replies[0]


async def test_other_update_types_are_ignored_quietly(harness: BotHarness) -> None:
    channel_post = {
        "message_id": 9,
        "date": 0,
        "chat": {"id": -1009, "type": "channel", "title": "公告"},
        "text": "秸秆焚烧怎么管？",
    }
    member = {
        "chat": {"id": GROUP_ID, "type": "supergroup", "title": "群"},
        "from": {"id": USER, "is_bot": False, "first_name": "u"},
        "date": 0,
        "old_chat_member": {"status": "left", "user": {"id": 1, "is_bot": True, "first_name": "b"}},
        "new_chat_member": {"status": "member", "user": {"id": 1, "is_bot": True, "first_name": "b"}},
    }
    await harness.send({"channel_post": channel_post})
    await harness.send({"my_chat_member": member})
    await harness.send(
        message(
            USER,
            extra={"photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]},
            chat_id=GROUP_ID,
        )
    )
    assert [c.method for c in harness.api.calls if c.method != "getMe"] == []
