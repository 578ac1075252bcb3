"""`qabot` entry point. Each subcommand lives in its own `qabot.cmd_*` module exposing `register()`."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

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


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="qabot", description="讲话问答: cited answers from Chinese speeches"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; library errors become one line on stderr and exit code 2."""
    parser = build_parser()
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
