"""The bot's shared mutable state, kept in `Application.bot_data` (one instance per process)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.conversations import ConversationStore
from bot.fairness import UserTurns
from bot.rate_limit import QuestionRateLimit
from bot.settings import Settings
from bot.store import AnswerStore
from retrieval.ingest import DocumentCache
from retrieval.retriever import Retriever

_KEY = "qabot_state"


@dataclass
class BotState:
    settings: Settings
    rate_limit: QuestionRateLimit
    retriever: Retriever  # replaced whole by /reload; handlers read it once per question
    load: Callable[[], Retriever]  # builds a fresh retriever from the corpus folder, for /reload
    answers: AnswerStore = field(default_factory=AnswerStore)
    conversations: ConversationStore = field(default_factory=ConversationStore)  # per chat, bounded
    refused_users: set[int] = field(default_factory=set)
    turns: UserTurns = field(default_factory=UserTurns)  # one question in flight per user
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # the documents cache `load` builds with (None: no cache), where an upload's Document is put
    documents_cache: Callable[[], DocumentCache | None] = field(default=lambda: None)


def attach_state(application: Application[Any, Any, Any, Any, Any, Any], state: BotState) -> None:
    application.bot_data[_KEY] = state


def bot_state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    state = context.bot_data[_KEY]
    assert isinstance(state, BotState)
    return state
