"""`qabot ask`: answer questions from arguments, or one per stdin line; `--json` for tools.

`--conversation` reads the questions as one conversation (follow-ups, 还有呢: retrieval/conversation), each
asked when it is read; without it every question is answered on its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from rich.console import Console

from qabot.options import add_retriever_options, retriever_from_args
from qabot.render import answer_to_json, render_answer
from retrieval.conversation import Conversation


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("ask", help="answer questions (arguments, else one per stdin line)")
    add_retriever_options(parser)
    parser.add_argument("--k", type=int, default=3, metavar="N", help="hits per question (default 3)")
    parser.add_argument("--json", action="store_true", help="one JSON object per question")
    parser.add_argument(
        "--conversation",
        action="store_true",
        help="the questions are one conversation: follow-ups use the earlier ones (one per argument or line)",
    )
    parser.add_argument("question", nargs="*", help="the question (words are joined with spaces)")
    parser.set_defaults(func=run)


def questions(args: argparse.Namespace) -> Iterator[str]:
    """The question from the arguments (each argument one question with --conversation), else every
    non-empty stdin line."""
    if args.question:
        yield from args.question if args.conversation else [" ".join(args.question)]
        return
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\n")


def run(args: argparse.Namespace) -> int:
    retriever = retriever_from_args(args)
    console = Console(highlight=False, soft_wrap=True)
    conversation = Conversation()
    for question in questions(args):
        if args.conversation:
            answer, conversation = retriever.ask_in(conversation, question, k=max(args.k, 1))
        else:
            answer = retriever.ask(question, k=max(args.k, 1))
        if args.json:
            print(json.dumps(answer_to_json(answer), ensure_ascii=False), flush=True)
        else:
            console.print(render_answer(answer))
    return 0
