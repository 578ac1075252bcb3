"""`qabot shards build`: write the corpus into N Xapian shard databases and a stub that lists them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from qabot.options import DEFAULT_CORPUS
from retrieval.errors import ConfigError
from retrieval.retriever import read_and_chunk
from retrieval.settings import RetrieverSettings, parse_overrides


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "shards",
        help="build Xapian shards for --backend xapian",
        description="Scale-out: shards served by xapian-tcpsrv (or opened locally) answer exactly as the "
        "in-memory index does. See docs/scaling.md.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser("build", help="write DIR/shard-0 … shard-{N-1} and DIR/shards.stub")
    build.add_argument(
        "--corpus", default=DEFAULT_CORPUS, metavar="DIR", help="folder of speeches (default: corpus)"
    )
    build.add_argument("--shards", type=int, required=True, metavar="N", help="number of shards")
    build.add_argument("--out", required=True, metavar="DIR", help="new (or empty) folder for the shards")
    build.add_argument(
        "--config", action="append", default=[], metavar="NAME=VALUE", help="override a retriever setting"
    )
    build.add_argument(
        "--jobs",
        type=int,
        metavar="J",
        help="processes writing shards at once (default: one per shard, up to the number of cores)",
    )
    build.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    build.set_defaults(func=run_build)


def run_build(args: argparse.Namespace) -> int:
    try:
        from retrieval.index.backends.xapian_writer import write_shards
    except ImportError:
        raise ConfigError("qabot shards needs the Xapian Python bindings (qabot[xapian])") from None
    from retrieval.index.backends.xapian_writer import check_buildable, check_out_dir

    settings = RetrieverSettings().with_overrides(parse_overrides(args.config))
    check_buildable(settings, args.shards, args.jobs)  # refused before the corpus is read
    check_out_dir(Path(args.out))
    documents, chunks, skipped = read_and_chunk(Path(args.corpus), settings)
    with tqdm(
        total=len(chunks), desc="shards", unit="chunk", file=sys.stderr, disable=args.no_progress
    ) as bar:
        stub = write_shards(
            Path(args.out),
            documents,
            chunks,
            settings,
            args.shards,
            skipped=skipped,
            progress=bar.update,
            jobs=args.jobs,
        )
    print(f"{len(chunks)} chunks of {len(documents)} documents in {args.shards} shards; stub: {stub}")
    return 0
