"""Turn one question into one reply: rate limit, typing action, retrieval off the event loop, rendering."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging

from telegram import InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.render import answer_keyboard, answer_page, off_topic_html
from bot.state import bot_state
from bot.texts import script_for_language, text
from retrieval.errors import QabotError
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
    typing = asyncio.create_task(_show_typing(context, message.chat_id))
    retriever = state.retriever  # read once: a concurrent /reload swaps in a new one
    try:
        answer = await asyncio.to_thread(retriever.ask, question, HITS_PER_ANSWER)
        if answer.answered and answer.hits:
            key = state.answers.add(answer, message.chat_id)
            keyboard = answer_keyboard(key, answer, "excerpt", 0)
            await _reply(message, answer_page(answer, "excerpt", 0), keyboard)
        else:
            topics = await asyncio.to_thread(closest_topics, retriever, answer)
            await _reply(message, off_topic_html(answer, topics))
    except QabotError as exc:  # the library's own verdict on the input, meant for the user
        await _reply(message, html.escape(str(exc)))
    finally:
        await typing  # not cancelled: aborting an in-flight request would waste a pooled connection


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


async def _reply(message: Message, markup: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    await message.reply_text(
        markup,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
    )
