"""The follow-up decision on the real corpus: generic terms by data file and by chunk document frequency."""

from __future__ import annotations

import pytest

from retrieval.conversation import decide, has_topic, is_content_free, is_more_request
from retrieval.conversation.rule import GENERIC_CHUNK_SHARE, followup_words, is_generic, more_requests
from retrieval.retriever import Retriever


@pytest.mark.parametrize(
    "text", ["还有呢", "还有呢？", "還有嗎?", "更多", "下一条", " 继续 ", "再来一条！", "其他呢"]
)
def test_more_requests_are_recognised_whatever_the_punctuation_and_script(text: str) -> None:
    assert is_more_request(text)


@pytest.mark.parametrize("text", ["还有哪些措施", "更多企业怎么管", "秸秆还有呢怎么办", "下一步怎么办"])
def test_questions_that_merely_contain_more_words_are_not_more_requests(text: str) -> None:
    assert not is_more_request(text)


def test_data_files_are_read_without_comments() -> None:
    assert "具体" in followup_words() and not any(w.startswith("#") for w in followup_words())
    assert "还有" in more_requests() and "下一条" in more_requests()


def test_generic_by_document_frequency_comes_from_the_corpus(retriever: Retriever) -> None:
    index = retriever.index
    share = index.document_frequency["问题"] / len(index.chunks)
    assert share >= GENERIC_CHUNK_SHARE and is_generic("问题", index)  # 问题 is in half the chunks
    assert "问题" not in followup_words()
    assert not is_generic("信访", index) and not is_generic("秸秆", index)


@pytest.mark.parametrize(
    ("question", "topical"),
    [
        ("那领导提了哪些要求？", False),
        ("那怎么整改？", False),
        ("具体有哪些措施？", False),
        ("信访问题怎么处理？", True),
        ("秸秆焚烧怎么管？", True),
        ("空气质量怎么样？", True),
    ],
)
def test_topic_terms(retriever: Retriever, question: str, topical: bool) -> None:
    assert has_topic(retriever.question_terms(question), retriever.index) is topical


def test_decision_table(retriever: Retriever) -> None:
    def kind(question: str, context: bool) -> str:
        return decide(question, retriever.question_terms(question), retriever.index, context).kind

    assert kind("那怎么整改？", True) == "followup"
    assert kind("信访问题怎么处理？", True) == "fresh"
    assert kind("还有呢？", True) == "more"
    assert kind("还有呢？", False) == "need_topic"
    assert kind("具体有哪些措施？", False) == "need_topic"
    # generic only by document frequency: a standalone question still searches without context
    assert kind("整改工作有哪些要求？", False) == "fresh"
    assert not is_content_free(retriever.question_terms("整改工作有哪些要求？"))
