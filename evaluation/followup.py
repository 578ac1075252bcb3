"""Conversation cases (`corpus/eval/followup.jsonl`, kind `followup`): follow-up hit@3 and leaked topics.

A case is one or more earlier questions, then the question judged, a minute apart. `expect` says what it is:
"followup" (it carries no topic of its own: judged by hit@3 of its evidence) or "new" (a topic of its own
after an unrelated one: judged by hit@3 and whether the earlier topic leaked in, i.e. the answer names an
earlier question as its context). Each follow-up is also run the two naive ways — the follow-up alone and
the plain concatenation of every question of the case — so the report shows what the conversation rule
gains.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from evaluation.devset import DevQuestion, DevSetError
from evaluation.relevance import fold_for_relevance, is_relevant
from retrieval.conversation import Conversation
from retrieval.retriever import Retriever
from retrieval.types import Chunk

KIND = "followup"
DEFAULT_FOLLOWUPS = Path("corpus/eval/followup.jsonl")
GAP_SECONDS = 60.0  # between the questions of a case: well inside the follow-up window
KEYS = {"id", "kind", "expect", "earlier", "question", "evidence"}
Expect = Literal["followup", "new"]


@dataclass(frozen=True)
class FollowUpCase:
    qid: str
    expect: Expect
    earlier: tuple[str, ...]
    question: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class FollowUpOutcome:
    case: FollowUpCase
    hit: bool  # evidence in the top 3 of the conversational answer
    shown: bool  # … answered, and an excerpt shown contains it
    alone: bool  # … of the follow-up asked on its own
    concatenated: bool  # … of every question of the case joined
    context: str  # what the answer said it followed up ("" = fresh)
    top_citation: str

    @property
    def leaked(self) -> bool:
        return self.case.expect == "new" and bool(self.context)


def load_followups(path: Path) -> tuple[FollowUpCase, ...]:
    """Read and validate the conversation cases; errors name the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DevSetError(f"cannot read conversation cases {path}: {exc.strerror}") from None
    cases = [_parse(line, f"{path}:{n}") for n, line in enumerate(lines, start=1) if line.strip()]
    ids = [c.qid for c in cases]
    if len(set(ids)) != len(ids):
        raise DevSetError(f"{path}: duplicate ids")
    return tuple(cases)


def _parse(line: str, where: str) -> FollowUpCase:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DevSetError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(record, dict) or set(record) != KEYS:
        raise DevSetError(f"{where}: expected exactly the keys {', '.join(sorted(KEYS))}")
    earlier, evidence = record["earlier"], record["evidence"]
    valid = (
        record["kind"] == KIND
        and record["expect"] in ("followup", "new")
        and isinstance(record["id"], str)
        and isinstance(record["question"], str)
        and record["question"].strip()
        and isinstance(earlier, list)
        and earlier
        and all(isinstance(q, str) and q.strip() for q in earlier)
        and isinstance(evidence, list)
        and evidence
        and all(isinstance(e, str) and e for e in evidence)
    )
    if not valid:
        raise DevSetError(
            f"{where}: kind must be {KIND!r}, expect followup|new, earlier and evidence non-empty"
        )
    return FollowUpCase(record["id"], record["expect"], tuple(earlier), record["question"], tuple(evidence))


def _hit(chunks: Sequence[Chunk], evidence: Sequence[str]) -> bool:
    folded = [fold_for_relevance(e) for e in evidence]
    return any(e in fold_for_relevance(c.text) for c in chunks for e in folded)


def run_followups(
    retriever: Retriever, cases: Sequence[FollowUpCase], k: int = 3
) -> tuple[FollowUpOutcome, ...]:
    outcomes = []
    for case in cases:
        conversation, now = Conversation(), 0.0
        for earlier in case.earlier:
            _, conversation = retriever.ask_in(conversation, earlier, k, now=now)
            now += GAP_SECONDS
        answer, _ = retriever.ask_in(conversation, case.question, k, now=now)
        joined = " ".join((*case.earlier, case.question))
        outcomes.append(
            FollowUpOutcome(
                case=case,
                hit=_hit([h.chunk for h in answer.hits[:k]], case.evidence),
                shown=answer.answered and any(is_relevant(h.excerpt, case.evidence) for h in answer.hits[:k]),
                alone=_hit([c for c, _ in retriever.rank(case.question, k)], case.evidence),
                concatenated=_hit([c for c, _ in retriever.rank(joined, k)], case.evidence),
                context=answer.context,
                top_citation=answer.hits[0].citation if answer.hits else "",
            )
        )
    return tuple(outcomes)


def summarize_followups(outcomes: Sequence[FollowUpOutcome]) -> dict[str, Any]:
    """The numbers `qabot eval` reports: hit@3 per method over follow-ups, and leaks over new topics."""
    follow = [o for o in outcomes if o.case.expect == "followup"]
    new = [o for o in outcomes if o.case.expect == "new"]

    def share(values: Sequence[bool]) -> float:
        return sum(values) / len(values) if values else 0.0

    return {
        "followups": len(follow),
        "followup hit@3": share([o.hit for o in follow]),
        "followup shown@3": share([o.shown for o in follow]),
        "concatenation hit@3": share([o.concatenated for o in follow]),
        "alone hit@3": share([o.alone for o in follow]),
        "followups read as follow-ups": share([bool(o.context) for o in follow]),
        "new topics": len(new),
        "new topic hit@3": share([o.hit for o in new]),
        "leaked topic": sum(o.leaked for o in new),
        "misses": [
            {"id": o.case.qid, "question": o.case.question, "context": o.context, "top": o.top_citation}
            for o in outcomes
            if not o.hit or o.leaked
        ],
    }


def chained_followups(retriever: Retriever, questions: Sequence[DevQuestion]) -> int:
    """How many of the standalone dev questions, asked one after another in one conversation, were read as
    follow-ups of the one before: each is a topic leak, as every dev question stands on its own."""
    conversation, now, leaked = Conversation(), 0.0, 0
    for q in questions:
        answer, conversation = retriever.ask_in(conversation, q.question, now=now)
        leaked += bool(answer.context)
        now += GAP_SECONDS
    return leaked


def followup_markdown(
    f: dict[str, Any], label: str, format_table: Callable[[list[dict[str, Any]]], str]
) -> list[str]:
    """Conversation cases: the rule against the follow-up alone and plain concatenation, and leaks."""
    if not f:
        return []
    rows = [
        {"method": "conversation rule (retrieval/conversation)", "hit@3": f["followup hit@3"]},
        {"method": "plain concatenation of the questions", "hit@3": f["concatenation hit@3"]},
        {"method": "the follow-up alone", "hit@3": f["alone hit@3"]},
    ]
    misses = [
        {"id": m["id"], "question": m["question"], "context": m["context"], "top hit": m["top"]}
        for m in f["misses"]
    ]
    return [
        f"## Conversations — {label}",
        "",
        f"{f['followups']} follow-ups (read as follow-ups: {f['followups read as follow-ups']:.3f}, answered "
        f"with the evidence shown: {f['followup shown@3']:.3f}); {f['new topics']} new topics after an "
        f"unrelated one (hit@3 {f['new topic hit@3']:.3f}, leaked topic: {f['leaked topic']}); the "
        f"standalone dev questions asked in one conversation, read as follow-ups: "
        f"{f['dev questions read as follow-ups']}.",
        "",
        format_table(rows),
        "",
        format_table(misses),
        "",
    ]
