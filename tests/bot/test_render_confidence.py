"""The tentative (low) tier in Telegram: its own note line above the cited excerpt; none has no citation."""

from __future__ import annotations

from bot.render import TENTATIVE_MARK, answer_page, off_topic_html
from retrieval.retriever import Retriever
from tests.bot.telegram_rules import parse_html


def test_low_answer_page_opens_with_the_tentative_note(retriever: Retriever) -> None:
    answer = retriever.ask("今年GDP增长多少")
    assert answer.confidence == "low"
    page = answer_page(answer, "excerpt", 0)
    visible = parse_html(page)
    assert page.startswith(f"{TENTATIVE_MARK}<i>可能相关（未必直接回答）")
    assert "📖 《" in visible  # still cited


def test_high_answer_page_has_no_tentative_note(retriever: Retriever) -> None:
    page = answer_page(retriever.ask("督察指出的个性问题是什么？"), "excerpt", 0)
    assert TENTATIVE_MARK not in page and "可能相关" not in page


def test_not_covered_reply_suggests_closest_speeches_without_citation(retriever: Retriever) -> None:
    answer = retriever.ask("明天北京天气怎么样")
    assert answer.confidence == "none"
    visible = parse_html(off_topic_html(answer, []))
    assert "最接近的讲话：《" in visible and "📖" not in visible and TENTATIVE_MARK not in visible
