"""The index against rank-bm25 itself: same tokens, same parameters, same ranking and scores; the bigram
companion against an index over the same bigram tokens."""

from __future__ import annotations

import math
import pickle

import pytest
from rank_bm25 import BM25Okapi

from retrieval.index.bm25 import CompanionIndex, Index, bigram_token_lists, index_text
from retrieval.index.tokenize import Tokenizer
from retrieval.retriever import Retriever
from retrieval.settings import RetrieverSettings

QUESTIONS = [
    "督察指出的个性问题是什么",
    "秸秆禁烧",
    "开发区空气质量排名",
    "网格员培训",
    "信访问题整改",
    "黑臭水体",
    "扬尘管控",
    "信用修复",
    "生态保护红线",
    "企业违法排污怎么处罚",
]


@pytest.mark.parametrize("backend", ["rank-bm25", "sparse"])
@pytest.mark.parametrize(("k1", "b"), [(1.5, 0.75), (1.2, 0.5), (2.0, 1.0)])
def test_scores_match_rank_bm25_on_the_corpus(
    retriever: Retriever, backend: str, k1: float, b: float
) -> None:
    settings = RetrieverSettings(k1=k1, b=b, backend=backend)
    index = Index.build(retriever.documents, retriever.chunks, settings)
    tokenizer = Tokenizer(settings)
    corpus_tokens = [tokenizer.tokenize(index_text(c, settings)) for c in retriever.chunks]
    reference = BM25Okapi(corpus_tokens, k1=k1, b=b, epsilon=settings.epsilon)
    for question in QUESTIONS:
        terms = tokenizer.tokenize(question)
        expected = reference.get_scores(terms)
        got = index.top_k(terms, 10)
        assert got, question
        for position, score in got:
            assert math.isclose(score, expected[position], rel_tol=1e-9)
        best = sorted(range(len(expected)), key=lambda i: (-expected[i], i))[: len(got)]
        assert [p for p, _ in got] == best


def test_no_match_means_no_hits(retriever: Retriever) -> None:
    assert retriever.index.top_k(["世界杯"], 5) == []
    assert retriever.index.top_k([], 5) == []


def test_headings_contribute_index_terms(retriever: Retriever) -> None:
    chunk = next(c for c in retriever.chunks if c.section and c.section[-1] not in c.text)
    assert chunk.section[-1][:4] in index_text(chunk, RetrieverSettings())
    assert chunk.section[-1][:4] not in index_text(chunk, RetrieverSettings(index_headings=False))


def test_known_terms_survive_segmentation_differences(retriever: Retriever) -> None:
    index = retriever.index
    assert index.is_known("排")  # only inside 排名 / 排污 in the speeches
    assert index.is_known("督察")
    assert not index.is_known("北京")
    assert not index.is_known("世界杯")
    assert index.idf("世界杯") > index.idf("督察") > 0


def test_companion_ranks_as_an_index_over_its_bigram_tokens(retriever: Retriever) -> None:
    companion = retriever.index.bigram  # the default fusion=auto builds one for the bundled corpus
    assert isinstance(companion, CompanionIndex)
    settings = retriever.settings.bigram_companion()
    tokenizer = Tokenizer(settings)
    tokens = [tokenizer.tokenize(index_text(c, settings)) for c in retriever.chunks]
    reference = Index.from_tokens(retriever.documents, retriever.chunks, tokens, settings)
    for question in QUESTIONS:
        terms = tokenizer.tokenize(question)
        assert companion.top_k(terms, 10) == reference.top_k(terms, 10) != []
        weights = [1.0] + [0.5] * (len(terms) - 1)
        assert companion.top_k(terms, 10, weights) == reference.top_k(terms, 10, weights)


def test_companion_refuses_term_statistics(retriever: Retriever) -> None:
    companion = retriever.index.bigram
    assert isinstance(companion, CompanionIndex) and companion.document_frequency == {}
    for ask in (companion.doc_freq, companion.idf, companion.is_known, companion.has_ngram):
        with pytest.raises(TypeError, match="word index"):
            ask("秸秆")
    assert retriever.index.doc_freq("秸秆") > 0  # the word index answers them


def test_bigram_token_lists_are_made_on_read_and_pickle(retriever: Retriever) -> None:
    settings = retriever.settings.bigram_companion()
    texts = [index_text(c, settings) for c in retriever.chunks[:5]]
    lists = bigram_token_lists(texts, settings)
    expected = [Tokenizer(settings).tokenize(t) for t in texts]
    assert list(lists) == expected and lists[-1] == expected[-1]
    assert list(pickle.loads(pickle.dumps(lists))) == expected  # shard writers hand it to workers
