"""Reciprocal rank fusion by hand, and the bigram fusion on the real speeches."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from retrieval.errors import ConfigError
from retrieval.index.bm25 import CompanionIndex, Index
from retrieval.index.fusion import BigramFusion, make_fusion, reciprocal_rank_fusion
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings

CORPUS = Path(__file__).resolve().parents[3] / "corpus"


def test_rrf_by_hand() -> None:
    fused = reciprocal_rank_fusion([[7, 3, 5], [3, 9]], rrf_k=10)
    scores = dict(fused)
    assert scores[3] == pytest.approx(1 / 12 + 1 / 11)
    assert scores[7] == pytest.approx(1 / 11)
    assert [item for item, _ in fused] == [3, 7, 9, 5]  # 9 (1/12) and 5 (1/13)


def test_rrf_ties_keep_item_order() -> None:
    assert [item for item, _ in reciprocal_rank_fusion([[4], [2]], rrf_k=60)] == [2, 4]


@pytest.fixture(scope="module")
def plain() -> Retriever:
    # pinned: plain jieba with rank-bm25's k1/b and no lexicon, whatever the project defaults become
    settings = RetrieverSettings(tokenizer="jieba", fusion="none", k1=1.5, b=0.75, expansion_weight=0.0)
    return Retriever.from_corpus(CORPUS, settings, use_cache=False)


def test_no_fusion_when_none(plain: Retriever) -> None:
    assert make_fusion(plain.index) is None


def test_unknown_fusion_mode_is_a_config_error(plain: Retriever) -> None:
    index = dataclasses.replace(plain.index, settings=dataclasses.replace(plain.settings, fusion="trigram"))
    with pytest.raises(ConfigError, match="unknown fusion"):
        make_fusion(index)


def test_bigram_run_finds_a_paraphrase_the_word_run_misses(plain: Retriever) -> None:
    fused = Retriever(
        dataclasses.replace(plain.index, settings=dataclasses.replace(plain.settings, fusion="bigram"))
    )
    assert isinstance(fused.fusion, BigramFusion)
    question = "城中村的髒水和垃圾沒人及時處理"  # the speech: 生活污水和垃圾處理不及時; jieba: 及时处理, 脏水
    evidence = "生活污水和垃圾處理不及時"

    def found(r: Retriever) -> bool:
        return any(evidence in chunk.text for chunk, _ in r.rank(question, k=3))

    assert not found(plain)
    assert found(fused)


def test_fused_scores_are_word_scores(plain: Retriever) -> None:
    fused = Retriever(
        dataclasses.replace(plain.index, settings=dataclasses.replace(plain.settings, fusion="bigram"))
    )
    question = "如何加大机动车尾气检测与监管力度?"
    word = {chunk.chunk_id: score for chunk, score in plain.rank(question, k=50)}
    for chunk, score in fused.rank(question, k=5):
        assert score == pytest.approx(word.get(chunk.chunk_id, 0.0))
    assert fused.rank(question, k=1)[0][0].chunk_id == plain.rank(question, k=1)[0][0].chunk_id


def test_cached_index_takes_the_requested_fusion_and_thresholds(tmp_path: Path) -> None:
    # thresholds and fusion depth are not part of the cache key; a cache hit must still honour them
    Retriever.from_corpus(CORPUS, RetrieverSettings(fusion_depth=10, min_score=9.0), cache_dir=tmp_path)
    again = Retriever.from_corpus(
        CORPUS, RetrieverSettings(fusion_depth=30, min_score=2.0), cache_dir=tmp_path
    )
    assert again.settings.min_score == 2.0
    assert again.settings.fusion_depth == 30
    assert isinstance(again.fusion, BigramFusion)
    plain = Retriever.from_corpus(CORPUS, RetrieverSettings(fusion="none"), cache_dir=tmp_path)
    assert plain.fusion is None and plain.index.bigram is None


def test_bigram_companion_is_cached_with_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = Retriever.from_corpus(CORPUS, cache_dir=tmp_path)
    assert built.index.bigram is not None
    assert built.index.bigram.settings.tokenizer == "bigram"

    def no_build(*_: object, **__: object) -> None:
        raise AssertionError("loading a cached index must not tokenize the corpus again")

    monkeypatch.setattr(Index, "build", no_build)
    monkeypatch.setattr(CompanionIndex, "over", no_build)
    loaded = Retriever.from_corpus(CORPUS, cache_dir=tmp_path)
    assert isinstance(loaded.fusion, BigramFusion)
    assert loaded.fusion.side is loaded.index.bigram
    assert loaded.rank("冒黑烟的车怎么管", k=3) == built.rank("冒黑烟的车怎么管", k=3)


def test_auto_fusion_stops_at_the_chunk_limit() -> None:
    settings = RetrieverSettings(fusion="auto", fusion_max_chunks=100)
    assert settings.fuses_bigrams(100) and not settings.fuses_bigrams(101)
    assert RetrieverSettings(fusion="bigram", fusion_max_chunks=1).fuses_bigrams(10**6)
    assert not RetrieverSettings(fusion="none").fuses_bigrams(1)
    assert not RetrieverSettings(tokenizer="bigram", fusion="bigram").fuses_bigrams(1)
    small = Retriever.from_corpus(CORPUS, RetrieverSettings(fusion_max_chunks=10), use_cache=False)
    assert small.fusion is None and small.index.bigram is None
