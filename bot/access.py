"""Who may use the bot: the allowlist gate (handler group -1) and the admin check."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.state import bot_state
from bot.texts import script_for_language, script_for_update, text
from retrieval.types import Script

logger = logging.getLogger(__name__)

_MEMORY_LIMIT = 10_000  # users remembered; a refused stranger is told once, not on every message


async def allowlist_gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop every update from a user outside ALLOWED_USER_IDS before any other handler sees it."""
    state = bot_state(context)
    user = update.effective_user
    if user is not None and state.settings.is_allowed(user.id):
        return
    if user is not None and user.id not in state.refused_users:
        if len(state.refused_users) >= _MEMORY_LIMIT:
            state.refused_users.clear()
        state.refused_users.add(user.id)
        logger.info("refused user %s (not in ALLOWED_USER_IDS)", user.id)
        await _refuse(update, text("not_allowed", script_for_language(user.language_code)))
    elif update.callback_query is not None:
        await update.callback_query.answer()  # empty: stops the client's spinner, says nothing more
    elif update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
    raise ApplicationHandlerStop


async def _refuse(update: Update, message: str) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(message)
    elif update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
    elif update.message is not None and update.message.chat.type == "private":
        await update.message.reply_text(message)


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and bot_state(context).settings.is_admin(user.id)


async def admin_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, refusal: str
) -> tuple[Message, Script] | None:
    """The command's message and the asker's script when an admin sent it; None otherwise, after telling a
    non-admin the `refusal` text (a key of bot/texts.py)."""
    message = update.message
    if message is None:
        return None
    script = script_for_update(update)
    if not is_admin(update, context):
        await message.reply_text(text(refusal, script))
        return None
    return message, script
