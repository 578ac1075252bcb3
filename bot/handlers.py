"""Command and message handlers (module-level coroutines, as in python-telegram-bot's examples)."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging

from telegram import Message, MessageEntity, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.access import admin_command, is_admin
from bot.answering import answer_question
from bot.html_split import split_html
from bot.listings import help_html, reload_report_html, sources_html, start_html
from bot.state import bot_state
from bot.texts import script_for_update, text
from bot.uploads import admin_uploads
from retrieval.errors import QabotError

logger = logging.getLogger(__name__)


async def _send_long(message: Message, markup: str) -> None:
    for part in split_html(markup):
        await message.reply_text(part, parse_mode=ParseMode.HTML)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the bot knows: the documents, how to ask, an example."""
    if update.message is None:
        return
    retriever = bot_state(context).retriever
    await _send_long(update.message, start_html(retriever, script_for_update(update), context.bot.username))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the commands and buttons."""
    if update.message is not None:
        await update.message.reply_text(help_html(script_for_update(update)), parse_mode=ParseMode.HTML)


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the documents with chunk counts and truncation notes."""
    if update.message is not None:
        script, admin = script_for_update(update), is_admin(update, context)
        listing = sources_html(bot_state(context).retriever, script, admin=admin)
        added = await admin_uploads(update, context)  # admins also see the numbers /remove takes
        await _send_long(update.message, f"{listing}\n\n{added}" if added else listing)


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the text after /ask (works in groups too)."""
    message = update.message
    if message is None or message.text is None:
        return
    parts = message.text.split(maxsplit=1)  # keep the question's own line breaks, unlike context.args
    question = parts[1].strip() if len(parts) > 1 else ""
    if not question:
        script = script_for_update(update)
        usage = text("ask_usage", script, example=text("example", script))
        await message.reply_text(html.escape(usage), parse_mode=ParseMode.HTML)
        return
    await answer_question(message, context, question)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Treat any text in a private chat as a question."""
    if update.message is not None and update.message.text is not None:
        await answer_question(update.message, context, update.message.text)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups, answer only when mentioned or replied to; otherwise stay silent."""
    message = update.message
    if message is None or message.text is None:
        return
    bot_user = context.bot.username
    mention = f"@{bot_user}".lower()
    mentions = [
        e for e, value in message.parse_entities([MessageEntity.MENTION]).items() if value.lower() == mention
    ]
    replied = message.reply_to_message
    if mentions:
        question = message.text
        for entity in sorted(mentions, key=lambda e: e.offset, reverse=True):
            question = _cut_utf16(question, entity.offset, entity.length)
        await answer_question(message, context, question.strip())
    elif replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id:
        await answer_question(message, context, message.text)


def _cut_utf16(value: str, offset: int, length: int) -> str:
    # Entity offsets count UTF-16 code units, not Python characters.
    units = value.encode("utf-16-le")
    return (units[: offset * 2] + units[(offset + length) * 2 :]).decode("utf-16-le")


async def reload_corpus(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-ingest the corpus folder (admins only) and report what changed."""
    admitted = await admin_command(update, context, "not_admin")
    if admitted is None:
        return
    message, script = admitted
    state = bot_state(context)
    async with state.reload_lock:
        await message.reply_text(text("reloading", script))
        old = state.retriever
        try:
            new = await asyncio.to_thread(state.load)
        except QabotError as exc:
            logger.warning("reload failed: %s", exc)
            await message.reply_text(text("reload_failed", script, reason=str(exc)))
            return
        state.retriever = new
    logger.info("reloaded corpus: %d documents, %d chunks", len(new.documents), len(new.chunks))
    await _send_long(message, reload_report_html(old, new, script))


async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Politely decline stickers, photos, voice and other non-text messages in private chats."""
    if update.message is not None:
        await update.message.reply_text(text("unsupported", script_for_update(update)))


def _reply_to(message: Message) -> ReplyParameters:
    return ReplyParameters(message.message_id, allow_sending_without_reply=True)


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with the update id, then tell the user something went wrong where possible."""
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    notice = text("error", script_for_update(update))
    with contextlib.suppress(TelegramError):  # the network may be what failed
        if update.callback_query is not None:
            await update.callback_query.answer(notice)
        elif update.message is not None and update.message.chat.type == "private":
            await update.message.reply_text(notice, reply_parameters=_reply_to(update.message))
