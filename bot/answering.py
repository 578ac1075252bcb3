"""Turn one question into one reply: rate limit, typing action, retrieval off the event loop, rendering.

Questions are read in the chat's conversation (bot/conversations.py, retrieval/conversation): a follow-up
uses the earlier question, a reply to one of the bot's answers uses that answer's question, and "还有呢"
shows the next passage of the latest (or replied-to) answer as its ▶ button would, then asks the library
for passages beyond it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from dataclasses import replace

from telegram import InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.conversations import ChatKey, ChatState, ShownTurn, chat_key
from bot.render import answer_keyboard, answer_page, off_topic_html
from bot.state import bot_state
from bot.texts import script_for_language, text
from retrieval.conversation import context_note, is_more_request
from retrieval.errors import QabotError, SearchUnavailable
from retrieval.normalize import detect_script
from retrieval.retriever import Retriever
from retrieval.types import Answer

logger = logging.getLogger(__name__)

HITS_PER_ANSWER = 3
SUGGESTION_COUNT = 3


async def answer_question(message: Message, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Reply to `message` with the answer to `question` (already stripped of commands and mentions)."""
    state = bot_state(context)
    user = message.from_user
    if user is None:
        await _answer(message, context, question)
        return
    wait = state.rate_limit.wait_seconds(user.id)
    if wait:
        if state.rate_limit.notice_due(user.id, wait):  # once per window; the rest are dropped silently
            script = detect_script(question) if question.strip() else script_for_language(user.language_code)
            await _reply(message, html.escape(text("slow_down", script, seconds=wait)))
        return
    async with state.turns.turn(user.id):
        await _answer(message, context, question)


async def _answer(message: Message, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    state = bot_state(context)
    user = message.from_user
    typing = asyncio.create_task(_show_typing(context, message.chat_id))
    retriever = state.retriever  # read once: a concurrent /reload swaps in a new one
    key = chat_key(message.chat_id, message.chat.type, user.id if user else None)
    chat = state.conversations.get(key)
    replied = _replied_answer(message, context)
    try:
        if is_more_request(question) and await _next_page(message, context, key, chat, replied):
            return
        answer, conversation = await asyncio.to_thread(
            retriever.ask_in,
            chat.conversation,
            question,
            HITS_PER_ANSWER,
            now=state.conversations.clock(),
            window=state.conversations.window,
            reply_to=replied.turn if replied else None,
        )
        answer_key = None
        if answer.answered and answer.hits:
            answer_key = state.answers.add(answer, message.chat_id)
            keyboard = answer_keyboard(answer_key, answer, "excerpt", 0)
            sent = await _reply(message, answer_page(answer, "excerpt", 0), keyboard)
        else:
            topics = await asyncio.to_thread(closest_topics, retriever, answer) if answer.hits else []
            sent = await _reply(message, off_topic_html(answer, topics))
        if conversation.last is not None and conversation is not chat.conversation:
            state.conversations.put(key, ChatState(conversation, answer_key))
            shown = ShownTurn(conversation.last, answer_key)
            state.conversations.remember_message(message.chat_id, sent.message_id, shown)
    except SearchUnavailable as exc:  # the shard's address is for the operator's log, not for the user
        logger.warning("%s", exc)
        await _reply(message, html.escape(text("search_unavailable", detect_script(question))))
    except QabotError as exc:  # the library's own verdict on the input, meant for the user
        await _reply(message, html.escape(str(exc)))
    finally:
        await typing  # not cancelled: aborting an in-flight request would waste a pooled connection


def _replied_answer(message: Message, context: ContextTypes.DEFAULT_TYPE) -> ShownTurn | None:
    """The remembered answer this message replies to, if it replies to one of the bot's answers."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return None
    return bot_state(context).conversations.shown_in(message.chat_id, replied.message_id)


async def _next_page(
    message: Message,
    context: ContextTypes.DEFAULT_TYPE,
    key: ChatKey,
    chat: ChatState,
    replied: ShownTurn | None,
) -> bool:
    """Show the next passage of the replied-to (else the latest) answer, as its ▶ button would; False when
    that answer has no further page here (the library then looks beyond it, or asks for a topic)."""
    state = bot_state(context)
    source = replied.answer_key if replied else chat.answer_key
    turn = replied.turn if replied else chat.conversation.last
    shown = state.answers.get(source) if source else None
    if turn is None or shown is None or shown.chat_id != message.chat_id:
        return False
    page = shown.page + 1
    if page >= len(shown.answer.hits):
        return False
    answer = shown.answer
    if not answer.context:  # the reply says what it continues, as every follow-up does
        note = context_note(turn.topic_question, answer.script)
        message_text = "\n".join(m for m in (note, answer.message) if m)
        answer = replace(answer, message=message_text, context=turn.topic_question)
    answer_key = state.answers.add(answer, message.chat_id)
    state.answers.show(answer_key, "excerpt", page)
    keyboard = answer_keyboard(answer_key, answer, "excerpt", page)
    sent = await _reply(message, answer_page(answer, "excerpt", page), keyboard)
    conversation = chat.conversation
    latest = turn is conversation.last
    turn = replace(turn, asked_at=state.conversations.clock())  # the conversation is alive
    conversation = conversation.with_last(turn) if latest else conversation.with_turn(turn)
    state.conversations.put(key, ChatState(conversation, answer_key))
    state.conversations.remember_message(message.chat_id, sent.message_id, ShownTurn(turn, answer_key))
    return True


def closest_topics(retriever: Retriever, answer: Answer, count: int = SUGGESTION_COUNT) -> list[str]:
    """Suggestions for an unanswered question: the nearest sections by BM25 (the library's message already
    names the documents; they are listed here only when it says nothing)."""
    topics: list[str] = []
    ranked = retriever.rank(answer.question, k=10) if answer.question.strip() else []
    for chunk, score in ranked:
        topic = chunk.section[-1] if chunk.section else f"《{chunk.title}》"
        if score > 0 and topic not in topics:
            topics.append(topic)
    if not topics and not answer.message:
        topics = [f"《{doc.title}》" for doc in retriever.documents]
    return topics[:count]


async def _show_typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    # Telegram shows "typing…" for 5 s; a failure here must never stop the answer itself.
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)


async def _reply(message: Message, markup: str, keyboard: InlineKeyboardMarkup | None = None) -> Message:
    return await message.reply_text(
        markup,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
    )
