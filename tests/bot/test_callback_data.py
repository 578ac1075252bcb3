"""Callback payloads: versioned, compact, and anything unexpected decodes to None."""

from __future__ import annotations

import pytest

from bot.callback_data import CALLBACK_DATA_LIMIT, AnswerButton, decode


def test_round_trip_and_size() -> None:
    button = AnswerButton("Ab3_-xYz9Q12", "full", 2)
    data = button.encode()
    assert decode(data) == button and len(data.encode()) <= CALLBACK_DATA_LIMIT


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "a1",
        "a2:Ab3_-xYz9Q12:e:1",
        "a1:Ab3:e:1",
        "a1:Ab3_-xYz9Q12:x:1",
        "a1:Ab3_-xYz9Q12:e:-1",
        "a1:Ab3_-xYz9Q12:e:1:extra",
        "a1:<b>hello</b>:e:1",
    ],
)
def test_anything_else_is_rejected(data: object) -> None:
    assert decode(data) is None
