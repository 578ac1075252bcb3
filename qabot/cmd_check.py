"""`qabot check`: what ingestion and normalization made of the corpus folder (run after adding files)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from tqdm import tqdm

from qabot.options import add_retriever_options, settings_from_args, xapian_db
from qabot.report import corpus_report, readers_line
from retrieval.index import kernel_status
from retrieval.retriever import Retriever, documents_cache, read_and_chunk
from retrieval.semantic import semantic_status
from retrieval.settings import RetrieverSettings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("check", help="ingestion and normalization report for the corpus folder")
    add_retriever_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # The report needs what ingestion and chunking made, not a BM25 index: no tokenizing here.
    settings = settings_from_args(args)
    shards = xapian_db(args)
    if shards is not None:
        return report_shards(shards, settings)
    # The bar goes to stderr (and only to a terminal), so the report on stdout stays clean to pipe.
    with tqdm(desc="reading", unit="file", file=sys.stderr, disable=None, leave=False) as bar:

        def progress(done: int, total: int, _file: str) -> None:
            bar.total = total
            bar.update(done - bar.n)

        cache = None if args.no_cache else documents_cache(args.cache_dir)
        documents, chunks, skipped = read_and_chunk(Path(args.corpus), settings, progress, cache)
    console = Console(highlight=False)
    console.print(readers_line())
    console.print(corpus_report(documents, chunks, skipped))
    console.print(semantic_status(settings.semantic))
    console.print(kernel_status())
    return 0


def report_shards(path: Path, settings: RetrieverSettings) -> int:
    """What the shards hold, from their metadata (documents, reports, chunk counts): no chunk is read."""
    retriever = Retriever.from_xapian(path, settings)
    console = Console(highlight=False)
    console.print(f"shards: {path}")
    counts = retriever.index.chunk_counts()
    console.print(corpus_report(retriever.documents, retriever.chunks, retriever.skipped, counts))
    return 0
