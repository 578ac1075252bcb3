"""Inline-button presses on answer messages: page, expand, list sources, or say the answer has expired."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.callback_data import decode
from bot.render import answer_keyboard, answer_page
from bot.state import bot_state
from bot.texts import script_for_language, text

logger = logging.getLogger(__name__)


async def answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the page a button asks for by editing the message in place."""
    query = update.callback_query
    if query is None:
        return
    state = bot_state(context)
    button = decode(query.data)
    shown = state.answers.get(button.key) if button is not None else None
    message = query.message
    if (
        button is None
        or shown is None
        or message is None
        or message.chat.id != shown.chat_id  # a key copied into another chat's forged button
        or button.page >= len(shown.answer.hits)
    ):
        await query.answer(text("expired", script_for_language(query.from_user.language_code)))
        return
    if (button.view, button.page) == (shown.view, shown.page):
        await query.answer()  # already on screen: editing would fail with "message is not modified"
        return
    try:
        await query.edit_message_text(
            answer_page(shown.answer, button.view, button.page),
            parse_mode=ParseMode.HTML,
            reply_markup=answer_keyboard(button.key, shown.answer, button.view, button.page),
        )
    except BadRequest as exc:
        # Two quick presses can race past the check above; the content is then already right.
        if "message is not modified" not in str(exc).lower():
            raise
    state.answers.show(button.key, button.view, button.page)
    await query.answer()
