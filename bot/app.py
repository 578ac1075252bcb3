"""Wiring: the python-telegram-bot Application with the bot's handlers, limits and shared state."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import handlers, uploads
from bot.access import allowlist_gate
from bot.callbacks import answer_button
from bot.conversations import ConversationStore
from bot.inline import inline_query
from bot.rate_limit import QuestionRateLimit
from bot.retrying import RetryingRateLimiter
from bot.settings import Settings
from bot.state import BotState, attach_state
from bot.texts import text
from retrieval.ingest import DocumentCache
from retrieval.retriever import Retriever, documents_cache

logger = logging.getLogger(__name__)

BotApplication = Application[Any, Any, Any, Any, Any, Any]

# Edited messages are deliberately not answered: the first answer already stands in the chat.
_NEW = filters.UpdateType.MESSAGE
_PRIVATE = filters.ChatType.PRIVATE
COMMANDS = ("start", "help", "ask", "sources")
CONNECTION_POOL_SIZE = 16
POOL_TIMEOUT_SECONDS = 10.0


def build_application(
    settings: Settings,
    retriever: Retriever,
    *,
    load: Callable[[], Retriever] | None = None,
    documents: Callable[[], DocumentCache | None] | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> BotApplication:
    """The configured Application. `load` builds a fresh retriever for /reload (default: the corpus folder
    with the current retriever's settings); `documents` opens the documents cache `load` reads through
    (default: the default cache's when `load` is the default, else none), where uploads are put once
    read; `request` replaces HTTP (tests pass a recording one)."""
    builder = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.bot_url)
        .base_file_url(settings.file_url)
        .rate_limiter(RetryingRateLimiter(settings.max_sends_per_second, CONNECTION_POOL_SIZE))
        .concurrent_updates(True)  # a slow question must not hold up other users
        .post_init(_register_commands)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    else:
        # httpcore scans its whole pool for every queued request; with PTB's default of 256 connections
        # that scan dominated CPU under a crowd. A small pool, fed by the rate limiter's semaphore.
        builder = builder.connection_pool_size(CONNECTION_POOL_SIZE).pool_timeout(POOL_TIMEOUT_SECONDS)
    application = builder.build()
    attach_state(
        application,
        BotState(
            settings=settings,
            retriever=retriever,
            load=load or partial(Retriever.from_corpus, settings.corpus_dir, retriever.settings),
            rate_limit=QuestionRateLimit(settings.rate_limit_per_minute),
            conversations=ConversationStore(window=settings.context_window_seconds),
            documents_cache=documents or (lambda: None if load else documents_cache(None)),
        ),
    )
    add_handlers(application)
    return application


def add_handlers(application: BotApplication) -> None:
    application.add_handler(TypeHandler(Update, allowlist_gate), group=-1)
    application.add_handler(CommandHandler("start", handlers.start, filters=_NEW))
    application.add_handler(CommandHandler("help", handlers.help_command, filters=_NEW))
    application.add_handler(CommandHandler("ask", handlers.ask, filters=_NEW))
    application.add_handler(CommandHandler("sources", handlers.sources, filters=_NEW))
    application.add_handler(CommandHandler("reload", handlers.reload_corpus, filters=_NEW))
    application.add_handler(CommandHandler("remove", uploads.remove_document, filters=_NEW & _PRIVATE))
    plain_text = _NEW & filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(plain_text & _PRIVATE, handlers.private_text))
    application.add_handler(MessageHandler(plain_text & filters.ChatType.GROUPS, handlers.group_text))
    application.add_handler(MessageHandler(_NEW & _PRIVATE & filters.COMMAND, handlers.help_command))
    application.add_handler(MessageHandler(_NEW & _PRIVATE & filters.Document.ALL, uploads.receive_document))
    application.add_handler(MessageHandler(_NEW & _PRIVATE & ~filters.TEXT, handlers.unsupported))
    application.add_handler(CallbackQueryHandler(answer_button))
    application.add_handler(InlineQueryHandler(inline_query))
    application.add_error_handler(handlers.error_handler)


async def _register_commands(application: BotApplication) -> None:
    # /reload is left out of the menu: it is for admins only. The menu is cosmetic, so failing is not fatal.
    try:
        await application.bot.set_my_commands(
            [BotCommand(name, text(f"command_{name}", "simplified")) for name in COMMANDS]
        )
    except TelegramError as exc:
        logger.warning("could not register the command menu: %s", exc)
