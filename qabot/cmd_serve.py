"""`qabot serve`: run the Telegram bot (long polling, or a webhook behind a proxy)."""

from __future__ import annotations

import argparse
import logging
import signal
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

from telegram import Update

from bot.app import build_application
from bot.logs import configure_logging
from bot.settings import Settings
from qabot.options import add_retriever_options, settings_from_args, xapian_db
from retrieval.errors import ConfigError
from retrieval.retriever import Retriever

logger = logging.getLogger("qabot.serve")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="run the Telegram bot (settings from the environment / .env)")
    add_retriever_options(parser)
    parser.set_defaults(corpus=None)  # unset means CORPUS_DIR from the environment, then ./corpus
    parser.add_argument("--webhook", metavar="URL", help="public HTTPS URL Telegram should post updates to")
    parser.add_argument("--port", type=int, default=8443, help="local port for --webhook (default 8443)")
    parser.add_argument("--listen", default="0.0.0.0", help="local address for --webhook (default 0.0.0.0)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.corpus is not None:
        settings = replace(settings, corpus_dir=Path(args.corpus))
    if args.webhook and urlparse(args.webhook).scheme != "https":
        raise ConfigError("--webhook must be an https:// URL (Telegram only posts to HTTPS)")
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
    logger.info(
        "loaded %d documents, %d chunks from %s (%d files skipped)",
        len(retriever.documents),
        len(retriever.chunks),
        shards or settings.corpus_dir,
        len(retriever.skipped),
    )
    application = build_application(settings, retriever, load=load)
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    if args.webhook:
        application.run_webhook(
            listen=args.listen,
            port=args.port,
            url_path=urlparse(args.webhook).path.lstrip("/"),
            webhook_url=args.webhook,
            secret_token=settings.webhook_secret or None,
            allowed_updates=Update.ALL_TYPES,
            stop_signals=stop_signals,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=stop_signals)
    logger.info("stopped")
    return 0
