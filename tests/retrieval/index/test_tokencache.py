"""Token cache: adding a speech re-tokenizes only its chunks; parallel tokenization equals serial."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval.index import tokencache
from retrieval.index.bm25 import index_text
from retrieval.index.tokencache import TokenCache, joined_token_lists, split_tokens, tokenize_texts
from retrieval.index.tokenize import Tokenizer
from retrieval.retriever import Retriever, build_index
from retrieval.settings import RetrieverSettings


def test_adding_a_document_tokenizes_only_its_chunks(tmp_path: Path, corpus_dir: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(corpus_dir / "001_63e869ee8e955aba.txt", folder)
    settings = RetrieverSettings()
    path = tmp_path / "tokens.json"
    first = build_index(folder, settings, TokenCache(path))
    shutil.copy(corpus_dir / "002_57d90a8fe15574a8.txt", folder)
    cache = TokenCache(path)
    second = build_index(folder, settings, cache)
    new_chunks = [c for c in second.chunks if c.doc_id.startswith("002")]
    assert second.bigram is not None  # fusion=auto: the companion is built too, but never cached
    assert cache.misses == len(new_chunks) > 0
    assert len(second.chunks) == len(first.chunks) + len(new_chunks)


def test_a_fused_build_caches_word_tokens_only(corpus_dir: Path) -> None:
    settings = RetrieverSettings(fusion="bigram")
    cache = TokenCache()
    index = build_index(corpus_dir, settings, cache)
    texts = {index_text(c, settings) for c in index.chunks}
    assert index.bigram is not None
    assert set(cache.entries) == {tokencache.text_key(settings, t) for t in texts}
    assert cache.misses == len(texts)


def test_changed_tokenizer_settings_do_not_reuse_tokens(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "t.json")
    cache.tokenize(["秸秆禁烧管控"], RetrieverSettings())
    assert list(cache.tokenize(["秸秆禁烧管控"], RetrieverSettings(tokenizer="bigram"))) == [
        ["秸秆", "秆禁", "禁烧", "烧管", "管控"]
    ]
    assert cache.misses == 2  # one per tokenizer: nothing reused across settings


def test_corrupt_token_cache_starts_empty(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(b"garbage")
    cache = TokenCache(path)
    assert cache.entries == {}
    assert "unreadable" in caplog.text
    assert list(cache.tokenize(["秸秆"], RetrieverSettings())) == [["秸秆"]]


def test_save_drops_texts_that_left_the_corpus(tmp_path: Path) -> None:
    settings = RetrieverSettings()
    first = TokenCache(tmp_path / "t.json")
    first.tokenize(["秸秆禁烧", "黑臭水体"], settings)
    first.save()
    second = TokenCache(tmp_path / "t.json")
    second.tokenize(["黑臭水体"], settings)
    assert second.misses == 0
    second.save()
    assert len(TokenCache(tmp_path / "t.json").entries) == 1


def test_parallel_tokenization_matches_serial(retriever: Retriever, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = RetrieverSettings()
    texts = [index_text(c, settings) for c in retriever.chunks]
    serial = tokenize_texts(texts, settings, workers=1)
    assert split_tokens(serial[0]) == Tokenizer(settings).tokenize(texts[0])
    monkeypatch.setattr(tokencache, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(tokencache, "BATCH_SIZE", 25)
    assert tokenize_texts(texts, settings, workers=2) == serial


def test_joined_tokens_split_on_access() -> None:
    view = joined_token_lists(["秸秆\x1f禁烧", ""])
    assert len(view) == 2
    assert view[0] == ["秸秆", "禁烧"] and view[1] == []
    assert view[0:1] == [["秸秆", "禁烧"]]
    assert list(view) == [["秸秆", "禁烧"], []]
    assert view[-1] == []
    with pytest.raises(IndexError):
        view[2]
