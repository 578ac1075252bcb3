"""The answer store (bounded, unguessable keys) and the per-user sliding-window question limit."""

from __future__ import annotations

from bot.rate_limit import QuestionRateLimit
from bot.store import AnswerStore
from retrieval.types import Answer

ANSWER = Answer(question="秸秆", script="simplified", answered=False, hits=())


def test_store_evicts_least_recently_used_and_tracks_what_is_shown() -> None:
    store = AnswerStore(capacity=2)
    first, second = store.add(ANSWER, 1), store.add(ANSWER, 1)
    assert store.get(first) is not None  # touching it makes `second` the oldest
    third = store.add(ANSWER, 1)
    assert store.get(second) is None and store.get(third) is not None and len(store) == 2
    store.show(first, "full", 1)
    shown = store.get(first)
    assert shown is not None and (shown.view, shown.page) == ("full", 1)
    assert len({first, third}) == 2 and all(len(k) == 12 for k in (first, third))


def test_rate_limit_window_slides() -> None:
    now = [0.0]
    limit = QuestionRateLimit(per_minute=2, clock=lambda: now[0])
    assert limit.wait_seconds(1) == 0 and limit.wait_seconds(1) == 0
    now[0] = 10.0
    assert limit.wait_seconds(1) == 50  # the first question leaves the window at t=60
    assert limit.wait_seconds(2) == 0  # other users are unaffected
    now[0] = 60.0
    assert limit.wait_seconds(1) == 0
