"""`qabot serve`: run the Telegram bot (long polling, or a webhook behind a proxy)."""

from __future__ import annotations

import argparse
import logging
import signal
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.app import BotApplication, build_application
from bot.logs import TokenRedactor, configure_logging
from bot.settings import Settings
from qabot.options import add_retriever_options, settings_from_args, xapian_db
from retrieval.errors import ConfigError
from retrieval.ingest import DocumentCache
from retrieval.retriever import Retriever, documents_cache

logger = logging.getLogger("qabot.serve")

REJECTED_TOKEN = "Telegram rejected TELEGRAM_BOT_TOKEN — check it with @BotFather"
NO_WEBHOOK_SECRET = (
    "webhook mode needs TELEGRAM_WEBHOOK_SECRET (a random string of letters, digits, _ and -): "
    "without it anyone who can reach the port can post forged updates"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="run the Telegram bot (settings from the environment / .env)")
    add_retriever_options(parser)
    parser.set_defaults(corpus=None)  # unset means CORPUS_DIR from the environment, then ./corpus
    parser.add_argument("--webhook", metavar="URL", help="public HTTPS URL Telegram should post updates to")
    parser.add_argument("--port", type=int, default=8443, help="local port for --webhook (default 8443)")
    parser.add_argument(
        "--listen",
        default="127.0.0.1",
        help="local address for --webhook (default 127.0.0.1: behind a reverse proxy on the same host)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.corpus is not None:
        settings = replace(settings, corpus_dir=Path(args.corpus))
    if args.webhook and urlparse(args.webhook).scheme != "https":
        raise ConfigError("--webhook must be an https:// URL (Telegram only posts to HTTPS)")
    if args.webhook and not settings.webhook_secret:
        raise ConfigError(NO_WEBHOOK_SECRET)
    configure_logging(settings.log_level, settings.token)
    retriever_settings = settings_from_args(args)
    shards = xapian_db(args)

    def load() -> Retriever:  # also what /reload calls, so a reload honours --cache-dir and --config
        if shards is not None:  # a replica on Xapian shards: /reload picks up a swapped stub
            return Retriever.from_xapian(shards, retriever_settings)
        return Retriever.from_corpus(
            settings.corpus_dir, retriever_settings, cache_dir=args.cache_dir, use_cache=not args.no_cache
        )

    retriever = load()
    skipped = len(retriever.skipped)
    logger.info(
        "loaded %d documents, %d chunks from %s (%d %s skipped)",
        len(retriever.documents),
        len(retriever.chunks),
        shards or settings.corpus_dir,
        skipped,
        "file" if skipped == 1 else "files",
    )

    def documents() -> DocumentCache | None:  # the cache `load` reads documents through, if any
        return None if shards is not None or args.no_cache else documents_cache(args.cache_dir)

    application = build_application(settings, retriever, load=load, documents=documents)
    try:
        _run(application, args, settings.webhook_secret)
    except InvalidToken:
        raise ConfigError(REJECTED_TOKEN) from None
    except NetworkError as exc:  # raised only at start: once running, PTB retries and logs by itself
        reason = TokenRedactor(settings.token).redact(str(exc))
        raise ConfigError(f"cannot reach the Telegram API at {settings.api_base_url} ({reason})") from None
    logger.info("stopped")
    return 0


def _run(application: BotApplication, args: argparse.Namespace, secret: str) -> None:
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    if args.webhook:
        application.run_webhook(
            listen=args.listen,
            port=args.port,
            url_path=urlparse(args.webhook).path.lstrip("/"),
            webhook_url=args.webhook,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            stop_signals=stop_signals,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=stop_signals)
