"""Tokenization: domain dictionary, stopwords (question words), modes, identical at index and query time."""

from __future__ import annotations

import pytest

from retrieval.index.tokenize import Tokenizer, char_bigrams, stopwords, user_dictionary
from retrieval.normalize import fold_for_matching
from retrieval.settings import RetrieverSettings


def test_question_words_do_not_survive() -> None:
    tokens = Tokenizer().tokenize(fold_for_matching("请问督察指出的个性问题是什么？"))
    assert tokens == ["督察", "指出", "个性", "问题"]
    for filler in ("什么", "哪些", "怎么", "如何", "多少", "是否", "吗", "呢", "请问", "一下"):
        assert filler in stopwords()


def test_stopwords_can_be_switched_off() -> None:
    tokens = Tokenizer(RetrieverSettings(stopwords=False)).tokenize("督察指出的问题是什么")
    assert "什么" in tokens and "的" in tokens


def test_domain_words_stay_whole() -> None:
    words = dict(user_dictionary())
    for word in ("生态环境", "督察", "信访", "秸秆", "黑臭水体", "河长制", "排污口", "挥发性有机物"):
        assert word in words
    tokens = Tokenizer().tokenize("深入开展黑臭水体整治，落实河长制，规范入河排污口和挥发性有机物治理")
    for word in ("黑臭水体", "河长制", "排污口", "挥发性有机物"):
        assert word in tokens
    plain = Tokenizer(RetrieverSettings(user_dict=False)).tokenize("深入开展黑臭水体整治")
    assert "黑臭水体" not in plain


def test_traditional_and_simplified_tokenize_alike_after_folding() -> None:
    tok = Tokenizer()
    assert tok.tokenize(fold_for_matching("開發區空氣質量排第幾？")) == tok.tokenize("开发区空气质量排第几")


def test_punctuation_emoji_and_spaces_are_dropped() -> None:
    assert Tokenizer().tokenize("？？！ 😀 …… ，") == []


def test_latin_and_numbers_survive_folding() -> None:
    tokens = Tokenizer().tokenize(fold_for_matching("ＰＭ２.５平均浓度"))
    assert tokens[0] == "pm2.5"


def test_search_mode_adds_subwords() -> None:
    tokens = Tokenizer(RetrieverSettings(tokenizer="search")).tokenize("开发区空气质量")
    assert {"开发区", "开发", "空气质量", "空气", "质量"} <= set(tokens)


@pytest.mark.parametrize(("text", "expected"), [("空气质量", ["空气", "气质", "质量"]), ("a秸", ["a", "秸"])])
def test_char_bigrams(text: str, expected: list[str]) -> None:
    assert char_bigrams(text) == expected


def test_bigram_mode_tokenizer() -> None:
    assert Tokenizer(RetrieverSettings(tokenizer="bigram", stopwords=False)).tokenize("秸秆禁烧") == [
        "秸秆",
        "秆禁",
        "禁烧",
    ]
