"""The memory-mapped jieba dictionary segments exactly like jieba's own, and a damaged one is rebuilt."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from retrieval.index import tokenize
from retrieval.index.bm25 import index_text
from retrieval.index.dictionary import FrozenDictionary
from retrieval.retriever import Retriever, fold_question


def frozen_and_real(store: Path, user_dict: bool) -> tuple[object, object]:
    real = tokenize._jieba(user_dict)
    tokenize._jieba(user_dict, store)  # saves the dictionary
    tokenize._jieba.cache_clear()
    frozen = tokenize._jieba(user_dict, store)
    assert isinstance(frozen.FREQ, FrozenDictionary)
    return frozen, real


@pytest.mark.parametrize("user_dict", [True, False])
def test_same_tokens_on_every_chunk_and_dev_question(
    user_dict: bool, tmp_path: Path, retriever: Retriever, corpus_dir: Path
) -> None:
    frozen, real = frozen_and_real(tmp_path, user_dict)
    lines = (corpus_dir / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [index_text(c, retriever.settings) for c in retriever.chunks]
    texts += [fold_question(json.loads(line)["question"]) for line in lines if line.strip()]
    assert len(texts) > 150
    for text in texts:
        assert frozen.lcut_for_search(text) == real.lcut_for_search(text)  # type: ignore[attr-defined]
        assert frozen.lcut(text) == real.lcut(text)  # type: ignore[attr-defined]
    assert frozen.total == real.total  # type: ignore[attr-defined]


def test_lookups_agree_with_the_dict(tmp_path: Path) -> None:
    frozen, real = frozen_and_real(tmp_path, True)
    freq, table = real.FREQ, frozen.FREQ  # type: ignore[attr-defined]
    assert len(table) == len(freq)
    for word in [*list(freq)[:2000], "生态环境", "黑臭水体", "不存在的词语啊", "", "z"]:
        assert table.get(word) == freq.get(word)
        assert (word in table) == (word in freq)


def test_damaged_dictionary_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    frozen_and_real(tmp_path, True)
    (folder,) = tmp_path.glob("jieba-*")
    np.save(folder / "offsets.npy", np.load(folder / "offsets.npy")[::-1].copy())
    tokenize._jieba.cache_clear()
    with caplog.at_level(logging.WARNING):
        rebuilt = tokenize._jieba(True, tmp_path)
    assert "unusable" in caplog.text
    assert isinstance(rebuilt.FREQ, dict)  # the real one, saved again for the next start
    tokenize._jieba.cache_clear()
    assert isinstance(tokenize._jieba(True, tmp_path).FREQ, FrozenDictionary)
