"""The pieces behind exact Xapian scores: term names, the BM25 parameter transform, shard layout, ties,
stub files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("xapian")

from retrieval.errors import CorpusError
from retrieval.index.backends.xapian_scoring import (
    MAX_TERM_BYTES,
    WORD_PREFIX,
    RunWeighting,
    xapian_term,
)
from retrieval.index.backends.xapian_search import ShardLayout, settle_ties
from retrieval.index.backends.xapian_stub import ShardAddress, parse_stub


def test_long_tokens_get_a_digest_term_within_xapians_limit() -> None:
    short = "大气污染防治"
    assert xapian_term(WORD_PREFIX, short) == WORD_PREFIX + short
    long_a, long_b = "污" * 100, "污" * 99 + "染"  # 300 bytes each
    term_a, term_b = xapian_term(WORD_PREFIX, long_a), xapian_term(WORD_PREFIX, long_b)
    assert len(term_a.encode()) <= MAX_TERM_BYTES and term_a != term_b
    assert term_a == xapian_term(WORD_PREFIX, long_a)  # the query side finds the same term


@given(
    k1=st.floats(0.1, 3.0),
    b=st.floats(0.0, 1.0),
    ratio=st.floats(0.2, 5.0),
    length=st.integers(0, 500),
)
def test_transformed_parameters_give_rank_bm25s_length_normalisation(
    k1: float, b: float, ratio: float, length: int
) -> None:
    chunks, run_length = 1000, 150_000
    mixed = run_length / chunks / ratio
    w = RunWeighting.for_run(
        k1=k1,
        b=b,
        epsilon=0.25,
        chunks=chunks,
        average_idf=1.0,
        run_length=run_length,
        mixed_average_length=mixed,
    )
    assert 0.0 <= w.xapian_b <= 1.0
    xapian_side = w.xapian_k1 * (length / mixed * w.xapian_b + (1 - w.xapian_b))
    rank_bm25_side = k1 * (1 - b + b * length / (run_length / chunks))
    assert xapian_side == pytest.approx(rank_bm25_side, rel=1e-12, abs=1e-12)


def test_one_run_databases_keep_the_parameters() -> None:
    w = RunWeighting.for_run(
        k1=0.9, b=0.5, epsilon=0.25, chunks=10, average_idf=1.0, run_length=300, mixed_average_length=30.0
    )
    assert (w.xapian_k1, w.xapian_b) == pytest.approx((0.9, 0.5))


@given(shards=st.integers(1, 7), runs=st.integers(1, 2), position=st.integers(0, 10_000))
def test_layout_maps_chunk_positions_to_interleaved_docids_and_back(
    shards: int, runs: int, position: int
) -> None:
    layout = ShardLayout(shards, runs)
    for run in range(runs):
        assert layout.position(layout.docid(position, run)) == position
    assert layout.docid(position + 1) > layout.docid(position)  # chunk order is docid order


def test_near_equal_weights_are_rescored_and_ordered_by_position() -> None:
    layout = ShardLayout(1, 1)
    exact = {5: 2.0, 2: 2.0, 9: 1.5}
    items = [(5, 2.0 + 1e-15), (2, 2.0), (9, 1.5)]  # Xapian's rounding put docid 5 first
    assert settle_ties(items, exact.__getitem__, layout) == [(1, 2.0), (4, 2.0), (8, 1.5)]


def test_stub_lines(tmp_path: Path) -> None:
    stub = tmp_path / "shards.stub"
    stub.write_text("# v2\nauto shard-0\nremote 10.0.0.5:33333\nremote :ssh host xapian-progsrv /srv/s\n")
    assert parse_stub(stub) == (
        ShardAddress(str(tmp_path / "shard-0")),
        ShardAddress("10.0.0.5:33333", remote=True),
        ShardAddress(":ssh host xapian-progsrv /srv/s", remote=True),
    )
    assert parse_stub(tmp_path) == parse_stub(stub)  # a folder holding shards.stub
    stub.write_text("remote nowhere\n")
    with pytest.raises(CorpusError, match=r"shards\.stub:1"):
        parse_stub(stub)
