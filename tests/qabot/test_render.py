"""Plain-text answers (a pipe, a file) are exactly what rich prints there, on the real dev set; rich is used for
a terminal, or when the environment asks for terminal output."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from qabot.render import answer_lines, plain_answer, render_answer, wants_terminal
from retrieval.retriever import Retriever

EXTRA = (
    "",
    "的了吗",
    "明天北京天气怎么样",
    "今年GDP增长多少",
    "秸秆禁烧" * 200,
    "约谈\x07开发区\x0c",
    "秸秆\t禁烧",
)


def questions(corpus_dir: Path) -> list[str]:
    lines = (corpus_dir / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()] + list(EXTRA)


def rich_prints(renderable: object) -> str:
    out = io.StringIO()
    Console(file=out, highlight=False, soft_wrap=True, force_terminal=False).print(renderable)
    return out.getvalue()


def test_plain_text_equals_richs_output_without_a_terminal(corpus_dir: Path, retriever: Retriever) -> None:
    asked = questions(corpus_dir)
    assert len(asked) > 30
    tiers = set()
    for question in asked:
        answer = retriever.ask(question)
        tiers.add(answer.confidence)
        assert plain_answer(answer) == rich_prints(render_answer(answer)), question
    assert tiers == {"high", "low", "none"}  # every layout was compared


def test_plain_text_keeps_the_citations_and_drops_the_styles(retriever: Retriever) -> None:
    answer = retriever.ask("督察指出的个性问题是什么？")
    text = plain_answer(answer)
    assert text.startswith("[1]\n") and "  —— 《" in text and "\x1b" not in text
    assert any(line.highlights for line in answer_lines(answer))  # highlights exist, drawn only by rich


@pytest.mark.parametrize(
    ("environ", "tty", "expected"),
    [
        ({}, False, False),
        ({}, True, True),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": ""}, True, False),
        ({"TTY_COMPATIBLE": "1"}, False, True),
        ({"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, True, False),
    ],
)
def test_rich_is_chosen_by_richs_own_rules(
    environ: dict[str, str], tty: bool, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)

    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    stream = Stream()
    assert wants_terminal(stream) is expected
    assert Console(file=stream).is_terminal is expected  # the same decision rich makes
