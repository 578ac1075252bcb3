"""`qabot check`: what ingestion and normalization made of the corpus folder (run after adding files)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from qabot.options import add_retriever_options, settings_from_args
from qabot.progress import BuildProgress
from qabot.report import corpus_report
from retrieval.retriever import read_and_chunk


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("check", help="ingestion and normalization report for the corpus folder")
    add_retriever_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # The report needs what ingestion and chunking made, not a BM25 index: no tokenizing here.
    with BuildProgress() as progress:
        documents, chunks, skipped = read_and_chunk(Path(args.corpus), settings_from_args(args), progress)
    console = Console(highlight=False)
    console.print(corpus_report(documents, chunks, skipped))
    return 0
