"""Conversations in the bot, through the real Application and retriever: follow-ups, replies to an answer,
还有呢, new topics, no context, expiry, and per-user context in groups."""

from __future__ import annotations

from typing import Any

from bot.conversations import ChatState, ConversationStore, ShownTurn, chat_key
from retrieval import messages
from retrieval.conversation import Conversation
from retrieval.retriever import Retriever
from tests.bot import telegram_rules as rules
from tests.bot.conftest import BotHarness
from tests.bot.updates import GROUP_ID, callback, message, reply_to_bot

USER = 42
OTHER = 43
MENTION = "@speech_qa_bot "


def visible(call: dict[str, Any]) -> str:
    return rules.message_text(call)


async def say(harness: BotHarness, text: str, user: int = USER, chat_id: int | None = None) -> dict[str, Any]:
    """Send `text` and return the bot's reply, with the message_id the fake API gave it."""
    await harness.send(message(user, text, chat_id=chat_id))
    params, message_id = harness.api.sent_messages()[-1]
    return {**params, "message_id": message_id}


def buttons(call: dict[str, Any]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for row in call["reply_markup"]["inline_keyboard"] for b in row}


async def test_follow_up_names_its_context_and_stays_in_the_speech(harness: BotHarness) -> None:
    first = await say(harness, "开发区空气质量排第几？")
    follow = await say(harness, "那领导提了哪些要求？")
    assert "接上文" not in visible(first)
    assert "接上文：开发区空气质量排第几" in visible(follow) and "¶" in visible(follow)
    assert "约谈开发区会议上的讲话" in visible(follow)


async def test_reply_to_an_answer_uses_its_question_whatever_came_in_between(harness: BotHarness) -> None:
    petitions = await say(harness, "群众信访诉求回应存在什么问题？")
    await say(harness, "秸秆焚烧怎么管？")
    await harness.send(reply_to_bot(USER, "那怎么解决？", USER, bot_message_id=petitions["message_id"]))
    reply = harness.sent()[-1]
    assert "接上文：群众信访诉求回应存在什么问题" in visible(reply)
    assert "智慧信访" in visible(reply)


async def test_more_shows_the_next_passage_like_the_next_button(harness: BotHarness) -> None:
    first = await say(harness, "秸秆焚烧怎么管？")
    await harness.send(callback(USER, USER, first["message_id"], buttons(first)["下一条 ▶"]))
    [edit] = harness.api.successful("editMessageText")
    # the button moved the first message to passage 2: 还有呢 continues from there
    more = await say(harness, "还有呢？")
    assert "第 3/3 条" in visible(more) and "◀ 上一条" in buttons(more)
    assert visible(more).startswith("接上文：秸秆焚烧怎么管")
    assert visible(more) != visible(edit)
    beyond = await say(harness, "更多")
    assert "接上文：秸秆焚烧怎么管" in visible(beyond) and "¶" in visible(beyond)
    passages = [visible(first), visible(edit), visible(more), visible(beyond)]
    cited = [p.split("📖")[1].splitlines()[0] for p in passages]
    assert len(set(cited)) == 4  # four different passages, none repeated


async def test_more_continues_the_latest_answer_not_an_older_one(harness: BotHarness) -> None:
    await say(harness, "秸秆焚烧怎么管？")
    latest = await say(harness, "信访问题怎么处理？")
    more = await say(harness, "下一条")
    assert "第 2/3 条" in visible(more) and "信访" in visible(more)
    assert visible(more).split("📖")[1] != visible(latest).split("📖")[1]


async def test_new_topic_does_not_inherit_the_earlier_one(harness: BotHarness) -> None:
    await say(harness, "秸秆焚烧怎么管？")
    reply = await say(harness, "信访问题怎么处理？")
    assert "接上文" not in visible(reply) and "信访" in visible(reply)


async def test_content_free_question_without_context_asks_for_the_topic(harness: BotHarness) -> None:
    reply = await say(harness, "还有呢？")
    assert visible(reply) == messages.NEED_TOPIC
    assert "reply_markup" not in reply and "¶" not in visible(reply)


async def test_context_expires_after_the_window(harness: BotHarness) -> None:
    store = harness.application.bot_data["qabot_state"].conversations
    clock = [1_000_000.0]
    store.clock = lambda: clock[0]
    await say(harness, "秸秆焚烧怎么管？")
    clock[0] += store.window + 1
    late = await say(harness, "具体有哪些措施？")
    assert visible(late) == messages.NEED_TOPIC
    assert len(store) == 0  # the idle conversation was dropped, not kept


async def test_two_users_in_a_group_do_not_share_context(harness: BotHarness) -> None:
    await say(harness, MENTION + "秸秆焚烧怎么管？", USER, GROUP_ID)
    stranger = await say(harness, MENTION + "具体有哪些措施？", OTHER, GROUP_ID)
    owner = await say(harness, MENTION + "具体有哪些措施？", USER, GROUP_ID)
    assert visible(stranger) == messages.NEED_TOPIC
    assert "接上文：秸秆焚烧怎么管" in visible(owner) and "¶" in visible(owner)


async def test_in_a_group_a_reply_to_an_answer_is_a_follow_up_for_whoever_replies(
    harness: BotHarness,
) -> None:
    asked = await say(harness, MENTION + "群众信访诉求回应存在什么问题？", USER, GROUP_ID)
    await harness.send(reply_to_bot(OTHER, "那怎么解决？", GROUP_ID, bot_message_id=asked["message_id"]))
    reply = harness.sent()[-1]
    assert reply["chat_id"] == GROUP_ID and "接上文：群众信访诉求回应存在什么问题" in visible(reply)


def test_store_is_bounded_and_keys_groups_per_user(retriever: Retriever) -> None:
    store = ConversationStore(chats=3, messages=2, clock=lambda: 10.0)
    _, conversation = retriever.ask_in(Conversation(), "秸秆焚烧怎么管？", now=10.0)
    for chat in range(5):
        store.put((chat, 0), ChatState(conversation, None))
    assert len(store) == 3 and store.get((0, 0)).conversation.turns == ()
    assert store.get((4, 0)).conversation == conversation
    assert conversation.last is not None
    for message_id in range(4):
        store.remember_message(1, message_id, ShownTurn(conversation.last, None))
    assert store.shown_in(1, 0) is None and store.shown_in(1, 3) is not None
    assert chat_key(7, "private", 42) == (7, 0)
    assert chat_key(GROUP_ID, "supergroup", 42) != chat_key(GROUP_ID, "supergroup", 43)


def test_store_drops_idle_conversations_when_new_ones_arrive(retriever: Retriever) -> None:
    clock = [0.0]
    store = ConversationStore(window=60.0, clock=lambda: clock[0])
    _, old = retriever.ask_in(Conversation(), "秸秆焚烧怎么管？", now=0.0)
    store.put((1, 0), ChatState(old, None))
    clock[0] = 120.0
    _, new = retriever.ask_in(Conversation(), "信访问题怎么处理？", now=120.0)
    store.put((2, 0), ChatState(new, None))
    assert len(store) == 1


async def test_more_in_reply_to_an_older_answer_pages_that_answer(harness: BotHarness) -> None:
    straw = await say(harness, "秸秆焚烧怎么管？")
    await say(harness, "信访问题怎么处理？")
    await harness.send(reply_to_bot(USER, "还有呢", USER, bot_message_id=straw["message_id"]))
    more = harness.sent()[-1]
    assert "第 2/3 条" in visible(more) and visible(more).startswith("接上文：秸秆焚烧怎么管")
