"""`qabot ask`: answer questions from arguments, or one per stdin line; `--json` for tools.

`--conversation` reads the questions as one conversation (follow-ups, 还有呢: retrieval/conversation), each
asked when it is read; without it every question is answered on its own.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterator

from qabot.options import add_retriever_options, retriever_from_args
from qabot.render import answer_to_json, plain_answer, render_answer, wants_terminal
from retrieval.conversation import Conversation
from retrieval.normalize import clean_question
from retrieval.retriever import Retriever
from retrieval.types import Answer

log = logging.getLogger(__name__)

TTY_HINT = "qabot ask: type one question per line, Ctrl-D to finish (or pass the question as arguments)"
# Shown for a line that could not be answered; the others of the batch are still answered.
FAILED = "这个问题无法处理：{reason}"


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


def stdin_lines() -> Iterator[str]:
    """Every stdin line, decoded as UTF-8 with undecodable bytes replaced: one bad byte costs one
    character, never the batch."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream already (tests, embedding)
        yield from (line.rstrip("\r\n") for line in sys.stdin)
        return
    for raw in stream:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def questions(args: argparse.Namespace) -> Iterator[str]:
    """The question from the arguments (each argument one question with --conversation), else every stdin
    line (blank ones too with --json, so the output keeps one object per input line)."""
    if args.question:
        yield from args.question if args.conversation else [" ".join(args.question)]
        return
    if sys.stdin.isatty():
        print(TTY_HINT, file=sys.stderr)
    for line in stdin_lines():
        if args.json or line.strip():
            yield line


def answer_one(
    retriever: Retriever, question: str, k: int, conversation: Conversation | None = None
) -> tuple[Answer, Conversation | None]:
    """The answer (as the next turn of `conversation` when there is one) and the conversation after it;
    on a failure an unanswered answer saying why and the conversation unchanged: one bad line must not
    lose the rest."""
    try:
        if conversation is None:
            return retriever.ask(question, k=k), None
        return retriever.ask_in(conversation, question, k=k)
    except Exception as exc:  # any bug on odd input is reported on that line only
        log.error("cannot answer %r", question, exc_info=True)
        reason = f"{type(exc).__name__}: {exc}"
        failed = Answer(clean_question(question), "simplified", False, (), FAILED.format(reason=reason))
        return failed, conversation


def answer_printer(json_lines: bool) -> Callable[[Answer], None]:
    """Prints each answer as it comes: a JSON line, rich's drawing on a terminal, else plain text (rich is
    imported only for a terminal)."""
    if json_lines:
        return lambda answer: print(json.dumps(answer_to_json(answer), ensure_ascii=False), flush=True)
    if not wants_terminal(sys.stdout):
        return lambda answer: print(plain_answer(answer), end="", flush=True)
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    return lambda answer: console.print(render_answer(answer))


def run(args: argparse.Namespace) -> int:
    retriever = retriever_from_args(args)
    show = answer_printer(args.json)
    conversation = Conversation() if args.conversation else None
    for question in questions(args):
        answer, conversation = answer_one(retriever, question, max(args.k, 1), conversation)
        show(answer)
    return 0
