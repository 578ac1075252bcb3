"""Answers on the real corpus: the right passage, excerpt, highlights, citation, warnings, abstention, script."""

from __future__ import annotations

import pytest

from retrieval.normalize import detect_script, fold_for_matching, to_script
from retrieval.retriever import MAX_QUESTION_CHARS, Retriever

ANSWERABLE = [
    # (question, text the top excerpt must contain)
    ("督察指出的个性问题是什么？", "城市生活污泥处置能力不足"),
    ("開發區空氣質量排第幾？", "倒數第"),
    (
        "网格员培训覆盖率",
        "網格員",
    ),  # the source speech is traditional; the question is simplified → reply simplified
    ("秸秆咋办", "秸秆"),
    ("生态保护红线怎么划", "生态保护红线"),
    ("基层环境监管有什么问题", "监管"),
    ("第二轮中央督察反馈了几项问题", "第二轮中央督察反馈"),
    ("大氣污染防治要如何考核", "考核"),
]
OFF_TOPIC = [
    "明天北京天气怎么样",
    "护照怎么办理",
    "世界杯谁夺冠",
    "美国总统是谁",
    "股票怎么买",
    "怎么申请低保",
]


@pytest.mark.parametrize(("question", "evidence"), ANSWERABLE)
def test_real_questions_are_answered_with_the_evidence(
    retriever: Retriever, question: str, evidence: str
) -> None:
    answer = retriever.ask(question)
    assert answer.answered, answer.message
    top = answer.hits[0]
    script = detect_script(question)
    assert to_script(evidence, script) in top.excerpt


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_abstain_politely(retriever: Retriever, question: str) -> None:
    answer = retriever.ask(question)
    assert not answer.answered
    assert answer.confidence == "none"
    assert "没有找到" in answer.message
    # suggests what exists: the closest speeches, or example questions when nothing matched at all
    assert "最接近的讲话：《" in answer.message or "可以这样问：" in answer.message


def test_abstention_still_lists_closest_hits(retriever: Retriever) -> None:
    answer = retriever.ask("护照怎么办理")
    assert not answer.answered
    assert answer.hits  # 办理 occurs in the speeches; the contract keeps the closest chunks


def test_citation_names_title_section_and_paragraph(retriever: Retriever) -> None:
    hit = retriever.ask("督察指出的个性问题是什么？").hits[0]
    assert hit.citation.startswith("《区委书记在中央生态环保督察反馈问题整改工作推进会上的讲话》 › ")
    assert hit.citation.endswith(f"¶{hit.chunk.paragraph} · 2024-12-09")  # the date line under the title
    assert " › 一是要认清形势" in hit.citation


def test_highlights_mark_query_terms_in_the_excerpt(retriever: Retriever) -> None:
    hit = retriever.ask("督察指出的个性问题是什么？").hits[0]
    marked = " ".join(hit.excerpt[s:e] for s, e in hit.highlights)
    for term in ("督察", "个性", "问题"):
        assert term in marked
    assert "个性问题" in marked  # adjacent terms form one highlighted run
    assert all(0 <= s < e <= len(hit.excerpt) for s, e in hit.highlights)


def test_excerpt_is_at_most_three_sentences_of_the_chunk(retriever: Retriever) -> None:
    for hit in retriever.ask("加强秸秆禁烧管控", k=5).hits:
        assert hit.excerpt
        assert len(hit.excerpt) <= 460
        pieces = [p for p in hit.excerpt.split("…") if p]
        # the excerpt is in the asker's script, the chunk in its speech's: compare folded
        chunk = fold_for_matching(hit.chunk.text.replace("\n", "").replace(" ", ""))
        assert all(fold_for_matching(p.replace(" ", "")) in chunk for p in pieces)


def test_traditional_question_gets_a_traditional_reply(retriever: Retriever) -> None:
    answer = retriever.ask("督察指出的個性問題是什麼？")
    assert answer.script == "traditional"
    top = answer.hits[0]
    assert "個性問題" in top.excerpt and "《區委書記" in top.citation
    assert detect_script(top.excerpt) == "traditional"


def test_simplified_question_about_traditional_speech_gets_simplified(retriever: Retriever) -> None:
    answer = retriever.ask("网格员要做什么")
    assert answer.script == "simplified"
    assert answer.hits[0].chunk.doc_id.startswith("000")  # a traditional-script speech
    assert "网格员" in answer.hits[0].excerpt


def test_redacted_and_truncated_passages_warn(retriever: Retriever) -> None:
    redacted = retriever.ask("第二轮中央督察反馈了几项问题").hits[0]
    assert redacted.chunk.redacted
    assert any("隐去" in w for w in redacted.warnings)
    truncated = [c for c in retriever.chunks if c.truncated]
    assert truncated, "000 and 003 are cut off by the site"
    answer = retriever.ask(truncated[-1].text[:40])
    flagged = [h for h in answer.hits if h.chunk.truncated]
    assert flagged and any("截断" in fold_for_matching(w) for w in flagged[0].warnings)


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "？？！。", "😀😀🎉", "……"])
def test_empty_and_meaningless_input_gets_a_clear_message(retriever: Retriever, question: str) -> None:
    answer = retriever.ask(question)
    assert not answer.answered and not answer.hits
    assert answer.message


def test_very_long_input_is_cut_with_a_note(retriever: Retriever) -> None:
    answer = retriever.ask("秸秆禁烧" * 2500)  # 10,000 characters
    assert answer.hits
    assert str(MAX_QUESTION_CHARS) in answer.message


def test_mixed_latin_question(retriever: Retriever) -> None:
    answer = retriever.ask("PM2.5平均浓度是多少 ug/m3?")
    assert answer.hits and "PM2.5" in answer.hits[0].excerpt


def test_question_for_a_redacted_number_says_the_number_may_be_missing(retriever: Retriever) -> None:
    answer = retriever.ask("第二轮中央督察反馈了几项问题")
    assert answer.answered
    assert "隐去的数字" in answer.message
    assert "隐去的数字" not in retriever.ask("督察指出的个性问题是什么？").message
    assert "隱去的數字" not in retriever.ask("開發區空氣質量排第幾？").message  # 倒數第7 is stated
    assert "隱去的數字" in retriever.ask("第二輪中央督察反饋了幾項問題").message


def test_highlight_spans_match_through_the_fold_and_merge() -> None:
    from retrieval.answer import highlight_spans

    assert highlight_spans("加強秸稈禁燒管控", ["秸秆", "禁烧"]) == ((2, 6),)
    assert highlight_spans("秸稈，禁燒", ["秸秆", "禁烧"]) == ((0, 2), (3, 5))
    assert highlight_spans("ＰＭ２.５濃度", ["pm2.5"]) == ((0, 5),)


def test_an_enormous_sentence_is_cut_around_the_first_term() -> None:
    from retrieval.answer import window_around_terms

    text = "加强生态环境保护" * 100 + "秸秆禁烧" + "推动绿色发展" * 50
    cut = window_around_terms(text, ["秸秆"], 200)
    assert "秸秆禁烧" in cut
    assert cut.startswith("…") and cut.endswith("…")
    assert len(cut) == 202
    assert window_around_terms("短句。", ["秸秆"], 200) == "短句。"
    assert window_around_terms(text, ["不存在"], 200).startswith("加强")
