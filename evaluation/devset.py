"""The hand-written dev set: `corpus/eval/dev.jsonl`, one question a line, relevance by evidence strings."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import QabotError

KINDS = ("direct", "paraphrase", "traditional", "colloquial", "multi", "unanswerable")
DEFAULT_DEVSET = Path("corpus/eval/dev.jsonl")


class DevSetError(QabotError):
    """The dev-set file is missing or malformed."""


@dataclass(frozen=True)
class DevQuestion:
    qid: str
    kind: str
    question: str
    evidence: tuple[str, ...]  # empty: the corpus does not answer the question

    @property
    def answerable(self) -> bool:
        return bool(self.evidence)


def load_devset(path: Path) -> tuple[DevQuestion, ...]:
    """Read and validate a dev-set file; errors name the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DevSetError(f"cannot read dev set {path}: {exc.strerror}") from None
    questions: list[DevQuestion] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            questions.append(_parse_line(line, f"{path}:{number}"))
    duplicates = [qid for qid, n in Counter(q.qid for q in questions).items() if n > 1]
    if duplicates:
        raise DevSetError(f"{path}: duplicate ids {', '.join(sorted(duplicates))}")
    if not questions:
        raise DevSetError(f"{path}: no questions")
    return tuple(questions)


def _parse_line(line: str, where: str) -> DevQuestion:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DevSetError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(record, dict) or set(record) != {"id", "kind", "question", "evidence"}:
        raise DevSetError(f"{where}: expected exactly the keys id, kind, question, evidence")
    qid, kind, question, evidence = record["id"], record["kind"], record["question"], record["evidence"]
    if not (isinstance(qid, str) and qid and isinstance(question, str) and question.strip()):
        raise DevSetError(f"{where}: id and question must be non-empty strings")
    if kind not in KINDS:
        raise DevSetError(f"{where}: unknown kind {kind!r}; known: {', '.join(KINDS)}")
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e for e in evidence):
        raise DevSetError(f"{where}: evidence must be a list of non-empty strings")
    if (kind == "unanswerable") != (not evidence):
        raise DevSetError(f"{where}: exactly the unanswerable questions have empty evidence")
    return DevQuestion(qid=qid, kind=kind, question=question, evidence=tuple(evidence))
