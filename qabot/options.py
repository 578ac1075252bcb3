"""Options shared by every subcommand that needs a retriever, and building it from them."""

from __future__ import annotations

import argparse
from pathlib import Path

from qabot.progress import BuildProgress
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings, parse_overrides

DEFAULT_CORPUS = "corpus"


def add_retriever_options(parser: argparse.ArgumentParser) -> None:
    """--corpus, --cache-dir, --no-cache, --backend, --config NAME=VALUE."""
    parser.add_argument(
        "--corpus", default=DEFAULT_CORPUS, metavar="DIR", help="folder of speeches (default: corpus)"
    )
    parser.add_argument("--cache-dir", metavar="DIR", help="index cache folder (default: the user cache dir)")
    parser.add_argument("--no-cache", action="store_true", help="build the index in memory, ignore the cache")
    parser.add_argument(
        "--backend", metavar="NAME", help="BM25 backend: sparse (default) or rank-bm25 (reference)"
    )
    parser.add_argument(
        "--config", action="append", default=[], metavar="NAME=VALUE", help="override a retriever setting"
    )


def settings_from_args(args: argparse.Namespace) -> RetrieverSettings:
    overrides = parse_overrides(args.config)
    if args.backend:
        overrides["backend"] = args.backend
    return RetrieverSettings().with_overrides(overrides)


def retriever_from_args(args: argparse.Namespace) -> Retriever:
    """The retriever the options describe (index loaded from cache when possible; a bar on stderr while
    a large corpus is read for a fresh build)."""
    with BuildProgress() as progress:
        return Retriever.from_corpus(
            Path(args.corpus),
            settings_from_args(args),
            cache_dir=args.cache_dir,
            use_cache=not args.no_cache,
            progress=progress,
        )
