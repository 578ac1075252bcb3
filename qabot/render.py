"""Render an `Answer` for the terminal (rich) and for JSON; escaping happens here, once."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from retrieval.types import Answer, Chunk, Hit


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


def highlighted(text: str, spans: tuple[tuple[int, int], ...], style: str = "") -> Text:
    out = Text(text, style=style)
    for start, end in spans:
        out.stylize("bold yellow", start, end)
    return out


def render_hit(hit: Hit, *, dim: bool = False) -> RenderableType:
    """Excerpt with highlighted terms, citation line, warnings (all dimmed for a tentative answer)."""
    parts: list[RenderableType] = [highlighted(hit.excerpt, hit.highlights, "dim" if dim else "")]
    parts.append(Text(f"  —— {hit.citation}", style="dim cyan" if dim else "cyan"))
    parts.extend(Text(f"  ⚠ {w}", style="magenta") for w in hit.warnings)
    return Group(*parts)


def render_answer(answer: Answer) -> RenderableType:
    """Answered: every hit numbered with its citation; a tentative (low) answer is dim under a note line.
    Not covered: only the message, no citation."""
    parts: list[RenderableType] = []
    tentative = answer.confidence == "low"
    if answer.message:
        if tentative:
            parts.append(Text(TENTATIVE_MARK + answer.message, style="italic yellow"))
        else:
            parts.append(Text(answer.message, style="bold" if not answer.answered else "italic"))
    if answer.answered:
        for hit in answer.hits:
            parts.append(Text(f"[{hit.rank}]", style="dim green" if tentative else "green"))
            parts.append(render_hit(hit, dim=tentative))
    return Group(*parts)
