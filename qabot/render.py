"""Render an `Answer` for the terminal (rich), as plain text and for JSON; escaping happens here, once.

The answer is laid out once, as styled lines (`answer_lines`); rich draws them on a terminal, and output to a
pipe or file is their plain text — the same characters rich would print there, without importing rich
(~25 ms of a 0.2 s `qabot ask`). tests/qabot/test_render.py keeps the two equal on the dev set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from retrieval.types import Answer, Chunk, Hit

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text


def chunk_to_json(chunk: Chunk) -> dict[str, Any]:
    """A chunk as `qabot chunks --json` prints it, and as every `ask --json` hit carries it."""
    return {
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "section": chunk.section_label,
        "paragraph": chunk.paragraph,
        "text": chunk.text,
        "start": chunk.start,
        "end": chunk.end,
        "truncated": chunk.truncated,
        "redacted": chunk.redacted,
        "damaged": chunk.damaged,
        "date": chunk.date,
        "speaker": chunk.speaker,
        "occasion": chunk.occasion,
    }


def hit_to_json(hit: Hit) -> dict[str, Any]:
    """The `ask --json` hit object: rank, the chunk's fields, then score, excerpt, citation and the rest."""
    return {
        "rank": hit.rank,
        **chunk_to_json(hit.chunk),
        "score": hit.score,
        "excerpt": hit.excerpt,
        "citation": hit.citation,
        "highlights": [list(span) for span in hit.highlights],
        "warnings": list(hit.warnings),
    }


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """The `ask --json` object for one question."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "confidence": answer.confidence,
        "hits": [hit_to_json(h) for h in answer.hits],
        "script": answer.script,
        "message": answer.message,
        "context": answer.context,
        "terms": list(answer.terms),
        "expanded": list(answer.expanded),
    }


# The tentative tier is drawn dim under a note line, so it never reads like a confident answer.
TENTATIVE_MARK = "？ "


HIGHLIGHT = "bold yellow"


@dataclass(frozen=True)
class Line:
    """One output line: its text, its style (rich's syntax), and the (start, end) spans drawn highlighted."""

    text: str
    style: str = ""
    highlights: tuple[tuple[int, int], ...] = ()


def hit_lines(hit: Hit, *, dim: bool = False) -> list[Line]:
    """Excerpt with highlighted terms, citation line, warnings (all dimmed for a tentative answer)."""
    lines = [Line(hit.excerpt, "dim" if dim else "", hit.highlights)]
    lines.append(Line(f"  —— {hit.citation}", "dim cyan" if dim else "cyan"))
    lines.extend(Line(f"  ⚠ {w}", "magenta") for w in hit.warnings)
    return lines


def answer_lines(answer: Answer) -> list[Line]:
    """Answered: every hit numbered with its citation; a tentative (low) answer is dim under a note line.
    Not covered: only the message, no citation."""
    lines: list[Line] = []
    tentative = answer.confidence == "low"
    if answer.message:
        if tentative:
            lines.append(Line(TENTATIVE_MARK + answer.message, "italic yellow"))
        else:
            lines.append(Line(answer.message, "bold" if not answer.answered else "italic"))
    if answer.answered:
        for hit in answer.hits:
            lines.append(Line(f"[{hit.rank}]", "dim green" if tentative else "green"))
            lines.extend(hit_lines(hit, dim=tentative))
    return lines


def styled(line: Line) -> Text:
    from rich.text import Text

    out = Text(line.text, style=line.style)
    for start, end in line.highlights:
        out.stylize(HIGHLIGHT, start, end)
    return out


def render_answer(answer: Answer) -> RenderableType:
    """The answer for a rich console (a terminal)."""
    from rich.console import Group

    return Group(*(styled(line) for line in answer_lines(answer)))


# rich drops these control characters from every Text (rich.control.STRIP_CONTROL_CODES); so does plain text
STRIPPED_CONTROLS = dict.fromkeys((7, 8, 11, 12, 13))


def plain_answer(answer: Answer) -> str:
    """The answer as rich prints it where there is no terminal: the lines' text, one per line."""
    return "".join(line.text.translate(STRIPPED_CONTROLS) + "\n" for line in answer_lines(answer))


def wants_terminal(stream: TextIO) -> bool:
    """Whether rich would style output to `stream`: a terminal, or an environment asking for terminal output
    on any stream (FORCE_COLOR, TTY_COMPATIBLE=1: rich's own rules)."""
    if os.environ.get("TTY_COMPATIBLE") in ("0", "1"):
        return os.environ["TTY_COMPATIBLE"] == "1"
    if "FORCE_COLOR" in os.environ:
        return os.environ["FORCE_COLOR"] != ""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
