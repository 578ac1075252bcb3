"""UI strings: both scripts present, same placeholders, the traditional one really in traditional script."""

from __future__ import annotations

import string

import pytest

from bot.texts import TEXTS, script_for_language, text
from retrieval.normalize import fold_for_matching


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_versions_agree(key: str) -> None:
    simplified, traditional = TEXTS[key]
    assert placeholders(simplified) == placeholders(traditional)
    quotes = str.maketrans("「」", "“”")
    assert fold_for_matching(traditional).translate(quotes) == fold_for_matching(simplified)


def test_script_from_language_code() -> None:
    assert script_for_language("zh-hant") == "traditional" and script_for_language("zh-TW") == "traditional"
    assert script_for_language("zh-hans") == "simplified" and script_for_language(None) == "simplified"
    assert text("expired", "traditional") == "這個回答已過期，請重新提問。"
