"""The three confidence tiers through `ask --json`, the REPL and the terminal renderer, on the real corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from qabot.render import TENTATIVE_MARK, render_answer
from retrieval.retriever import Retriever
from tests.qabot.test_cli import run_cli

HIGH, LOW, NONE = "督察指出的个性问题是什么？", "今年GDP增长多少", "明天北京天气怎么样"


def test_ask_json_carries_confidence(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["ask", "--corpus", str(corpus_dir), "--json"], capsys, f"{HIGH}\n{LOW}\n{NONE}\n")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["confidence"], r["answered"]) for r in records] == [
        ("high", True),
        ("low", True),
        ("none", False),
    ]
    assert records[1]["message"].startswith("可能相关（未必直接回答）")
    assert records[1]["hits"] and records[1]["hits"][0]["citation"].startswith("《")
    assert records[2]["hits"]  # the contract keeps the closest chunks even when not covered


def test_ask_json_lists_the_lexicons_expansions(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_cli(["ask", "--corpus", str(corpus_dir), "--json", "只罚钱不整改的问题"], capsys)
    record = json.loads(out)
    assert "罚款" in record["expanded"] and "罚钱" in record["terms"]


def _ansi(retriever: Retriever, question: str) -> str:
    console = Console(force_terminal=True, color_system="standard", width=200, highlight=False)
    with console.capture() as captured:
        console.print(render_answer(retriever.ask(question)))
    return captured.get()


def test_terminal_draws_the_low_tier_dim_under_a_note(retriever: Retriever) -> None:
    low, high = _ansi(retriever, LOW), _ansi(retriever, HIGH)
    dim = "\x1b[2m"
    assert TENTATIVE_MARK + "可能相关（未必直接回答）" in low
    assert dim in low and dim not in high
    assert "——" in low  # still cited


def test_repl_shows_the_tiers_differently(corpus_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c"), "XDG_STATE_HOME": str(tmp_path / "s")}
    proc = subprocess.run(
        [sys.executable, "-m", "qabot.cli", "repl", "--corpus", str(corpus_dir)],
        input=f"{HIGH}\n{LOW}\n{NONE}\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    high, rest = proc.stdout.split(TENTATIVE_MARK, 1)
    assert "城市生活污泥处置能力不足" in high and "可能相关" not in high
    low, none = rest.split("这些讲话里没有找到", 1)
    assert low.startswith("可能相关（未必直接回答）") and "——" in low
    assert "最接近的讲话：《" in none and "——" not in none


def test_check_says_whether_the_semantic_signal_is_on(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["check", "--corpus", str(corpus_dir)], capsys)
    assert code == 0
    assert "semantic signal: off" in " ".join(out.split())


def test_check_says_which_query_kernel_is_in_use(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from retrieval.index.backends.kernel import load_c_kernel

    code, out, _ = run_cli(["check", "--corpus", str(corpus_dir)], capsys)
    assert code == 0
    expected = "C extension _bm25kernel" if load_c_kernel() is not None else "query kernel: numpy"
    assert expected in " ".join(out.split())
