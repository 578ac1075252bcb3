"""The conversation cases (corpus/eval/followup.jsonl): format checks and the numbers `qabot eval` reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.devset import DEFAULT_DEVSET, DevSetError, load_devset
from evaluation.followup import (
    DEFAULT_FOLLOWUPS,
    chained_followups,
    load_followups,
    run_followups,
    summarize_followups,
)
from retrieval.retriever import Retriever

ROOT = Path(__file__).resolve().parents[2]


def test_bundled_cases_load_and_cover_both_expectations() -> None:
    cases = load_followups(ROOT / DEFAULT_FOLLOWUPS)
    follow = [c for c in cases if c.expect == "followup"]
    assert len(follow) >= 20 and any(c.expect == "new" for c in cases)
    assert any(len(c.earlier) > 1 for c in cases)  # a chained follow-up


@pytest.mark.parametrize(
    "record",
    [
        {
            "id": "x",
            "kind": "direct",
            "expect": "followup",
            "earlier": ["a"],
            "question": "b",
            "evidence": ["c"],
        },
        {
            "id": "x",
            "kind": "followup",
            "expect": "maybe",
            "earlier": ["a"],
            "question": "b",
            "evidence": ["c"],
        },
        {"id": "x", "kind": "followup", "expect": "new", "earlier": [], "question": "b", "evidence": ["c"]},
        {"id": "x", "kind": "followup", "expect": "new", "earlier": ["a"], "question": "b", "evidence": []},
        {"id": "x", "kind": "followup", "earlier": ["a"], "question": "b", "evidence": ["c"]},
    ],
)
def test_malformed_cases_are_refused_with_the_line(tmp_path: Path, record: dict[str, object]) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(DevSetError, match=r"cases.jsonl:1"):
        load_followups(path)


def test_rule_beats_concatenation_and_leaks_nothing(retriever: Retriever) -> None:
    summary = summarize_followups(run_followups(retriever, load_followups(ROOT / DEFAULT_FOLLOWUPS)))
    assert summary["followup hit@3"] > summary["concatenation hit@3"] > summary["alone hit@3"]
    assert summary["leaked topic"] == 0
    assert summary["followups read as follow-ups"] >= 0.8


def test_standalone_dev_questions_in_one_conversation_are_never_read_as_follow_ups(
    retriever: Retriever,
) -> None:
    assert chained_followups(retriever, load_devset(ROOT / DEFAULT_DEVSET)) == 0
