"""Splitting Telegram HTML under the 4096 limit without breaking tags or entities."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.html_split import split_html, utf16_length, visible_length, visible_text
from tests.bot.telegram_rules import parse_html

PARAGRAPH = "同志们，要坚决打好蓝天保卫战，<b>秸秆</b>禁烧不能松懈 &amp; 责任要落实。"


def test_short_text_is_one_message() -> None:
    assert split_html(PARAGRAPH) == [PARAGRAPH]


def test_paragraphs_are_packed_and_split_on_line_boundaries() -> None:
    markup = "\n".join([PARAGRAPH] * 200)
    parts = split_html(markup, limit=1000)
    assert len(parts) > 1
    assert all(visible_length(p) <= 1000 for p in parts)
    assert all(p.startswith("同志们") and p.endswith("落实。") for p in parts)
    assert "".join(visible_text(p).replace("\n", "") for p in parts) == visible_text(markup).replace("\n", "")


def test_over_long_paragraph_is_cut_with_tags_reopened() -> None:
    markup = "<b>" + "蓝天" * 3000 + "</b>"
    parts = split_html(markup)
    assert len(parts) == 2
    for part in parts:
        assert part.startswith("<b>") and part.endswith("</b>")
        assert utf16_length(parse_html(part)) <= 4096


def test_entities_are_never_cut() -> None:
    markup = "&amp;" * 5000
    parts = split_html(markup, limit=4096)
    assert [visible_length(p) for p in parts] == [4096, 904]
    assert all(parse_html(p) for p in parts)


def test_astral_characters_count_two_units() -> None:
    assert utf16_length("𠮷a") == 3
    parts = split_html("𠮷" * 3000)
    assert all(visible_length(p) <= 4096 for p in parts)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.text(min_size=0, max_size=300), st.booleans()), min_size=1, max_size=40),
    st.integers(min_value=50, max_value=600),
)
def test_any_escaped_markup_splits_into_valid_messages(pieces: list[tuple[str, bool]], limit: int) -> None:
    markup = "".join(f"<b>{html.escape(t)}</b>" if bold else html.escape(t) for t, bold in pieces)
    markup = markup.replace("<b></b>", "")
    for part in split_html(markup, limit):
        assert utf16_length(parse_html(part)) <= limit
