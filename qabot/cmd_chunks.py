"""`qabot chunks`: every chunk of the corpus, for inspection or other tools (`--json`: one per line)."""

from __future__ import annotations

import argparse
import json

from qabot.options import add_retriever_options, retriever_from_args
from qabot.render import chunk_to_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("chunks", help="list every chunk (doc_id, title, section, text)")
    add_retriever_options(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object per chunk")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    retriever = retriever_from_args(args)
    for chunk in retriever.chunks:
        if args.json:
            print(json.dumps(chunk_to_json(chunk), ensure_ascii=False))
        else:
            print(f"{chunk.chunk_id}  《{chunk.title}》 {chunk.section_label} ¶{chunk.paragraph}")
            print(f"  {chunk.text}\n")
    return 0
