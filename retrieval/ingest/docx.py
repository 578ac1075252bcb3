"""Reader for Word .docx files (python-docx): body paragraphs and tables in order, one line each.

Title-styled paragraphs give the title; Heading-styled paragraphs and short all-bold lines are headings
(reported in `RawDocument.headings`, so the chunker knows them even without a 一、 marker); tables become
one line per row; page headers, footers and field codes are not part of the body and never appear.
Core properties (title, author, subject, created) fill in what the text lacks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from docx import Document as open_docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table
from docx.text.paragraph import Paragraph

from retrieval.ingest.raw import RawDocument
from retrieval.ingest.reasons import SkipError

# A bold line longer than this, or one ending like a sentence, is emphasis in the body, not a heading.
BOLD_HEADING_MAX_CHARS = 40
_SENTENCE_END = re.compile(r"[。！？；!?;]$")
_HEADING_STYLE = re.compile(r"^(?:Heading|标题|標題)\s*(\d)$", re.I)
_TITLE_STYLES = frozenset({"title", "标题", "標題"})
# Heading levels past this are all treated as the deepest section level the chunker knows.
MAX_LEVEL = 4


def _style_names(document: DocxDocument) -> dict[str | None, str]:
    """style id -> style name, with None (no pStyle) mapped to the default paragraph style's name.

    python-docx looks styles up by scanning the whole styles part on every `paragraph.style`: one table
    per document keeps a long file linear.
    """
    names: dict[str | None, str] = {}
    for style in document.styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            names[style.style_id] = style.name or ""
            if style.element.default:
                names[None] = style.name or ""
    return names


def _all_bold(paragraph: Paragraph) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold for run in runs)


def _row_text(row_cells: list[str]) -> str:
    # A merged cell repeats in every grid column it spans: keep it once.
    kept = [c for i, c in enumerate(row_cells) if c and (i == 0 or c != row_cells[i - 1])]
    return " ".join(kept)


def _blocks(parent: BaseOxmlElement) -> Iterator[BaseOxmlElement]:
    """Body paragraphs and tables in order, looking inside content controls (w:sdt), where Word keeps
    cover pages and fields filled in from templates."""
    for element in parent.iterchildren():
        if element.tag == qn("w:sdt"):
            content = element.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)
        else:
            yield element


def read_docx(path: Path) -> RawDocument:
    document = open_docx(str(path))
    lines: list[str] = []
    headings: list[tuple[int, str]] = []
    title = ""
    deepest_styled = 0
    style_names = _style_names(document)
    for element in _blocks(document.element.body):
        if element.tag == qn("w:tbl"):
            table = Table(element, document)
            for row in table.rows:
                lines.append(_row_text([" ".join(cell.text.split()) for cell in row.cells]))
            continue
        if element.tag != qn("w:p"):
            continue
        paragraph = Paragraph(element, document)
        line = " ".join(paragraph.text.split())
        if not line:
            continue
        style = style_names.get(element.style, "")
        if style.lower().startswith("toc"):  # table-of-contents entries repeat the headings
            continue
        if style.lower() in _TITLE_STYLES and not title:
            title = line
            continue
        if match := _HEADING_STYLE.match(style):
            level = min(int(match.group(1)), MAX_LEVEL)
            deepest_styled = max(deepest_styled, level)
            headings.append((level, line))
        elif _all_bold(paragraph) and len(line) <= BOLD_HEADING_MAX_CHARS and not _SENTENCE_END.search(line):
            headings.append((min(deepest_styled + 1, MAX_LEVEL), line))
        lines.append(line)
    if not any(lines):
        raise SkipError("docx-no-text")
    props = document.core_properties
    created = props.created.date().isoformat() if props.created else ""
    return RawDocument(
        "\n".join(lines),
        "docx",
        title=title,
        fallback_title=(props.title or "").strip(),
        date=created,
        author=(props.author or "").strip(),
        subject=(props.subject or "").strip(),
        headings=tuple(headings),
        complete=True,
    )
