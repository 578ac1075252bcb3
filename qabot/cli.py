"""`qabot` entry point. Each subcommand lives in its own `qabot.cmd_*` module exposing `register()`."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from qabot import process
from retrieval.errors import QabotError

# Order here is the order in `qabot --help`.
COMMAND_MODULES = (
    "qabot.cmd_ask",
    "qabot.cmd_repl",
    "qabot.cmd_chunks",
    "qabot.cmd_check",
    "qabot.cmd_eval",
    "qabot.cmd_serve",
    "qabot.cmd_shards",
    "qabot.cmd_bench",
)


# `qabot --help` lines of the subcommands, so that running one imports only its own module: `ask` need
# not pay for matplotlib (bench, eval) or telegram (serve). Must equal each module's `help=`
# (tests/qabot/test_cli.py checks); a module missing here is simply imported.
COMMAND_HELP = {
    "ask": "answer questions (arguments, else one per stdin line)",
    "repl": "interactive question answering",
    "chunks": "list every chunk (doc_id, title, section, text)",
    "check": "ingestion and normalization report for the corpus folder",
    "eval": "measure retrieval quality on the dev set or a benchmark",
    "serve": "run the Telegram bot (settings from the environment / .env)",
    "shards": "build Xapian shards for --backend xapian",
    "bench": "benchmark the reference and fast BM25 backends",
}
# Short-lived question answering: numpy's BLAS thread pool costs their start and does them no good.
ONE_BLAS_THREAD = frozenset({"ask", "repl"})


def build_parser(command: str | None = None, *, help_only: bool = False) -> argparse.ArgumentParser:
    """The argument parser; given `command` (or `help_only`, for `qabot` / `qabot --help`), the other
    subcommands are listed from COMMAND_HELP but their modules not loaded."""
    parser = argparse.ArgumentParser(
        prog="qabot", description="讲话问答: cited answers from Chinese speeches"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        name = module.removeprefix("qabot.cmd_")
        if (help_only or command is not None) and name != command and name in COMMAND_HELP:
            sub.add_parser(name, help=COMMAND_HELP[name])
        else:
            importlib.import_module(module).register(sub)
    return parser


def chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (the first word not an option), if it is a known one."""
    words = [a for a in argv if not a.startswith("-")]
    known = {m.removeprefix("qabot.cmd_") for m in COMMAND_MODULES}
    return words[0] if words and words[0] in known else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; library errors become one line on stderr and exit code 2. Without `argv` this
    is the process's entry point and tunes its interpreter for a fast start and exit (`qabot.process`)."""
    entry_point = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    command = chosen_command(argv)
    if entry_point:
        process.take_over(one_blas_thread=command in ONE_BLAS_THREAD)
    try:
        return run_command(argv, command)
    finally:
        process.settle()  # nothing left for the collector to walk at exit


def run_command(argv: list[str], command: str | None) -> int:
    """Import the subcommand's module (only that one), parse the arguments, run it."""
    parser = build_parser(command) if command else build_parser(help_only=True)
    process.settle()  # the modules are imported
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        result: int = args.func(args)
    except QabotError as exc:
        print(f"qabot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`qabot ask --json … | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return result


if __name__ == "__main__":
    sys.exit(main())
