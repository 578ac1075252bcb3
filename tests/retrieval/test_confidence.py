"""Graded confidence on the real corpus, on both sides of every threshold (rule: retrieval/confidence.py)."""

from __future__ import annotations

import dataclasses

import pytest

from retrieval.confidence import Signals, grade
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings
from retrieval.types import Answer


def with_settings(retriever: Retriever, **changes: float) -> Retriever:
    """The same index with other thresholds (they do not change the index)."""
    settings = dataclasses.replace(retriever.settings, **changes)
    return Retriever(dataclasses.replace(retriever.index, settings=settings), retriever.corpus_dir)


def test_known_share_threshold_separates_none_from_low(retriever: Retriever) -> None:
    question = "护照怎么办理"  # 办理 is corpus vocabulary, 护照 (the key word) is not
    signals = retriever.signals(question)
    assert signals is not None and 0.35 < signals.known < 0.4
    assert retriever.ask(question).confidence == "none"
    assert with_settings(retriever, min_known_share=0.35).ask(question).confidence == "low"


def test_coverage_threshold_separates_high_from_low(retriever: Retriever) -> None:
    question = "油烟扰民"  # the top chunk has 油烟, not 扰民
    signals = retriever.signals(question)
    assert signals is not None and 0.4 <= signals.coverage < 0.45
    assert retriever.ask(question).confidence == "high"
    assert with_settings(retriever, min_coverage=0.45).ask(question).confidence == "low"


def test_weakly_covered_paraphrase_is_low_and_still_cited(retriever: Retriever) -> None:
    question = "整改时有人拖着不办,谁来监督?"
    signals = retriever.signals(question)
    assert signals is not None and 0.3 <= signals.coverage < 0.4 and signals.known >= 0.4
    answer = retriever.ask(question)
    assert answer.confidence == "low" and answer.answered
    assert "可能相关（未必直接回答）" in answer.message
    assert answer.hits and all(h.citation.startswith("《") for h in answer.hits)
    assert with_settings(retriever, min_coverage=0.3).ask(question).confidence == "high"


@pytest.mark.parametrize("question", ["今年GDP增长多少", "经济增长了多少", "GDP增速是多少"])
def test_a_figure_the_passages_do_not_state_is_never_high(retriever: Retriever, question: str) -> None:
    answer = retriever.ask(question)
    assert answer.confidence == "low", answer.hits[0].excerpt


def test_a_figure_the_passage_states_stays_high(retriever: Retriever) -> None:
    answer = retriever.ask("开发区空气质量排第几")
    assert answer.confidence == "high"
    assert "倒数第" in answer.hits[0].excerpt


@pytest.mark.parametrize(
    "question", ["明天北京天气怎么样", "护照过期了怎么续办?", "世界杯决赛是哪一天?", "iPhone怎么截图"]
)
def test_off_topic_is_none_with_a_short_suggestion(retriever: Retriever, question: str) -> None:
    answer = retriever.ask(question)
    assert (answer.confidence, answer.answered) == ("none", False)
    assert "\n" not in answer.message and len(answer.message) < 200
    titles = {d.title for d in retriever.documents}
    if answer.hits:  # the closest speeches by score, not the corpus's first titles
        assert "最接近的讲话：" in answer.message
        assert f"《{answer.hits[0].chunk.title}》" in answer.message
        assert sum(f"《{t}》" in answer.message for t in titles) <= 3
    else:
        assert answer.message.count("讲了什么？") == 2  # two example questions from section headings


def test_example_questions_come_from_the_corpus_headings(retriever: Retriever) -> None:
    message = retriever.ask("世界杯决赛是哪一天?").message
    assert "关于“提高政治站位”讲了什么？" in message  # 一、提高政治站位,… of speech 000, marker stripped


def test_none_reply_follows_the_askers_script(retriever: Retriever) -> None:
    assert "這些講話裡沒有找到" in retriever.ask("護照怎麼辦理").message


def test_rescue_by_cosine_turns_none_into_low() -> None:
    settings = RetrieverSettings()
    unknown = Signals(coverage=0.1, known=0.1, score=2.0)
    assert grade(unknown, settings) == "none"
    assert grade(dataclasses.replace(unknown, cosine=settings.semantic_rescue - 0.01), settings) == "none"
    assert grade(dataclasses.replace(unknown, cosine=settings.semantic_rescue), settings) == "low"
    assert grade(None, settings) == "none"


def test_score_floor_still_applies_to_high(retriever: Retriever) -> None:
    question = "督察指出的个性问题是什么？"
    signals = retriever.signals(question)
    assert signals is not None
    assert with_settings(retriever, min_score=signals.score).ask(question).confidence == "high"
    assert with_settings(retriever, min_score=signals.score + 0.01).ask(question).confidence == "low"


def test_answered_is_true_exactly_for_high_and_low() -> None:
    assert Answer("q", "simplified", False, ()).confidence == "none"
    assert Answer("q", "simplified", True, (), confidence="low").answered
    with pytest.raises(ValueError, match="high or low"):
        Answer("q", "simplified", True, (), confidence="none")
