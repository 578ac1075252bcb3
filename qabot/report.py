"""The corpus report shown by `qabot check` and the REPL's /sources: one short block per document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from retrieval.ingest import doc_tool, parse_reason
from retrieval.types import Chunk, Document

if TYPE_CHECKING:
    from retrieval.index import ChunkCounts


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def title_line(doc: Document) -> Text:
    """A document block's first line (English and Chinese reports alike): id, then the title."""
    out = Text()
    out.append(f"{doc.doc_id}  ", style="bold")
    out.append(f"《{doc.title}》\n", style="cyan")
    return out


def stated(doc: Document, speaker: str, occasion: str, colon: str) -> str:
    """The speaker and occasion the speech states, under the given labels ("" when it states neither)."""
    parts = [(speaker, doc.speaker), (occasion, doc.occasion)]
    return " · ".join(f"{label}{colon}{value}" for label, value in parts if value)


def document_block(doc: Document, chunks: int, redacted_chunks: int) -> Text:
    """Title line, then how the file was read and what normalization removed or repaired."""
    report = doc.report
    out = title_line(doc)
    status = " · truncated by the site" if report.truncated else ""
    date = f" · {doc.date}" if doc.date else ""
    out.append(f"  {doc.path} · {doc.encoding}{date} · {plural(chunks, 'chunk')}{status}\n")
    # shown even when the title says it: this is where an admin checks what was extracted
    attribution = stated(doc, "speaker", "occasion", ": ")
    if attribution:
        out.append(f"  {attribution}\n")
    boilerplate = ", ".join(report.boilerplate_removed) or "none"
    out.append(f"  removed: pinyin ruby ×{report.pinyin_removed}; boilerplate: {boilerplate}\n")
    out.append(
        f"  mojibake: {report.mojibake_repaired} repaired, {report.mojibake_cut} cut · "
        f"redactions: {report.redactions} spans in {redacted_chunks} chunks"
    )
    return out


def readers_line() -> Text:
    """Which formats can be read here, and which tool legacy .doc files go through (if any)."""
    tool = doc_tool()
    doc = f".doc via {tool}" if tool else ".doc skipped (install antiword or LibreOffice, or save as .docx)"
    return Text(f"readers: .txt .md .docx .pdf .html .htm; {doc}")


def _code(reason: str) -> str:
    """The suffix " [code]" for a coded reason (the bot and the REPL show its Chinese wording)."""
    parsed = parse_reason(reason)
    return f" [{parsed[0]}]" if parsed else ""


def corpus_report(
    documents: Sequence[Document],
    chunks: Sequence[Chunk],
    skipped: Sequence[tuple[str, str]],
    counts: ChunkCounts | None = None,
) -> Group:
    """Every document's block, then the skipped files with reasons. `counts` (an index's, e.g. from shard
    metadata) spares walking the chunks."""
    if counts is None:
        from retrieval.index import ChunkCounts

        counts = ChunkCounts.of(chunks)
    per_doc, redacted = counts.per_doc, counts.redacted
    totals = f"{plural(len(documents), 'document')}, {plural(len(chunks), 'chunk')}\n"
    parts: list[Text] = [Text(totals, style="bold")]
    parts.extend(document_block(d, per_doc[d.doc_id], redacted[d.doc_id]) for d in documents)
    if skipped:
        parts.append(Text(f"\n{plural(len(skipped), 'file')} skipped:", style="bold yellow"))
        parts.extend(Text(f"  {path}: {reason}{_code(reason)}") for path, reason in skipped)
    else:
        parts.append(Text("\nNo files skipped."))
    return Group(*parts)
