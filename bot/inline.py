"""Inline mode (`@bot question` in any chat): up to five cited passages to pick from."""

from __future__ import annotations

import asyncio

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.render import answer_page
from bot.state import bot_state
from retrieval.normalize import to_script
from retrieval.types import SECTION_SEPARATOR, Answer

INLINE_RESULTS = 5
DESCRIPTION_CHARS = 120
CACHE_SECONDS = 300  # answers only change on /reload


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer an inline query with up to five passages, each sendable as a cited message."""
    query = update.inline_query
    if query is None:
        return
    question = query.query.strip()
    if not question:
        await query.answer([], cache_time=0, is_personal=True)
        return
    state = bot_state(context)
    answer = await asyncio.to_thread(state.retriever.ask, question, INLINE_RESULTS)
    # Telegram caches inline results per query for everyone unless they are personal; with an allowlist
    # that shared cache would hand corpus content to strangers typing the same query.
    personal = bool(state.settings.allowed_user_ids)
    await query.answer(inline_results(answer), cache_time=CACHE_SECONDS, is_personal=personal)


def inline_results(answer: Answer) -> list[InlineQueryResultArticle]:
    if not answer.answered:
        return []
    results = []
    for index, hit in enumerate(answer.hits[:INLINE_RESULTS]):
        chunk = hit.chunk
        title = to_script(SECTION_SEPARATOR.join((chunk.title, *chunk.section)), answer.script)
        excerpt = hit.excerpt.replace("\n", " ")
        results.append(
            InlineQueryResultArticle(
                id=str(index),  # unique within one answer, which is all Telegram asks
                title=title,
                description=excerpt[:DESCRIPTION_CHARS],
                input_message_content=InputTextMessageContent(
                    answer_page(answer, "excerpt", index, numbered=False), parse_mode=ParseMode.HTML
                ),
            )
        )
    return results
