"""Weighted query terms (query expansion): both backends agree bit for bit, weights of 1 change nothing."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from evaluation.synthetic import build_corpus, corpus_sentences, make_queries, project_tokenize
from retrieval.index.backends import BACKEND_NAMES, Backend, make_backend
from retrieval.index.backends.base import Variant

CORPUS = Path(__file__).resolve().parents[3] / "corpus"
_tokenize = project_tokenize()


@pytest.fixture(scope="module")
def docs() -> list[list[str]]:
    sentences = corpus_sentences(CORPUS)
    corpus = build_corpus(sentences, [_tokenize(s) for s in sentences], 2_000, seed=5)
    return [list(d) for d in corpus.tokens_view()]


@pytest.fixture(scope="module")
def queries() -> list[list[str]]:
    return [_tokenize(q) for q in make_queries(corpus_sentences(CORPUS), 100, seed=13)]


def _built(name: str, docs: Sequence[Sequence[str]], variant: Variant) -> Backend:
    backend = make_backend(name, variant=variant, k1=0.9, b=0.5, epsilon=0.25)
    backend.build(docs)
    return backend


def _weights(query: Sequence[str], seed: int) -> list[float]:
    rng = random.Random(seed)
    return [rng.choice((1.0, 0.5, 0.3, 0.7, 2.0)) for _ in query]


@pytest.mark.parametrize("variant", ["okapi", "l", "plus"])
def test_weighted_scores_identical_across_backends(
    variant: Variant, docs: list[list[str]], queries: list[list[str]]
) -> None:
    sparse, reference = (_built(name, docs, variant) for name in ("sparse", "rank-bm25"))
    for n, query in enumerate(q for q in queries if q):
        weights = _weights(query, n)
        got = sparse.scores(query, weights)
        assert np.array_equal(got, reference.scores(query, weights))  # bit for bit
        assert sparse.top_k(query, 10, weights) == reference.top_k(query, 10, weights)


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_unit_weights_equal_the_unweighted_query(
    name: str, docs: list[list[str]], queries: list[list[str]]
) -> None:
    backend = _built(name, docs, "okapi")
    reference = BM25Okapi(docs, k1=0.9, b=0.5, epsilon=0.25)
    for query in (q for q in queries[:30] if q):
        unweighted = backend.scores(query)
        assert np.array_equal(unweighted, np.asarray(reference.get_scores(query)))
        assert np.array_equal(backend.scores(query, [1.0] * len(query)), unweighted)
        assert backend.top_k(query, 10, [1.0] * len(query)) == backend.top_k(query, 10)


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_a_weight_scales_its_terms_contribution(name: str, docs: list[list[str]]) -> None:
    backend = _built(name, docs, "okapi")
    a, b = docs[0][0], docs[1][0]
    half = backend.scores([a, b], [1.0, 0.5])
    expected = backend.scores([a]) + 0.5 * backend.scores([b])
    np.testing.assert_allclose(half, expected, rtol=1e-12)


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_weights_must_pair_with_tokens_and_be_positive(name: str, docs: list[list[str]]) -> None:
    backend = _built(name, docs, "okapi")
    with pytest.raises(ValueError, match="one positive weight"):
        backend.scores([docs[0][0]], [1.0, 0.5])
    with pytest.raises(ValueError, match="one positive weight"):
        backend.top_k([docs[0][0]], 3, [0.0])
