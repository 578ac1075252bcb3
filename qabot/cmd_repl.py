"""`qabot repl`: interactive questions with highlighted, cited answers; reads plain lines when piped."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import platformdirs
from rich.console import Console

from qabot.cmd_ask import answer_one, stdin_lines
from qabot.options import add_retriever_options, retriever_from_args
from qabot.render import render_answer
from qabot.sources_zh import sources_report
from retrieval.conversation import Conversation
from retrieval.normalize import clean_question
from retrieval.retriever import Retriever

PROMPT = "问> "
MAX_K = 20
K_USAGE = f"用法：/k N（N 为 1–{MAX_K} 的整数）"
HELP = """输入问题并回车即可，例如：督察指出的个性问题是什么？（简体、繁体均可）
追问（“那怎么整改？”“还有呢？”）接着上一个问题回答，并显示“接上文：…”。
命令：/help 帮助  /new 开始新话题  /sources 文档与规范化报告  /k N 每次显示 N 条结果  /quit 退出"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("repl", help="interactive question answering")
    add_retriever_options(parser)
    parser.add_argument("--k", type=int, default=3, metavar="N", help="hits per answer (default 3)")
    parser.set_defaults(func=run)


def interactive_lines() -> Iterator[str]:
    """Lines typed at a prompt with persistent history (prompt_toolkit)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    session: PromptSession[str] = PromptSession(history=FileHistory(str(private_history_file())))
    while True:
        try:
            yield session.prompt(PROMPT)
        except KeyboardInterrupt:
            continue
        except EOFError:
            return


def private_history_file() -> Path:
    """The history file, readable by its owner only: questions typed can be confidential."""
    history = Path(platformdirs.user_state_dir("qabot", appauthor=False)) / "repl_history"
    history.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(history, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    history.chmod(0o600)  # an older file was created 0644
    return history


def piped_lines() -> Iterator[str]:
    yield from stdin_lines()  # invalid bytes replaced, as for `qabot ask`


def parse_k(arg: str) -> int | None:
    """N for `/k N` when it is a whole number 1..MAX_K (full-width digits too); None for anything else
    (`²`, `-1`, `3.5`, `十`), which gets the usage line."""
    try:
        k = int(arg.strip())
    except ValueError:
        return None
    return k if 1 <= k <= MAX_K else None


class Repl:
    """Dispatches commands and questions; output goes to a rich console. One conversation per session."""

    def __init__(self, retriever: Retriever, console: Console, k: int) -> None:
        self.retriever = retriever
        self.console = console
        self.k = k
        self.conversation = Conversation()

    def handle(self, line: str) -> bool:
        """Handle one input line; False means quit."""
        line = clean_question(line).strip()  # a line of undecodable bytes or escapes is a blank line
        if not line:
            return True
        if line.startswith("/"):
            return self.command(line)
        answer, conversation = answer_one(self.retriever, line, self.k, self.conversation)
        self.conversation = conversation or Conversation()
        self.console.print(render_answer(answer))
        self.console.print()
        return True

    def command(self, line: str) -> bool:
        name, _, arg = line.partition(" ")
        if name in ("/quit", "/exit", "/q"):
            return False
        if name == "/help":
            self.console.print(HELP)
        elif name == "/new":
            self.conversation = Conversation()
            self.console.print("已开始新话题。")
        elif name == "/sources":
            r = self.retriever
            self.console.print(sources_report(r.documents, r.chunks, r.skipped, r.index.chunk_counts()))
        elif name == "/k" and (k := parse_k(arg)) is not None:
            self.k = k
            self.console.print(f"每次显示 {self.k} 条结果。")
        elif name == "/k":
            self.console.print(K_USAGE)
        else:
            self.console.print(f"未知命令 {name}。{HELP}")
        return True


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False, soft_wrap=True)
    retriever = retriever_from_args(args)
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    repl = Repl(retriever, console, max(args.k, 1))
    if tty:
        console.print(
            f"讲话问答 — {len(retriever.documents)} 篇讲话，{len(retriever.chunks)} 个段落。/help 查看帮助。"
        )
    for line in interactive_lines() if tty else piped_lines():
        if not repl.handle(line):
            break
    return 0
