"""`qabot ask --conversation` and the REPL's one conversation per session (`/new` starts over)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval import messages
from tests.qabot.test_cli import run_cli


def test_ask_conversation_reads_stdin_as_one_conversation(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = "开发区空气质量排第几？\n那领导提了哪些要求？\n还有呢？\n信访问题怎么处理？\n"
    code, out, _ = run_cli(["ask", "--corpus", str(corpus_dir), "--json", "--conversation"], capsys, stdin)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["context"] for r in records] == [
        "",
        "开发区空气质量排第几？",
        "开发区空气质量排第几？",
        "",
    ]
    assert records[1]["message"].startswith("接上文：开发区空气质量排第几")
    first_ids = {h["chunk_id"] for h in records[1]["hits"]}
    assert not first_ids & {h["chunk_id"] for h in records[2]["hits"]}  # 还有呢: the next passages
    assert [h["rank"] for h in records[2]["hits"]] == [4, 5, 6]


def test_ask_conversation_takes_each_argument_as_one_question(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "ask",
        "--corpus",
        str(corpus_dir),
        "--json",
        "--conversation",
        "秸秆焚烧怎么管？",
        "具体有哪些措施？",
    ]
    code, out, _ = run_cli(argv, capsys)
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["context"] for r in records] == ["", "秸秆焚烧怎么管？"]


def test_without_conversation_every_question_stands_alone_and_context_is_empty(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = "秸秆焚烧怎么管？\n还有呢？\n"
    code, out, _ = run_cli(["ask", "--corpus", str(corpus_dir), "--json"], capsys, stdin)
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["context"] for r in records] == ["", ""]


def test_content_free_question_first_asks_for_the_topic(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["ask", "--corpus", str(corpus_dir), "--json", "--conversation", "还有呢"], capsys)
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and record["answered"] is False and record["hits"] == []
    assert record["message"] == messages.NEED_TOPIC


def test_repl_follows_up_and_new_starts_over(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stdin = "秸秆焚烧怎么管？\n具体有哪些措施？\n/new\n具体有哪些措施？\n"
    code, out, _ = run_cli(["repl", "--corpus", str(corpus_dir)], capsys, stdin)
    assert code == 0
    assert out.count("接上文：秸秆焚烧怎么管") == 1
    assert "已开始新话题" in out
    assert out.rstrip().endswith(messages.NEED_TOPIC)
