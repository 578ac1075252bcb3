"""The CLI contract other tools depend on: `ask --json`, `chunks --json`, `repl` through stdin, `check`."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qabot.cli import main

CONTRACT_HIT_KEYS = {"rank", "doc_id", "title", "section", "chunk_id", "score", "text", "excerpt"}
JUNK = re.compile(
    r"快文|省略\d|會員|会员|上一篇|下一篇|欄目|栏目|首页 >|预览阅读|华博|👉|免责|文稿首发|www\.|\ufffd|\?[a-zāáǎàēéěèīíǐìōóǒòūúǔù]"
)


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str, str]:
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv)
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json_contract(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        ["ask", "--corpus", str(corpus_dir), "--k", "2", "--json", "督察指出的个性问题是什么？"], capsys
    )
    assert code == 0
    (line,) = out.splitlines()
    record = json.loads(line)
    assert record["question"] == "督察指出的个性问题是什么？"
    assert record["answered"] is True
    assert len(record["hits"]) == 2
    for rank, hit in enumerate(record["hits"], start=1):
        assert hit.keys() >= CONTRACT_HIT_KEYS
        assert hit["rank"] == rank
        assert isinstance(hit["score"], float)
        assert (hit["excerpt"] and hit["excerpt"] in hit["text"]) or "…" in hit["excerpt"]
    assert "城市生活污泥处置能力不足" in record["hits"][0]["excerpt"]


def test_ask_reads_one_question_per_stdin_line_in_order(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = "秸秆咋办\n\n明天北京天气怎么样\n護照怎麼辦理\n"
    code, out, _ = run_cli(["ask", "--corpus", str(corpus_dir), "--json"], capsys, stdin)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in records] == ["秸秆咋办", "", "明天北京天气怎么样", "護照怎麼辦理"]
    assert [r["answered"] for r in records] == [True, False, False, False]
    assert [r["confidence"] for r in records] == ["high", "none", "none", "none"]
    assert records[3]["hits"], "abstention still lists the closest chunks"


def test_ask_plain_output_shows_citation(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["ask", "--corpus", str(corpus_dir), "開發區空氣質量排第幾？"], capsys)
    assert code == 0
    assert "《副市長在市政府就空氣質量落後問題約談開發區會議上的講話》" in out
    assert "¶" in out


def test_chunks_json_has_every_speech_and_no_junk(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["chunks", "--corpus", str(corpus_dir), "--json"], capsys)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert {r["doc_id"][:3] for r in records} == {"000", "001", "002", "003", "004"}
    for record in records:
        assert {"doc_id", "title", "section", "text"} <= record.keys()
        assert not JUNK.search(record["text"]), record["text"]
        assert not JUNK.search(record["title"])


def test_check_reports_every_document(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["check", "--corpus", str(corpus_dir)], capsys)
    assert code == 0
    assert "5 documents" in out
    assert "truncated by the site" in out
    assert "mojibake" in out and "No files skipped" in out


def test_missing_corpus_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["ask", "--corpus", str(tmp_path / "missing"), "问题"], capsys)
    assert code == 2
    assert err.strip().startswith("qabot: corpus folder not found")
    assert "Traceback" not in err


def test_bad_config_is_one_line_and_exit_2(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["ask", "--corpus", str(corpus_dir), "--config", "k1=abc", "问题"], capsys)
    assert code == 2 and "k1" in err


def test_repl_through_piped_stdin(corpus_dir: Path, tmp_path: Path) -> None:
    """The installed console script, as a user pipes into it: commands work and EOF exits 0."""
    stdin = "/help\n/k 1\n督察指出的个性问题是什么？\n明天北京天气怎么样\n/sources\n/k x\n"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c"), "XDG_STATE_HOME": str(tmp_path / "s")}
    proc = subprocess.run(
        [sys.executable, "-m", "qabot.cli", "repl", "--corpus", str(corpus_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "/sources" in out  # the help text
    assert "每次显示 1 条结果" in out
    assert "城市生活污泥处置能力不足" in out
    assert out.count("[1]") == 1 and "[2]" not in out
    assert "没有找到" in out
    assert "5 篇讲话" in out and "×0" not in out and " 0 处" not in out
    assert "用法：/k N" in out


def test_repl_quit_stops_reading(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["repl", "--corpus", str(corpus_dir)], capsys, "/quit\n秸秆咋办\n")
    assert code == 0
    assert "秸秆" not in out


def test_console_script_is_installed() -> None:
    proc = subprocess.run(
        ["qabot", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
    )
    assert proc.returncode == 0
    for command in ("ask", "repl", "chunks", "check"):
        assert command in proc.stdout


def test_closed_pipe_is_not_a_traceback(corpus_dir: Path, tmp_path: Path) -> None:
    questions = "\n".join(["秸秆咋办"] * 200) + "\n"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c")}
    proc = subprocess.run(
        f"{sys.executable} -m qabot.cli ask --json --corpus {corpus_dir} | head -n 1",
        shell=True,
        input=questions,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_ask_json_is_the_same_with_the_reference_backend(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = "督察指出的个性问题是什么？\n開發區空氣質量排第幾？\n秸秆焚烧怎么管\n明天北京天气怎么样\n"
    outputs = []
    for backend in ("sparse", "rank-bm25"):
        code, out, _ = run_cli(
            ["ask", "--corpus", str(corpus_dir), "--json", "--k", "5", "--backend", backend], capsys, stdin
        )
        assert code == 0
        outputs.append([json.loads(line) for line in out.splitlines()])
    fast, reference = outputs
    assert len(fast) == len(reference) == 4
    for a, b in zip(fast, reference, strict=True):
        scores_a = [h.pop("score") for h in a["hits"]]
        scores_b = [h.pop("score") for h in b["hits"]]
        assert a == b
        assert scores_a == pytest.approx(scores_b, rel=1e-9)


def test_repl_k_with_odd_numbers_is_a_usage_line_not_a_traceback(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = "/k ²\n/k ３\n/k -1\n/k 3.5\n/k 99\n/k\n/k 2\n"
    code, out, err = run_cli(["repl", "--corpus", str(corpus_dir)], capsys, stdin)
    assert code == 0 and "Traceback" not in err
    assert out.count("用法：/k N") == 5
    assert out.count("每次显示 3 条结果") == 1 and out.count("每次显示 2 条结果") == 1


def test_repl_history_file_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qabot.cmd_repl import private_history_file

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    history = tmp_path / "qabot" / "repl_history"
    history.parent.mkdir(parents=True)
    history.write_text("\n# old\n+秘密问题\n")
    history.chmod(0o644)
    assert private_history_file() == history
    assert history.stat().st_mode & 0o777 == 0o600
    assert "秘密问题" in history.read_text()
