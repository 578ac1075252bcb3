"""The REPL's /sources report, in Chinese like the rest of the REPL; only what actually happened is listed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from qabot.report import stated, title_line
from retrieval.ingest import chinese_reason
from retrieval.types import Chunk, Document

if TYPE_CHECKING:
    from retrieval.index import ChunkCounts


def _changes(doc: Document, redacted_chunks: int) -> list[str]:
    """What normalization did to the document, leaving out every step that found nothing."""
    report = doc.report
    changes = []
    if report.pinyin_removed:
        changes.append(f"删去拼音注音 {report.pinyin_removed} 处")
    if report.boilerplate_removed:
        changes.append(f"删去网站套话（{'、'.join(report.boilerplate_removed)}）")
    if report.mojibake_repaired:
        changes.append(f"修复乱码 {report.mojibake_repaired} 处")
    if report.mojibake_cut:
        changes.append(f"删去无法修复的乱码 {report.mojibake_cut} 处")
    if report.redactions:
        changes.append(f"隐去的数字或名称 {report.redactions} 处（{redacted_chunks} 个段落）")
    return changes


def document_block(doc: Document, chunks: int, redacted_chunks: int) -> Text:
    out = title_line(doc)
    status = " · 原文被网站截断" if doc.truncated else ""
    date = f" · {doc.date}" if doc.date else ""
    out.append(f"  {doc.path} · {doc.encoding}{date} · {chunks} 个段落{status}")
    attribution = stated(doc, "讲话人", "场合", "：")
    if attribution:
        out.append("\n  " + attribution)
    changes = _changes(doc, redacted_chunks)
    if changes:
        out.append("\n  " + "；".join(changes))
    return out


def sources_report(
    documents: Sequence[Document],
    chunks: Sequence[Chunk],
    skipped: Sequence[tuple[str, str]],
    counts: ChunkCounts | None = None,
) -> Group:
    """Every document's block, then the skipped files with reasons in Chinese (`qabot check` prints the
    English wording with the reason's code, which is what a log search finds)."""
    if counts is None:
        from retrieval.index import ChunkCounts

        counts = ChunkCounts.of(chunks)  # an index's own (shards: from metadata) spares the walk
    per_doc, redacted = counts.per_doc, counts.redacted
    parts = [Text(f"{len(documents)} 篇讲话，{len(chunks)} 个段落\n", style="bold")]
    parts.extend(document_block(d, per_doc[d.doc_id], redacted[d.doc_id]) for d in documents)
    if skipped:
        parts.append(Text(f"\n跳过 {len(skipped)} 个文件：", style="bold yellow"))
        parts.extend(Text(f"  {path}：{chinese_reason(reason)}") for path, reason in skipped)
    else:
        parts.append(Text("\n没有跳过任何文件。"))
    return Group(*parts)
