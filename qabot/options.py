"""Options shared by every subcommand that needs a retriever, and building it from them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qabot import process
from qabot.progress import BuildProgress
from retrieval.errors import ConfigError
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings, parse_overrides

if TYPE_CHECKING:
    from tqdm import tqdm

DEFAULT_CORPUS = "corpus"


def add_retriever_options(parser: argparse.ArgumentParser) -> None:
    """--corpus, --cache-dir, --no-cache, --backend, --xapian-db, --config NAME=VALUE."""
    parser.add_argument(
        "--corpus", default=DEFAULT_CORPUS, metavar="DIR", help="folder of speeches (default: corpus)"
    )
    parser.add_argument("--cache-dir", metavar="DIR", help="index cache folder (default: the user cache dir)")
    parser.add_argument("--no-cache", action="store_true", help="build the index in memory, ignore the cache")
    parser.add_argument(
        "--backend",
        metavar="NAME",
        help="BM25 backend: sparse (default), rank-bm25 (reference) or xapian (with --xapian-db)",
    )
    add_xapian_option(parser)
    parser.add_argument(
        "--config", action="append", default=[], metavar="NAME=VALUE", help="override a retriever setting"
    )


def add_xapian_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--xapian-db",
        metavar="PATH",
        help="rank over Xapian shards (database folder or stub file) instead of --corpus",
    )


def xapian_db(args: argparse.Namespace) -> Path | None:
    """The --xapian-db path, or None for the in-memory index; --backend xapian without one is an error."""
    if getattr(args, "xapian_db", None):
        return Path(args.xapian_db)
    if args.backend == "xapian":
        raise ConfigError("--backend xapian needs --xapian-db PATH (build shards with `qabot shards build`)")
    return None


def settings_from_args(args: argparse.Namespace) -> RetrieverSettings:
    overrides = parse_overrides(args.config)
    if args.backend:
        overrides["backend"] = args.backend
    return RetrieverSettings().with_overrides(overrides)


def retriever_from_args(args: argparse.Namespace) -> Retriever:
    """The retriever the options describe (index loaded from cache when possible; bars on stderr while a
    large corpus is read for a fresh build, and while the optional semantic signal embeds passages)."""
    shards = xapian_db(args)
    if shards is not None:
        retriever = Retriever.from_xapian(shards, settings_from_args(args))
    else:
        with EmbeddingProgress() as progress, BuildProgress() as read_progress:
            retriever = Retriever.from_corpus(
                Path(args.corpus),
                settings_from_args(args),
                cache_dir=args.cache_dir,
                use_cache=not args.no_cache,
                progress=progress,
                read_progress=read_progress,
            )
    process.settle()  # the index and the dictionary live as long as the process
    return retriever


class EmbeddingProgress:
    """A progress bar on stderr while the optional semantic signal embeds passages (shown only then)."""

    def __init__(self, label: str = "embedding passages") -> None:
        self.label = label
        self._bar: tqdm[Any] | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm  # ~20 ms to import: only paid for when passages are embedded

            self._bar = tqdm(total=total, desc=self.label, unit="passage", file=sys.stderr, leave=False)
        self._bar.update(done - self._bar.n)

    def __enter__(self) -> EmbeddingProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
