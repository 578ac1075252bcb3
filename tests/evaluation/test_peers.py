"""`qabot bench --peers` plumbing: the project's engines build, store and rank like the reference."""

from __future__ import annotations

from pathlib import Path

from evaluation.peer_engines import build_engine
from evaluation.peers import markdown_table, median_row

DOCS = [["秸秆", "禁烧"], ["黑臭", "水体", "整治"], ["秸秆", "综合", "利用", "秸秆"], ["督察", "整改"]]


def test_project_engines_agree_with_rank_bm25_and_report_their_size(tmp_path: Path) -> None:
    results = {}
    for name in ("rank-bm25", "sparse"):
        folder = tmp_path / name
        folder.mkdir()
        top_k, size = build_engine(name, DOCS, folder)
        assert size > 0
        results[name] = [top_k(q) for q in (["秸秆"], ["水体", "督察"], ["未知"])]
    assert results["sparse"] == results["rank-bm25"]
    assert sorted(results["sparse"][0]) == [0, 2] and results["sparse"][2] == []


def test_table_shows_every_row_and_errors() -> None:
    ok = {"engine": "sparse", "size": 10_000, "build_s": 0.5, "peak_rss_mb": 300.0, "index_mb": 9.0}
    ok |= {"p50_ms": 0.05, "p95_ms": 0.1, "qps": 9000.0, "agree": 300, "agree_of": 300}
    table = markdown_table([ok, {"engine": "tantivy", "size": 10_000, "error": "exit 1"}])
    assert "| 10,000 | sparse | 0.50 | 300 | 9.0 | 0.050 | 0.100 | 9,000 | 300/300 |" in table
    assert "| 10,000 | tantivy | exit 1 |" in table


def test_rounds_report_the_median_of_each_figure() -> None:
    def run(p95: float, build: float) -> dict[str, object]:
        return {"engine": "sparse", "size": 10, "build_s": build, "peak_rss_mb": 300.0, "p50_ms": p95 / 2,
                "p95_ms": p95, "p99_ms": p95 * 2, "qps": 1000.0 / p95, "top10": [[0]]}  # fmt: skip

    row = median_row([run(0.3, 1.0), run(0.1, 3.0), run(0.2, 2.0)])
    assert (row["p95_ms"], row["p50_ms"], row["build_s"], row["rounds"]) == (0.2, 0.1, 2.0, 3)
    assert row["p95_rounds_ms"] == [0.3, 0.1, 0.2] and row["top10"] == [[0]]
    failed = median_row([run(0.3, 1.0), {"engine": "sparse", "size": 10, "error": "exit 1"}])
    assert failed["error"] == "exit 1"
