"""The C kernel's block-max machinery on real seed text: many segments, length classes, dense blocks.

Block bounds, seeds, cursors that prefetch runs ahead and the term-at-a-time path for dense blocks must
leave every id, rank and score bit of the exhaustive numpy kernel (itself checked against rank_bm25 in
test_sparse_kernel.py) unchanged.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from evaluation.synthetic import build_corpus, corpus_sentences, make_queries, project_tokenize
from retrieval.index.backends.kernel import load_c_kernel
from retrieval.index.backends.sparse import SparseBackend
from retrieval.index.backends.sparse_layout import SEGMENT_DOCS

CORPUS = Path(__file__).resolve().parents[3] / "corpus"
_tokenize = project_tokenize()
pytestmark = pytest.mark.skipif(load_c_kernel() is None, reason="the C extension is not built")


@pytest.fixture(scope="module")
def sentences() -> tuple[str, ...]:
    return corpus_sentences(CORPUS)


@pytest.fixture(scope="module")
def many_segments(sentences: tuple[str, ...]) -> list[list[str]]:
    """Twenty segments of synthetic chunks: every common term has more runs than the kernel reads ahead."""
    corpus = build_corpus(sentences, [_tokenize(s) for s in sentences], 20 * SEGMENT_DOCS - 700, seed=3)
    return [list(d) for d in corpus.tokens_view()]


@pytest.fixture(scope="module")
def queries(sentences: tuple[str, ...]) -> list[list[str]]:
    """Corpus fragments, plus one-term queries (dense blocks: most documents of a block are candidates)."""
    fragments = [q for q in (_tokenize(q) for q in make_queries(sentences, 80, seed=23)) if q]
    singles = [[t] for t in ("环境", "生态", "问题", "整改", "工作", "督察", "推诿")]
    return fragments + singles


def _backend(docs: list[list[str]], kernel: str) -> SparseBackend:
    backend = SparseBackend(variant="okapi", k1=1.5, b=0.75, epsilon=0.25, delta=0.0, kernel=kernel)  # type: ignore[arg-type]
    backend.build(docs)
    return backend


def test_twenty_segments_identical_to_the_exhaustive_kernel(
    many_segments: list[list[str]], queries: list[list[str]]
) -> None:
    fast, exhaustive = _backend(many_segments, "auto"), _backend(many_segments, "numpy")
    assert fast.kernel == "c" and exhaustive.kernel == "numpy"
    rng = random.Random(5)
    for query in queries:
        weights = [rng.choice((0.5, 1.0, 1.7)) for _ in query] if rng.random() < 0.3 else None
        for k in (1, 10, 100):
            assert fast.top_k(query, k, weights) == exhaustive.top_k(query, k, weights), (query, k)


def _kernel(backend: SparseBackend, doc_at: np.ndarray | None = None, **options: int) -> Any:
    """Another C kernel over `backend`'s postings, with the test-only options (max_classes, exhaustive_docs)
    and, if given, other document numbers for its positions."""
    p, module = backend._postings, load_c_kernel()
    assert p is not None and module is not None
    args = [p.idf, backend._norm, p.run_start, p.run_max, p.low, p.tf, p.over_pos, p.over_tf]
    numbers = p.doc_at if doc_at is None else doc_at
    rest = [p.term_run_ptr, p.term_runs, p.run_seg, numbers, True, 1.5, SEGMENT_DOCS, 0.0]
    return module.Kernel(*args, *rest, **options)


@pytest.mark.parametrize("exhaustive_docs", [0, 10**9])  # pruned, and summed in full at this size
def test_documents_as_their_own_length_class_rank_identically(
    many_segments: list[list[str]], queries: list[list[str]], exhaustive_docs: int
) -> None:
    """With more distinct norms than classes allow, each document is its own class: same results."""
    backend = _backend(many_segments, "auto")
    assert len(np.unique(backend._norm)) > 1
    per_document = _kernel(backend, max_classes=1, exhaustive_docs=exhaustive_docs)
    for query in queries:
        terms, _ = backend._slots(query, None)
        assert per_document.top_k(terms, None, 10) == backend.top_k(query, 10), query
    with pytest.raises(ValueError, match="max_classes"):
        _kernel(backend, max_classes=-1)
    with pytest.raises(ValueError, match="exhaustive_docs"):
        _kernel(backend, exhaustive_docs=-1)


def test_twenty_segments_summed_exhaustively_rank_identically(
    many_segments: list[list[str]], queries: list[list[str]]
) -> None:
    """The exhaustive path over many segments (the last one partly filled), weights and k up to 100."""
    backend = _backend(many_segments, "auto")
    assert len(many_segments) > 16384  # so `backend` itself prunes
    exhaustive = _kernel(backend, exhaustive_docs=len(many_segments))
    rng = random.Random(11)
    for query in queries:
        known = [t for t in query if t in backend._vocab]
        terms, _ = backend._slots(known, None)
        weights = [rng.choice((0.5, 1.0, 1.7)) for _ in known] if rng.random() < 0.3 else None
        for k in (1, 10, 100):
            assert exhaustive.top_k(terms, weights, k) == backend.top_k(known, k, weights), (query, k)


@pytest.mark.parametrize("exhaustive_docs", [0, 10**9])
def test_ties_go_to_the_lower_document_number_wherever_it_is_stored(
    many_segments: list[list[str]], queries: list[list[str]], exhaustive_docs: int
) -> None:
    """Every chunk twice (so most scores tie) and the positions' document numbers reversed: the kernel
    answers document numbers, and among equal scores the lower one first, as from a full sort."""
    backend = _backend(many_segments[:3000] * 2, "auto")
    p = backend._postings
    assert p is not None
    reversed_numbers = (p.size - 1 - p.doc_at).astype(np.int32)
    kernel = _kernel(backend, reversed_numbers, exhaustive_docs=exhaustive_docs)
    tied = 0
    for query in queries:
        terms, _ = backend._slots(query, None)
        if not terms:
            continue
        by_position = np.zeros(p.size)
        kernel.accumulate(terms, None, by_position)
        matched = np.flatnonzero(by_position > 0)
        ranked = sorted(zip(-by_position[matched], reversed_numbers[matched].tolist(), strict=True))[:10]
        expected = [(doc, -negative) for negative, doc in ranked]
        assert kernel.top_k(terms, None, 10) == expected, query
        tied += len({score for _, score in expected}) < len(expected)
    assert tied > len(queries) // 2
