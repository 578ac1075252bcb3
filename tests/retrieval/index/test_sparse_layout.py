"""The sparse backend's layout on real seed text: documents stored shortest first, window by window.

Positions are a stable sort by length within each window of `WINDOW_DOCS` documents, `doc_at` maps them
back, the vocabulary keeps its first-seen order (rank_bm25's idf sums in that order), and a stored
`doc_at` that is not a permutation is refused by the loader and by the C kernel.
"""

from __future__ import annotations

from itertools import chain
from pathlib import Path

import numpy as np
import pytest

from evaluation.synthetic import build_corpus, corpus_sentences, make_queries, project_tokenize
from retrieval.index.backends import sparse_build
from retrieval.index.backends.kernel import load_c_kernel
from retrieval.index.backends.reference import RankBM25Backend
from retrieval.index.backends.sparse import SparseBackend
from retrieval.index.backends.sparse_layout import SEGMENT_DOCS, from_arrays

CORPUS = Path(__file__).resolve().parents[3] / "corpus"
_tokenize = project_tokenize()
WINDOW = 2 * SEGMENT_DOCS  # small windows, so a few thousand chunks span several


@pytest.fixture(scope="module")
def sentences() -> tuple[str, ...]:
    return corpus_sentences(CORPUS)


@pytest.fixture(scope="module")
def docs(sentences: tuple[str, ...]) -> list[list[str]]:
    """Two and a half windows of synthetic chunks (the last window and segment partly filled)."""
    corpus = build_corpus(sentences, [_tokenize(s) for s in sentences], 5 * SEGMENT_DOCS + 300, seed=4)
    return [list(d) for d in corpus.tokens_view()]


@pytest.fixture(scope="module")
def backend(docs: list[list[str]]) -> SparseBackend:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sparse_build, "WINDOW_DOCS", WINDOW)
        built = SparseBackend(variant="okapi", k1=1.5, b=0.75, epsilon=0.25, delta=0.0)
        built.build(docs)
    return built


def test_each_window_is_stored_shortest_first(docs: list[list[str]], backend: SparseBackend) -> None:
    p = backend._postings
    assert p is not None
    assert sorted(p.doc_at.tolist()) == list(range(len(docs)))
    assert p.doc_len.tolist() == [len(docs[d]) for d in p.doc_at]
    for first in range(0, len(docs), WINDOW):
        at = p.doc_at[first : first + WINDOW]
        assert at.min() == first and at.max() == min(first + WINDOW, len(docs)) - 1  # no mixing of windows
        keys = [(len(docs[d]), d) for d in at.tolist()]
        assert keys == sorted(keys)  # by length, equal lengths in document order
    assert not np.array_equal(p.doc_at, np.arange(len(docs)))


def test_vocabulary_keeps_first_seen_order_and_rank_bm25_scores(
    docs: list[list[str]], backend: SparseBackend, sentences: tuple[str, ...]
) -> None:
    assert list(backend._vocab) == list(dict.fromkeys(chain.from_iterable(docs)))
    reference = RankBM25Backend(variant="okapi", k1=1.5, b=0.75, epsilon=0.25, delta=0.0)
    reference.build(docs)
    for query in (q for q in map(_tokenize, make_queries(sentences, 40, seed=8)) if q):
        assert np.array_equal(backend.scores(query), reference.scores(query)), query
        assert backend.top_k(query, 10) == reference.top_k(query, 10), query


def test_a_document_order_that_is_not_a_permutation_is_refused(backend: SparseBackend) -> None:
    p = backend._postings
    assert p is not None
    repeated = p.doc_at.copy()
    repeated[1] = repeated[0]
    with pytest.raises(ValueError, match="document order"):
        from_arrays({**p.arrays(), "doc_at": repeated}, p.size, len(p.idf))
    module = load_c_kernel()
    if module is None:
        pytest.skip("the C extension is not built")
    args = [p.idf, backend._norm, p.run_start, p.run_max, p.low, p.tf, p.over_pos, p.over_tf]
    rest = [p.term_run_ptr, p.term_runs, p.run_seg]
    for wrong in (repeated, np.full_like(p.doc_at, p.size)):
        with pytest.raises(ValueError, match="document order"):
            module.Kernel(*args, *rest, wrong, True, 1.5, SEGMENT_DOCS, 0.0)


def test_a_vocabulary_past_65536_terms_keeps_exact_ids(docs: list[list[str]]) -> None:
    """Term ids are held in uint16 while the vocabulary fits, int32 after: both kinds of window piece."""
    filler = [[f"词{i * 100 + j}" for j in range(100)] for i in range(700)]  # 70,000 new terms
    corpus = docs[:3000] + filler + docs[3000:4000]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sparse_build, "WINDOW_DOCS", WINDOW)
        built = SparseBackend(variant="okapi", k1=1.5, b=0.75, epsilon=0.25, delta=0.0)
        built.build(corpus)
    assert len(built._vocab) > 65536
    assert list(built._vocab) == list(dict.fromkeys(chain.from_iterable(corpus)))
    reference = RankBM25Backend(variant="okapi", k1=1.5, b=0.75, epsilon=0.25, delta=0.0)
    reference.build(corpus)
    for query in (["词69999", "督察"], ["词5", "词65537", "整改"], docs[3500][:4], docs[10][:3]):
        assert np.array_equal(built.scores(query), reference.scores(query)), query
        assert built.top_k(query, 10) == reference.top_k(query, 10), query
