"""Line structure: heading and enumeration levels and section labels, on lines from the speeches."""

from __future__ import annotations

import pytest

from retrieval.chunk.sections import enumeration_level, heading_level, section_label


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、2024年工作回顾", 1),
        ("(一)强化执法监管,健全环境监管体系", 2),
        ("(十二)其他", 2),
        ("1.加强组织领导", 3),
        ("2、压实工作责任", 3),
        ("第一,要提高认识", 4),
        ("2024年,在市委、市政府的坚强领导下", None),
        ("1.5倍以上", None),
        ("一是创新执法模式", None),
        ("第一时间受理", None),
    ],
)
def test_heading_levels(line: str, level: int | None) -> None:
    assert heading_level(line) == level


@pytest.mark.parametrize(
    ("sentence", "level"),
    [
        ("一是创新执法模式,提升执法效能。", 5),
        ("二要加强制度建设。", 6),
        ("其次,要加强协调联动。", 7),
        ("一些企业环保意识不强。", None),
        ("首都", None),
    ],
)
def test_enumeration_levels(sentence: str, level: int | None) -> None:
    assert enumeration_level(sentence) == level


def test_section_label_keeps_short_headings_whole_and_cuts_long_ones() -> None:
    assert section_label("(一)强化执法监管,健全环境监管体系") == "(一)强化执法监管,健全环境监管体系"
    long = "一是要认清形势、聚焦问题,高度重视中央环保督察反馈问题的整改工作。中央生态环境保护督察是…"
    assert section_label(long) == "一是要认清形势、聚焦问题"


def test_a_numbered_sentence_is_a_list_item_not_a_heading() -> None:
    from retrieval.chunk.sections import heading_split

    assert heading_split("1. 市级河长每季度巡河不少于一次。", 3) == 0
    assert heading_split("1. 加强组织领导", 3) == len("1. 加强组织领导")
    assert heading_split("(一)加强组织领导。", 2) == len("(一)加强组织领导。")
    assert enumeration_level("2. 县级河长每月巡河不少于一次。") == 8
