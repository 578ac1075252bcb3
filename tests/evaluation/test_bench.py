"""`qabot bench` in a tiny mode: it runs end to end and writes sane JSON and a PNG (timings not checked)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.bench import REFERENCE, reference_query_count
from qabot.cli import main
from qabot.cmd_bench import parse_sizes
from retrieval.errors import ConfigError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_tiny_bench_writes_json_and_plot(
    tmp_path: Path, corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bench"
    code = main(
        ["bench", "--sizes", "1500", "--queries", "12", "--corpus", str(corpus_dir), "--out", str(out)]
    )
    assert code == 0
    report = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    assert (out / "latency.png").read_bytes().startswith(PNG_MAGIC)
    assert report["sizes"] == [1500]
    kinds = {(r["kind"], r["backend"]) for r in report["results"]}
    assert kinds == {
        ("tokenize", "sparse"),
        ("retrieval", REFERENCE),
        ("retrieval", "sparse"),
        ("e2e", "sparse"),
    }
    for row in report["results"]:
        if row["kind"] == "tokenize":
            assert row["chars_per_s"] > 0 and row["parallel_chars_per_s"] > 0
            continue
        assert row["size"] == 1500 and row["queries"] == 12
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
        assert row["peak_rss_mb"] > 0 and row["build_s"] > 0
        if row["kind"] == "retrieval":
            assert row["index_mb"] > 0 and row["load_s"] > 0
    assert not [p for p in out.iterdir() if p.name not in {"bench.json", "latency.png"}]  # scratch removed
    printed = capsys.readouterr().out
    assert "rank-bm25" in printed and "chars/s" in printed


def test_sizes_accept_suffixes() -> None:
    assert parse_sizes("1m,10k, 100000") == (10_000, 100_000, 1_000_000)
    with pytest.raises(ConfigError):
        parse_sizes("lots")


def test_reference_gets_a_query_subsample_on_large_corpora() -> None:
    assert reference_query_count(10_000, 500) == 500
    assert reference_query_count(1_000_000, 500) == 20
    assert reference_query_count(100_000, 500) == 200
