"""Differential tests: every backend must reproduce rank_bm25's scores and rankings on the same tokens."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25, BM25L, BM25Okapi, BM25Plus

from evaluation.synthetic import (
    SyntheticCorpus,
    build_corpus,
    corpus_sentences,
    make_queries,
    project_tokenize,
)
from retrieval.errors import ConfigError, CorpusError
from retrieval.index import store
from retrieval.index.backends import BACKEND_NAMES, Backend, make_backend
from retrieval.index.backends.base import Variant
from retrieval.settings import RetrieverSettings

CORPUS = Path(__file__).resolve().parents[3] / "corpus"
_tokenize = project_tokenize()


@pytest.fixture(scope="module")
def sentences() -> tuple[str, ...]:
    return corpus_sentences(CORPUS)


@pytest.fixture(scope="module")
def sentence_tokens(sentences: tuple[str, ...]) -> list[list[str]]:
    return [_tokenize(s) for s in sentences]


@pytest.fixture(scope="module")
def corpus_10k(sentences: tuple[str, ...], sentence_tokens: list[list[str]]) -> SyntheticCorpus:
    return build_corpus(sentences, sentence_tokens, 10_000, seed=7)


@pytest.fixture(scope="module")
def queries(sentences: tuple[str, ...]) -> list[list[str]]:
    return [_tokenize(q) for q in make_queries(sentences, 300, seed=11)]


def _reference(variant: Variant, docs: list[list[str]], k1: float, b: float) -> BM25:
    if variant == "okapi":
        return BM25Okapi(docs, k1=k1, b=b, epsilon=0.25)
    return BM25L(docs, k1=k1, b=b) if variant == "l" else BM25Plus(docs, k1=k1, b=b)


def _reference_top_k(bm25: BM25, query: Sequence[str], k: int) -> list[tuple[int, float]]:
    """rank_bm25 scores, restricted to documents holding a query token, best first then lowest index."""
    scores = bm25.get_scores(list(query))
    matching = [i for i, freqs in enumerate(bm25.doc_freqs) if set(query) & freqs.keys()]
    matching.sort(key=lambda i: (-scores[i], i))
    return [(i, float(scores[i])) for i in matching[:k]]


def _assert_same_ranking(got: list[tuple[int, float]], expected: list[tuple[int, float]]) -> None:
    assert [i for i, _ in got] == [i for i, _ in expected]
    assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-9, abs=0)


def _built(name: str, docs: Sequence[Sequence[str]], variant: Variant = "okapi", **params: float) -> Backend:
    backend = make_backend(
        name, variant=variant, k1=params.get("k1", 1.5), b=params.get("b", 0.75), epsilon=0.25
    )
    backend.build(docs)
    return backend


@pytest.mark.parametrize("variant", ["okapi", "l", "plus"])
@pytest.mark.parametrize(("k1", "b"), [(1.5, 0.75), (1.2, 0.3), (0.5, 1.0), (2.0, 0.0)])
def test_scores_equal_rank_bm25(
    variant: Variant,
    k1: float,
    b: float,
    sentences: tuple[str, ...],
    sentence_tokens: list[list[str]],
    queries: list[list[str]],
) -> None:
    corpus = build_corpus(sentences, sentence_tokens, 600, seed=3)
    docs = list(corpus.tokens_view())
    reference = _reference(variant, docs, k1, b)
    for name in BACKEND_NAMES:
        backend = _built(name, docs, variant, k1=k1, b=b)
        for query in queries[:25]:
            np.testing.assert_allclose(backend.scores(query), reference.get_scores(query), rtol=1e-9, atol=0)
            _assert_same_ranking(backend.top_k(query, 10), _reference_top_k(reference, query, 10))


def test_top10_identical_to_rank_bm25_on_10k_chunks(
    corpus_10k: SyntheticCorpus, queries: list[list[str]]
) -> None:
    docs = list(corpus_10k.tokens_view())
    reference = BM25Okapi(docs)
    sparse = _built("sparse", docs)
    for query in queries:
        _assert_same_ranking(sparse.top_k(query, 10), _reference_top_k(reference, query, 10))


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_edge_cases(name: str, sentence_tokens: list[list[str]]) -> None:
    docs = sentence_tokens[:50]
    backend = _built(name, docs)
    reference = BM25Okapi(docs)
    known = docs[0][0]
    assert backend.top_k([], 5) == []
    assert not backend.scores([]).any()
    assert backend.top_k(["不存在的词語xyz"], 5) == []
    assert backend.scores([known, "不存在的词語xyz"]).tolist() == pytest.approx(reference.get_scores([known]))
    twice = backend.scores([known, known])
    assert twice.tolist() == pytest.approx((2 * backend.scores([known])).tolist(), rel=1e-12)
    matching = [i for i, d in enumerate(docs) if known in d]
    everything = backend.top_k([known], 10_000)
    assert sorted(i for i, _ in everything) == matching
    assert backend.top_k([known], 0) == []


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_one_document_corpus_keeps_its_negative_idf_match(name: str) -> None:
    backend = _built(name, [["生态", "环境", "生态"]])
    expected = BM25Okapi([["生态", "环境", "生态"]]).get_scores(["生态"])
    assert backend.scores(["生态"]).tolist() == pytest.approx(expected.tolist())
    assert [i for i, _ in backend.top_k(["生态"], 3)] == [0]  # idf < 0 here, yet it is the only match


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_zero_idf_match_is_still_returned(name: str) -> None:
    backend = _built(name, [["督察", "整改"], ["整改"]])  # 督察 in 1 of 2 documents: Okapi idf exactly 0
    assert backend.top_k(["督察"], 5) == [(0, 0.0)]


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_empty_documents(name: str) -> None:
    backend = _built(name, [[], ["水质", "监测"], []])
    assert [i for i, _ in backend.top_k(["水质"], 5)] == [1]
    assert _built(name, [[], []]).top_k(["水质"], 5) == []
    assert not _built(name, [[], []]).scores(["水质"]).any()
    with pytest.raises(CorpusError):
        _built(name, [])


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_ties_break_by_document_index(name: str) -> None:
    docs = [["大气", "治理"], ["水"], ["大气", "治理"], ["大气", "治理"], ["其他"]] * 3
    got = _built(name, docs).top_k(["大气"], 4)
    assert [i for i, _ in got] == [0, 2, 3, 5]
    assert len({s for _, s in got}) == 1


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_plus_never_returns_documents_without_a_query_term(name: str) -> None:
    backend = _built(name, [["水"], ["气"], ["土壤"]], "plus")
    assert backend.scores(["水"])[1] > 0  # BM25+ gives every document idf × delta
    assert [i for i, _ in backend.top_k(["水"], 3)] == [0]


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_stored_index_scores_the_same(
    name: str, corpus_10k: SyntheticCorpus, queries: list[list[str]], tmp_path: Path
) -> None:
    docs = corpus_10k.tokens_view()[:2000]
    backend = _built(name, docs)
    store.save_backend(backend, tmp_path, "word")
    settings = RetrieverSettings(backend=name, k1=1.5, b=0.75)
    restored = store.load_backend(tmp_path, "word", settings, len(docs))
    for query in queries[:20]:
        assert restored.top_k(query, 10) == backend.top_k(query, 10)
        assert np.array_equal(restored.scores(query), backend.scores(query))


def test_unknown_names_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown backend"):
        make_backend("lucene", variant="okapi", k1=1.5, b=0.75, epsilon=0.25)
    with pytest.raises(ConfigError, match="variant"):
        make_backend("sparse", variant="bm11", k1=1.5, b=0.75, epsilon=0.25)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="k1 > 0"):  # rank_bm25 divides 0 by 0 for k1 = 0
        make_backend("sparse", variant="okapi", k1=0.0, b=0.75, epsilon=0.25)
