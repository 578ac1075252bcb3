"""Rendering answers from hand-built library objects: escaping, bold highlights, pages and keyboards."""

from __future__ import annotations

from bot.callback_data import decode
from bot.render import answer_keyboard, answer_page, highlight_html, off_topic_html
from retrieval.normalize import to_script
from retrieval.types import Answer, Chunk, Hit
from tests.bot.telegram_rules import parse_html


def make_hit(
    rank: int, excerpt: str, spans: tuple[tuple[int, int], ...], warnings: tuple[str, ...] = ()
) -> Hit:
    chunk = Chunk(
        chunk_id=f"c{rank}",
        doc_id="d1",
        title="在<市>生态环境局工作会议上的讲话",
        section=("一、2024年工作回顾",),
        paragraph=rank,
        text="加强秸秆禁烧管控 & 建立<网格>监管。" * 3,
        start=0,
        end=10,
    )
    return Hit(
        rank=rank,
        chunk=chunk,
        score=5.0,
        excerpt=excerpt,
        highlights=spans,
        citation=f"《在<市>生态环境局工作会议上的讲话》 › ¶{rank}",
        warnings=warnings,
    )


ANSWER = Answer(
    question="秸秆怎么管",
    script="simplified",
    answered=True,
    hits=(
        make_hit(1, "加强秸秆禁烧 <管控> & 监管", ((2, 4),), ("原文此段有被隐去的数字",)),
        make_hit(2, "秸秆综合利用", ((0, 2),)),
    ),
    terms=("秸秆",),
)


def test_highlights_are_bold_and_everything_else_escaped() -> None:
    assert highlight_html("a<b>秸秆&", [(4, 6), (5, 6)]) == "a&lt;b&gt;<b>秸秆</b>&amp;"


def test_excerpt_page_has_bold_terms_citation_warning_and_counter() -> None:
    page = answer_page(ANSWER, "excerpt", 0)
    visible = parse_html(page)
    assert "<b>秸秆</b>" in page and "&lt;管控&gt;" in page
    assert "《在<市>生态环境局工作会议上的讲话》 › ¶1" in visible
    assert "⚠️ 原文此段有被隐去的数字" in visible and "第 1/2 条" in visible


def test_full_paragraph_shows_whole_chunk_with_terms_bold() -> None:
    page = answer_page(ANSWER, "full", 1)
    assert page.count("<b>秸秆</b>") == 3 and "&lt;网格&gt;" in page
    parse_html(page)


def test_full_paragraph_in_traditional_script() -> None:
    traditional = Answer(
        question="秸稈怎麼管", script="traditional", answered=True, hits=ANSWER.hits, terms=("秸秆",)
    )
    page = answer_page(traditional, "full", 0)
    assert "<b>秸稈</b>" in page and "監管" in page


def test_keyboard_pages_and_toggles() -> None:
    first = [
        [b.callback_data for b in row]
        for row in answer_keyboard("KEY123abc", ANSWER, "excerpt", 0).inline_keyboard
    ]
    targets = [decode(d) for row in first for d in row]
    assert [(t.view, t.page) for t in targets if t] == [("excerpt", 1), ("full", 0), ("sources", 0)]
    last = answer_keyboard("KEY123abc", ANSWER, "full", 1).inline_keyboard
    labels = [b.text for row in last for b in row]
    assert labels == ["◀ 上一条", "摘录", "来源"]


def test_sources_page_lists_all_citations_escaped() -> None:
    page = answer_page(ANSWER, "sources", 0)
    assert page.count("&lt;市&gt;") == 2
    assert [b.text for b in answer_keyboard("KEY123abc", ANSWER, "sources", 0).inline_keyboard[0]] == [
        "1",
        "2",
    ]


def test_off_topic_has_message_and_suggestions_but_no_citation() -> None:
    abstained = Answer(
        question="足球", script="traditional", answered=False, hits=(), message="沒有找到<內容>"
    )
    page = off_topic_html(abstained, ["大气污染防治"])
    visible = parse_html(page)
    assert "沒有找到<內容>" in visible and to_script("大气污染防治", "traditional") in visible
    assert "最接近的主題" in visible
    assert "¶" not in visible


def test_overlong_page_is_cut_to_one_valid_message() -> None:
    long_hit = make_hit(1, "秸秆" * 5000, ((0, 2),))
    answer = Answer(question="秸秆", script="simplified", answered=True, hits=(long_hit,), terms=("秸秆",))
    visible = parse_html(answer_page(answer, "excerpt", 0))
    assert len(visible) <= 4096 and "已截断" in visible
