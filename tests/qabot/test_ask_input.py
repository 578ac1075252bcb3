"""`qabot ask` on odd input, through the CLI: invalid bytes, blank lines, invisible characters and escape
sequences in questions, BOM-less UTF-16 files, and a terminal with no question."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from qabot.cli import main
from tests.qabot.test_cli import run_cli


def ask_stdin(corpus_dir: Path, data: bytes, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    # Python reads a UTF-8 stdin with surrogateescape under the C/UTF-8 locale, as a shell pipe gives it
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")
    try:
        code = main(["ask", "--corpus", str(corpus_dir), "--json"])
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_invalid_bytes_cost_one_character_not_the_batch(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (
        "秸秆焚烧怎么管？\n".encode()
        + b"\xff\xfe\xc3 "
        + "大气污染防治有哪些措施？\n".encode()
        + "生态环境保护\n".encode()
    )
    records = ask_stdin(corpus_dir, data, capsys)
    assert len(records) == 3
    assert all(r["answered"] for r in records)
    assert "大气" in records[1]["terms"]  # type: ignore[operator]


def test_blank_lines_still_get_one_json_object_each(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = ask_stdin(corpus_dir, "秸秆焚烧怎么管？\n\n   \n生态环境保护\n".encode(), capsys)
    assert [r["answered"] for r in records] == [True, False, False, True]
    assert records[1]["message"] and records[2]["message"]


def test_zero_width_characters_and_ansi_escapes_are_not_terms(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = ask_stdin(corpus_dir, "秸秆焚烧怎么管？\n".encode(), capsys)[0]
    dirty = "\x1b[31m秸\u200b秆\u2060焚\ufeff烧\x1b[0m怎么\u200d管？\x1b]0;title\x07\n"
    (record,) = ask_stdin(corpus_dir, dirty.encode(), capsys)
    assert record["terms"] == plain["terms"]
    assert record["hits"] and record["hits"][0]["chunk_id"] == plain["hits"][0]["chunk_id"]  # type: ignore[index]


def test_bomless_utf16le_file_is_read(
    tmp_path: Path, corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, other = sorted(corpus_dir.glob("*.txt"))[:2]
    shutil.copy(other, tmp_path / "utf8.txt")
    (tmp_path / "exported.txt").write_bytes(source.read_text(encoding="utf-8").encode("utf-16-le"))
    code, out, err = run_cli(["check", "--corpus", str(tmp_path)], capsys)
    assert code == 0, err
    assert "exported.txt · utf-16-le" in " ".join(out.split())
    assert "No files skipped" in out


class TerminalInput(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_ask_on_a_terminal_without_arguments_prints_a_hint(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sys.stdin = TerminalInput("")
    try:
        code = main(["ask", "--corpus", str(corpus_dir)])
    finally:
        sys.stdin = sys.__stdin__
    assert code == 0
    assert "one question per line" in capsys.readouterr().err


def test_repl_with_piped_invalid_bytes_answers_every_line(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = "秸秆焚烧怎么管？\n".encode() + b"\xff\xc3\n" + "/k 1\n大气污染防治有哪些措施？\n".encode()
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="strict")
    try:
        code = main(["repl", "--corpus", str(corpus_dir)])
    finally:
        sys.stdin = sys.__stdin__
    out = capsys.readouterr().out
    assert code == 0
    assert "每次显示 1 条结果" in out and out.count("[1]") == 2 and "[2]" in out


def test_a_line_that_fails_is_reported_on_that_line_and_the_batch_goes_on(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrieval.retriever import Retriever

    real_ask = Retriever.ask

    def ask(self: Retriever, question: str, k: int = 3) -> object:
        if "炸" in question:  # stands in for any bug an odd input may hit
            raise RuntimeError("boom")
        return real_ask(self, question, k)

    monkeypatch.setattr(Retriever, "ask", ask)
    records = ask_stdin(corpus_dir, "秸秆焚烧怎么管？\n炸\n生态环境保护\n".encode(), capsys)
    assert [r["answered"] for r in records] == [True, False, True]
    assert "RuntimeError: boom" in str(records[1]["message"]) and records[1]["question"] == "炸"
