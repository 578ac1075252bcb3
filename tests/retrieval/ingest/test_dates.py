"""The speech's date from a date line near the top or bottom, never from an event date in the body."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.ingest.dates import find_date, parse_date

SEEDS = Path(__file__).resolve().parents[3] / "corpus"


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("2024年3月15日", "2024-03-15"),
        ("（2024年3月5日）", "2024-03-05"),
        ("二〇二四年三月十五日", "2024-03-15"),
        ("二○二三年十二月三十一日", "2023-12-31"),
        ("２０２４年１月２日", "2024-01-02"),
        ("2024-12-09 华博范文网", "2024-12-09"),
        ("发布时间：2025/1/12", "2025-01-12"),
        ("2024年2月30日", ""),  # no such day
        ("1.5倍", ""),
    ],
)
def test_parse_date(line: str, iso: str) -> None:
    assert parse_date(line) == iso


def test_date_line_at_the_top_or_bottom_only() -> None:
    body = "同志们：\n" + "2024年3月15日,我们召开了全市大会,部署了大气污染防治的各项工作任务和要求。\n" * 3
    assert find_date(body) == ""  # a date inside a long body line is an event
    assert find_date("讲话\n" + body + "市生态环境局\n2024年4月1日\n") == "2024-04-01"
    assert find_date("在大会上的讲话\n（2024年3月5日）\n" + body) == "2024-03-05"


def test_seed_dates() -> None:
    dates = {p.name[:3]: find_date(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))}
    assert dates == {"000": "", "001": "", "002": "2024-12-09", "003": "", "004": ""}
