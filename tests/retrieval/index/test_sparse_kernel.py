"""Differential tests of the sparse backend's two kernels (C block-max, numpy) against rank_bm25, bit for bit.

The C kernel sums a small index exhaustively, a segment at a time, and prunes a larger one: blocks and
documents with per-cell upper bounds, a dense block term at a time. None of that may change a single id,
rank or score bit. Every case runs the compiled kernel (when it was built) as it chooses ("auto": these
corpora are small, so exhaustive) and with pruning forced ("pruned"), and the numpy fallback, beside the
rank-bm25 reference backend.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from evaluation.synthetic import build_corpus, corpus_sentences, make_queries, project_tokenize
from retrieval.index import store
from retrieval.index.backends import make_backend
from retrieval.index.backends import sparse as sparse_module
from retrieval.index.backends.base import Backend, Variant
from retrieval.index.backends.kernel import kernel_status, load_c_kernel
from retrieval.index.backends.sparse import SparseBackend
from retrieval.index.backends.sparse_layout import SEGMENT_DOCS
from retrieval.settings import RetrieverSettings

CORPUS = Path(__file__).resolve().parents[3] / "corpus"
_tokenize = project_tokenize()
HAVE_C = load_c_kernel() is not None
KERNELS = ["auto", "pruned", "numpy"]  # auto: these small corpora are summed exhaustively
DELTA = {"okapi": 0.0, "l": 0.5, "plus": 1.0}
Docs = Sequence[Sequence[str]]


@pytest.fixture(scope="module")
def sentences() -> tuple[str, ...]:
    return corpus_sentences(CORPUS)


@pytest.fixture(scope="module")
def seed_docs(sentences: tuple[str, ...]) -> list[list[str]]:
    """The seed speeches themselves, one document per sentence."""
    return [_tokenize(s) for s in sentences]


@pytest.fixture(scope="module")
def synthetic_docs(sentences: tuple[str, ...], seed_docs: list[list[str]]) -> list[list[str]]:
    """Three segments' worth of synthetic chunks, the last one partly filled."""
    corpus = build_corpus(sentences, seed_docs, 2 * SEGMENT_DOCS + 1500, seed=9)
    return [list(d) for d in corpus.tokens_view()]


@pytest.fixture(scope="module")
def queries(sentences: tuple[str, ...]) -> list[list[str]]:
    return [q for q in (_tokenize(q) for q in make_queries(sentences, 120, seed=17)) if q]


def _sparse(docs: Docs, variant: Variant, kernel: str, k1: float = 1.5, b: float = 0.75) -> SparseBackend:
    backend = SparseBackend(variant=variant, k1=k1, b=b, epsilon=0.25, delta=DELTA[variant], kernel=kernel)  # type: ignore[arg-type]
    backend.build(docs)
    return backend


def _reference(docs: Docs, variant: Variant, k1: float = 1.5, b: float = 0.75) -> Backend:
    backend = make_backend("rank-bm25", variant=variant, k1=k1, b=b, epsilon=0.25)
    backend.build(docs)
    return backend


def _weights(query: Sequence[str], seed: int) -> list[float]:
    rng = random.Random(seed)
    return [rng.choice((1.0, 0.5, 0.3, 0.7, 2.0, 1.3)) for _ in query]


def _assert_identical(
    backend: Backend, reference: Backend, query: list[str], weights: list[float] | None
) -> None:
    assert np.array_equal(backend.scores(query, weights), reference.scores(query, weights))  # bit for bit
    for k in (1, 3, 10, 50):
        assert backend.top_k(query, k, weights) == reference.top_k(query, k, weights), (query, k)


def test_the_c_kernel_is_used_when_built() -> None:
    backend = _sparse([["水质", "监测"]], "okapi", "auto")
    assert backend.kernel == ("c" if HAVE_C else "numpy")
    assert _sparse([["水质"]], "okapi", "numpy").kernel == "numpy"
    assert ("C extension" in kernel_status()) == HAVE_C


def test_a_missing_extension_falls_back_to_numpy(
    monkeypatch: pytest.MonkeyPatch, seed_docs: list[list[str]]
) -> None:
    monkeypatch.setattr(sparse_module, "load_c_kernel", lambda: None)
    hidden = _sparse(seed_docs, "okapi", "auto")
    assert hidden.kernel == "numpy"
    reference = _reference(seed_docs, "okapi")
    for query in (seed_docs[3], seed_docs[10][:4], ["生态", "环境", "生态"]):
        _assert_identical(hidden, reference, query, None)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("variant", ["okapi", "l", "plus"])
@pytest.mark.parametrize(("k1", "b"), [(1.5, 0.75), (1.2, 0.3), (0.5, 1.0), (2.0, 0.0)])
def test_seed_corpus_identical_to_rank_bm25(
    kernel: str, variant: Variant, k1: float, b: float, seed_docs: list[list[str]], queries: list[list[str]]
) -> None:
    backend, reference = _sparse(seed_docs, variant, kernel, k1, b), _reference(seed_docs, variant, k1, b)
    for n, query in enumerate(queries[:30]):
        _assert_identical(backend, reference, query, _weights(query, n) if n % 2 else None)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("variant", ["okapi", "l", "plus"])
def test_synthetic_segments_identical_to_rank_bm25(
    kernel: str, variant: Variant, synthetic_docs: list[list[str]], queries: list[list[str]]
) -> None:
    backend, reference = _sparse(synthetic_docs, variant, kernel), _reference(synthetic_docs, variant)
    for n, query in enumerate(queries[:40]):
        _assert_identical(backend, reference, query, _weights(query, n) if n % 3 == 0 else None)


@pytest.mark.parametrize("kernel", ["auto", "pruned"])
@pytest.mark.parametrize("variant", ["okapi", "l"])
def test_c_and_numpy_agree_on_many_queries(
    kernel: str, variant: Variant, synthetic_docs: list[list[str]], queries: list[list[str]]
) -> None:
    fast, slow = _sparse(synthetic_docs, variant, kernel), _sparse(synthetic_docs, variant, "numpy")
    for n, query in enumerate(queries):
        weights = _weights(query, n) if n % 2 else None
        for k in (1, 10, 200):
            assert fast.top_k(query, k, weights) == slow.top_k(query, k, weights)
        assert np.array_equal(fast.scores(query, weights), slow.scores(query, weights))


@pytest.mark.parametrize("kernel", KERNELS)
def test_tie_heavy_corpus(kernel: str, seed_docs: list[list[str]]) -> None:
    """Duplicates in every segment: equal scores everywhere, ordered by document number."""
    rng = random.Random(3)
    pool = [d for d in seed_docs if len(d) > 3][:12]
    docs = [list(rng.choice(pool)) for _ in range(SEGMENT_DOCS + 700)]
    backend, reference = _sparse(docs, "okapi", kernel), _reference(docs, "okapi")
    for query in (pool[0][:3], pool[1][:2] + pool[2][:2], [pool[3][0]], pool[4]):
        _assert_identical(backend, reference, query, None)
        _assert_identical(backend, reference, query, [0.5] * len(query))


@pytest.mark.parametrize("kernel", KERNELS)
def test_repeated_query_terms_count_each_time(kernel: str, seed_docs: list[list[str]]) -> None:
    backend, reference = _sparse(seed_docs, "okapi", kernel), _reference(seed_docs, "okapi")
    term, other = seed_docs[5][0], seed_docs[6][0]
    for query in ([term, term], [term, other, term, term], [other, term, other]):
        _assert_identical(backend, reference, query, None)
        _assert_identical(backend, reference, query, _weights(query, 1))


@pytest.mark.parametrize("kernel", KERNELS)
def test_k_beyond_the_matches_returns_them_all(kernel: str, seed_docs: list[list[str]]) -> None:
    backend, reference = _sparse(seed_docs, "okapi", kernel), _reference(seed_docs, "okapi")
    query = seed_docs[2][:3]
    everything = backend.top_k(query, 10**9)
    assert everything == reference.top_k(query, 10**9)
    assert {i for i, _ in everything} == {i for i, d in enumerate(seed_docs) if set(query) & set(d)}


@pytest.mark.parametrize("kernel", KERNELS)
def test_empty_and_unknown_queries(kernel: str, seed_docs: list[list[str]]) -> None:
    backend = _sparse(seed_docs, "okapi", kernel)
    assert backend.top_k([], 10) == []
    assert backend.top_k(["不存在的词語xyz", "也没有"], 10) == []
    assert not backend.scores(["不存在的词語xyz"]).any()
    assert backend.top_k(seed_docs[0], 0) == []


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("variant", ["okapi", "l", "plus"])
def test_term_frequencies_past_255_are_exact(kernel: str, variant: Variant) -> None:
    docs = [["水"] * 300 + ["气"], ["水"] * 255, ["水"] * 254 + ["土"] * 70_000, ["水", "气"], ["气"]] * 3
    backend, reference = _sparse(docs, variant, kernel), _reference(docs, variant)
    assert int(backend.state()[1]["over_pos"].size) == 9  # 300, 255 and 70,000 go to the side table
    for query in (["水"], ["土", "水"], ["气", "水", "气"]):
        _assert_identical(backend, reference, query, None)


@pytest.mark.parametrize("kernel", KERNELS)
def test_stored_postings_answer_identically(
    kernel: str, synthetic_docs: list[list[str]], queries: list[list[str]], tmp_path: Path
) -> None:
    built = _sparse(synthetic_docs, "okapi", "auto")
    store.save_backend(built, tmp_path, "word")
    settings = RetrieverSettings(backend="sparse", k1=1.5, b=0.75)
    restored = store.load_backend(tmp_path, "word", settings, len(synthetic_docs))
    slow = SparseBackend(variant="okapi", k1=1.5, b=0.75, epsilon=0.25, delta=0.0, kernel=kernel)  # type: ignore[arg-type]
    slow.restore(built.state())
    for query in queries[:30]:
        assert restored.top_k(query, 10) == built.top_k(query, 10) == slow.top_k(query, 10)
        assert np.array_equal(restored.scores(query), slow.scores(query))


@pytest.mark.skipif(not HAVE_C, reason="the C extension is not built")
def test_the_c_kernel_refuses_inconsistent_arrays(seed_docs: list[list[str]]) -> None:
    backend = _sparse(seed_docs, "okapi", "auto")
    p = backend._postings
    assert p is not None
    module = load_c_kernel()
    assert module is not None
    args = [p.idf, backend._norm, p.run_start, p.run_max, p.low, p.tf, p.over_pos, p.over_tf]
    rest = [p.term_run_ptr, p.term_runs, p.run_seg, p.doc_at, True, 1.5, SEGMENT_DOCS, 0.0]
    with pytest.raises(ValueError, match="wrong type"):
        module.Kernel(p.idf.astype(np.float32), *args[1:], *rest)
    far = p.low.copy()
    far[-1] = SEGMENT_DOCS - 1  # past the last document of the (partial) last segment
    with pytest.raises(ValueError, match="document numbers"):
        module.Kernel(*args[:4], far, *args[5:], *rest)
    with pytest.raises(IndexError):
        backend._c.top_k([len(p.idf)], None, 10)
