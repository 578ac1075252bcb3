"""`qabot eval` end to end on the real corpus and dev set, and on the benchmark samples."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from qabot import cli, cmd_eval
from retrieval.errors import QabotError
from retrieval.settings import RetrieverSettings

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "benchmarks"


def run_eval(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="qabot")
    cmd_eval.register(parser.add_subparsers())
    args = parser.parse_args(["eval", "--no-progress", *argv])
    result: int = args.func(args)
    return result


def test_dev_run_writes_reports_and_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    corpus = str(ROOT / "corpus")
    code = run_eval("--corpus", corpus, "--out", str(out), "--compare", "tokenizer=jieba,bigram")
    assert code == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split()[0] == "label" and [r.split()[0] for r in rows[1:]] == [
        "base",
        "tokenizer=jieba",
        "tokenizer=bigram",
    ]
    payload = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(payload["meta"]["corpus_hash"]) == 64
    base = payload["configurations"][0]
    assert base["settings"]["tokenizer"] == RetrieverSettings().tokenizer
    assert base["groups"]["direct"]["hit@3"] >= 0.9  # the speech's own words must be found
    assert payload["configurations"][2]["settings"]["tokenizer"] == "bigram"
    assert "## Per kind" in (out / "report.md").read_text(encoding="utf-8")
    assert "## Conversations" in (out / "report.md").read_text(encoding="utf-8")
    assert base["followup"]["followups"] >= 20 and base["followup"]["leaked topic"] == 0
    for png in ("configurations.png", "score_distribution.png", "threshold_sweep.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"


def test_json_output_and_config_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_eval("--corpus", str(ROOT / "corpus"), "--out", str(tmp_path), "--json", "--config", "k1=1.2")
    payload = json.loads(capsys.readouterr().out)
    assert payload["configurations"][0]["settings"]["k1"] == 1.2
    assert payload["meta"]["base_overrides"] == {"k1": "1.2"}


def test_benchmark_on_samples_reports_stock_beside_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_eval("--benchmark", "cmrc2018", "--data", str(FIXTURES), "--out", str(tmp_path))
    assert code == 0
    labels = [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]]
    assert labels == ["stock", "stock+t2s", "project"]
    payload = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert payload["meta"]["questions"] == 60
    assert (tmp_path / "cmrc2018.png").exists()


def test_benchmark_without_data_is_a_clear_user_error(tmp_path: Path) -> None:
    with pytest.raises(QabotError, match="not found; pass --data"):
        run_eval("--benchmark", "drcd", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path))


def test_missing_dev_set_is_a_clear_user_error(tmp_path: Path) -> None:
    with pytest.raises(QabotError, match="cannot read dev set"):
        run_eval("--corpus", str(ROOT / "corpus"), "--qa", str(tmp_path / "no.jsonl"), "--out", str(tmp_path))


def test_registered_in_the_qabot_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        [
            "eval",
            "--no-progress",
            "--benchmark",
            "drcd",
            "--data",
            str(FIXTURES),
            "--limit",
            "10",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.splitlines()[1].split()[0] == "stock"
    assert cli.main(["eval", "--benchmark", "drcd", "--data", str(tmp_path / "missing")]) == 2


def test_backend_option_selects_the_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_eval("--corpus", str(ROOT / "corpus"), "--out", str(tmp_path), "--json", "--backend", "rank-bm25")
    payload = json.loads(capsys.readouterr().out)
    assert payload["configurations"][0]["settings"]["backend"] == "rank-bm25"
